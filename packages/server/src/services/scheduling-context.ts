import {
  DAY_MS,
  type ExistingBooking,
  type ExternalEvent,
  type MeetingTypeRules,
  type Schedule,
  type WeeklyRule,
} from '@slotkit/core'
import type { Db } from '../db/database'
import {
  loadSchedulingData,
  type SchedulingData,
  type SchedulingQuery,
} from '../db/repositories/scheduling.repository'
import type { MeetingTypeRow } from '../db/schema'

/**
 * How far around a query window busy data is loaded: a slot starting in the window
 * can end a day later and carry day-long buffers, and limits count a whole
 * host-local week.
 */
export const BUSY_PADDING_MS = 9 * DAY_MS

/** A meeting type row as core's rules. A fixed date range replaces the rolling window. */
export function toMeetingTypeRules(mt: MeetingTypeRow): MeetingTypeRules {
  const dateRange =
    mt.dateRangeStart && mt.dateRangeEnd
      ? { startDate: mt.dateRangeStart, endDate: mt.dateRangeEnd }
      : null
  return {
    durationMinutes: mt.durationMinutes,
    durationOptionsMinutes: mt.durationOptionsMinutes,
    bufferBeforeMinutes: mt.bufferBeforeMinutes,
    bufferAfterMinutes: mt.bufferAfterMinutes,
    slotIntervalMinutes: mt.slotIntervalMinutes ?? undefined,
    minNoticeMinutes: mt.minNoticeMinutes,
    maxDaysAhead: dateRange ? null : mt.maxDaysAhead,
    dateRange,
    maxBookingsPerDay: mt.maxBookingsPerDay,
    maxBookingsPerWeek: mt.maxBookingsPerWeek,
  }
}

function utcDate(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10)
}

/** Core's inputs for one host around `[from, to)`. */
export interface SchedulingContext {
  readonly meetingType: MeetingTypeRow | undefined
  readonly host: SchedulingData['host']
  readonly idempotent: SchedulingData['idempotent']
  readonly webhookListens: SchedulingData['webhookListens']
  /** With `withWriteCalendar`: whether the host has a calendar to write bookings to. */
  readonly writeCalendar: boolean
  schedule(timeZone: string): Schedule
  readonly bookings: ExistingBooking[]
  /** Whether a confirmed booking with this id was loaded (the excluded one too). */
  hasBooking(id: string): boolean
  readonly events: ExternalEvent[]
  /** With `withSyncState`: the host's live calendar integrations and how fresh they are, else null. */
  readonly integrations: SchedulingData['integrations']
}

/**
 * Loads (in one round trip) what core needs to decide slots of `hostId` starting in
 * `[from, to)`: rules, the overrides of nearby dates (host-local dates are within
 * ±14 h of UTC ones), confirmed bookings and external busy times within
 * {@link BUSY_PADDING_MS}. Daily/weekly limits count the bookings of `meetingTypeId`.
 */
export async function loadSchedulingContext(
  db: Db,
  query: {
    hostId: string
    meetingTypeId: string
    loadMeetingType?: boolean
    withHost?: boolean
    idempotencyKey?: string
    webhookEvent?: string
    withWriteCalendar?: boolean
    withSyncState?: boolean
    from: number
    to: number
    excludeBookingId?: string
  },
  /** How to run the read; default one statement on `db` (the booking path passes its batching reader). */
  load: (query: SchedulingQuery) => Promise<SchedulingData> = (q) => loadSchedulingData(db, q),
): Promise<SchedulingContext> {
  const data = await load({
    hostId: query.hostId,
    meetingTypeId: query.loadMeetingType ? query.meetingTypeId : undefined,
    withHost: query.withHost,
    idempotencyKey: query.idempotencyKey,
    webhookEvent: query.webhookEvent,
    withWriteCalendar: query.withWriteCalendar,
    withSyncState: query.withSyncState,
    from: query.from - BUSY_PADDING_MS,
    to: query.to + BUSY_PADDING_MS,
    overridesFrom: utcDate(query.from - 2 * DAY_MS),
    overridesTo: utcDate(query.to + 2 * DAY_MS),
  })
  return {
    meetingType: data.meetingType,
    host: data.host,
    idempotent: data.idempotent,
    webhookListens: data.webhookListens,
    writeCalendar: data.writeCalendar === true,
    schedule: (timeZone) => ({
      timeZone,
      weekly: data.rules.map(
        (r): WeeklyRule => ({
          dayOfWeek: r.dayOfWeek as WeeklyRule['dayOfWeek'],
          startTime: r.startTime,
          endTime: r.endTime,
        }),
      ),
      overrides: data.overrides.map((o) => ({
        date: o.date,
        windows: o.intervals.map((i) => ({ startTime: i.start_time, endTime: i.end_time })),
      })),
    }),
    hasBooking: (id) => data.bookings.some((b) => b.id === id),
    bookings: data.bookings
      .filter((b) => b.id !== query.excludeBookingId)
      .map((b) => ({
        startsAt: b.startsAt,
        endsAt: b.endsAt,
        bufferBeforeMinutes: b.bufferBeforeMinutes,
        bufferAfterMinutes: b.bufferAfterMinutes,
        countsTowardLimits: b.meetingTypeId === query.meetingTypeId,
      })),
    events: data.events,
    integrations: data.integrations,
  }
}
