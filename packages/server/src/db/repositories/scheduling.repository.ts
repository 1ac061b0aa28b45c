import { sql } from 'kysely'
import type { Db } from '../database'
import type { MeetingTypeRow, Question } from '../schema'

/** Everything the slot engine needs about one host around a window, read in one round trip. */
export interface SchedulingData {
  /** Present when asked for (`meetingTypeId`) and found. */
  meetingType?: MeetingTypeRow
  /** Present when asked for (`withHost`) and found; `scheduleVersion` is read in the same snapshot as the rest. */
  host?: { id: string; name: string; timeZone: string; scheduleVersion: number }
  /** With `idempotencyKey`: the host's booking made with that key, if any. */
  idempotent?: { id: string; requestHash: string | null }
  rules: { dayOfWeek: number; startTime: string; endTime: string }[]
  overrides: { date: string; intervals: { start_time: string; end_time: string }[] }[]
  bookings: {
    id: string
    meetingTypeId: string
    startsAt: number
    endsAt: number
    bufferBeforeMinutes: number
    bufferAfterMinutes: number
  }[]
  events: { startsAt: number; endsAt: number; transparent: boolean }[]
}

export interface SchedulingQuery {
  hostId: string
  meetingTypeId?: string
  withHost?: boolean
  /** Also look up the host's booking with this Idempotency-Key. */
  idempotencyKey?: string
  /** Busy data whose range overlaps `[from, to)`. */
  from: number
  to: number
  /** Overrides for dates in `[overridesFrom, overridesTo]`. */
  overridesFrom: string
  overridesTo: string
}

type Raw = {
  mt:
    | (Omit<MeetingTypeRow, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string })
    | null
  host: SchedulingData['host'] | null
  idem: [string, string | null] | null
  rules: [number, string, string][]
  overrides: [string, { start_time: string; end_time: string }[]][]
  bookings: [string, string, number, number, number, number][]
  events: [number, number, boolean][]
}

/**
 * One statement, seven sub-selects, every one keyed by host (or by the meeting
 * type's primary key): rules, overrides, confirmed bookings overlapping the window
 * (gist index of the exclusion constraint), external busy times, and optionally
 * the meeting type, the host (with its `schedule_version`, from the same snapshot)
 * and the booking of an Idempotency-Key. Used by the slots endpoint and by the
 * booking check: optimistically, before the insert that requires the version
 * read here, or after the host row is locked (ADR 0008).
 */
export async function loadSchedulingData(db: Db, q: SchedulingQuery): Promise<SchedulingData> {
  const range = sql`tstzrange(to_timestamp(${q.from / 1000}), to_timestamp(${q.to / 1000}), '[)')`
  const mtSelect = q.meetingTypeId
    ? sql`(SELECT json_build_object(
          'id', m.id, 'userId', m.user_id, 'name', m.name, 'slug', m.slug,
          'durationMinutes', m.duration_minutes, 'durationOptionsMinutes', m.duration_options_minutes,
          'bufferBeforeMinutes', m.buffer_before_minutes, 'bufferAfterMinutes', m.buffer_after_minutes,
          'slotIntervalMinutes', m.slot_interval_minutes, 'minNoticeMinutes', m.min_notice_minutes,
          'maxDaysAhead', m.max_days_ahead, 'maxBookingsPerDay', m.max_bookings_per_day,
          'maxBookingsPerWeek', m.max_bookings_per_week, 'dateRangeStart', m.date_range_start,
          'dateRangeEnd', m.date_range_end, 'questions', m.questions, 'isActive', m.is_active,
          'createdAt', m.created_at, 'updatedAt', m.updated_at)
        FROM meeting_types m WHERE m.id = ${q.meetingTypeId}::uuid AND m.user_id = ${q.hostId}::uuid)`
    : sql`NULL::json`
  const hostSelect = q.withHost
    ? sql`(SELECT json_build_object('id', u.id, 'name', u.name, 'timeZone', u.time_zone, 'scheduleVersion', u.schedule_version) FROM users u WHERE u.id = ${q.hostId}::uuid)`
    : sql`NULL::json`
  const idemSelect =
    q.idempotencyKey !== undefined
      ? sql`(SELECT json_build_array(b.id, b.request_hash) FROM bookings b WHERE b.host_id = ${q.hostId}::uuid AND b.idempotency_key = ${q.idempotencyKey})`
      : sql`NULL::json`
  const result = await sql<Raw>`
    SELECT
      ${mtSelect} AS mt,
      ${hostSelect} AS host,
      ${idemSelect} AS idem,
      (SELECT coalesce(json_agg(json_build_array(r.day_of_week, to_char(r.start_time, 'HH24:MI'), to_char(r.end_time, 'HH24:MI'))), '[]')
         FROM availability_rules r WHERE r.user_id = ${q.hostId}::uuid) AS rules,
      (SELECT coalesce(json_agg(json_build_array(o.date::text, o.intervals)), '[]')
         FROM date_overrides o WHERE o.user_id = ${q.hostId}::uuid AND o.date BETWEEN ${q.overridesFrom}::date AND ${q.overridesTo}::date) AS overrides,
      (SELECT coalesce(json_agg(json_build_array(b.id, b.meeting_type_id,
                (extract(epoch FROM b.starts_at) * 1000)::bigint, (extract(epoch FROM b.ends_at) * 1000)::bigint,
                b.buffer_before_minutes, b.buffer_after_minutes)), '[]')
         FROM bookings b WHERE b.host_id = ${q.hostId}::uuid AND b.status = 'confirmed' AND b.blocked && ${range}) AS bookings,
      (SELECT coalesce(json_agg(json_build_array((extract(epoch FROM e.starts_at) * 1000)::bigint,
                (extract(epoch FROM e.ends_at) * 1000)::bigint, e.transparent)), '[]')
         FROM external_busy e WHERE e.host_id = ${q.hostId}::uuid AND tstzrange(e.starts_at, e.ends_at, '[)') && ${range}) AS events
  `.execute(db)
  const raw = result.rows[0]!
  return {
    meetingType: raw.mt
      ? {
          ...raw.mt,
          questions: raw.mt.questions as Question[],
          createdAt: new Date(raw.mt.createdAt),
          updatedAt: new Date(raw.mt.updatedAt),
        }
      : undefined,
    host: raw.host ? { ...raw.host, scheduleVersion: Number(raw.host.scheduleVersion) } : undefined,
    idempotent: raw.idem ? { id: raw.idem[0], requestHash: raw.idem[1] } : undefined,
    rules: raw.rules.map(([dayOfWeek, startTime, endTime]) => ({ dayOfWeek, startTime, endTime })),
    overrides: raw.overrides.map(([date, intervals]) => ({ date, intervals })),
    bookings: raw.bookings.map(
      ([id, meetingTypeId, startsAt, endsAt, bufferBeforeMinutes, bufferAfterMinutes]) => ({
        id,
        meetingTypeId,
        startsAt: Number(startsAt),
        endsAt: Number(endsAt),
        bufferBeforeMinutes,
        bufferAfterMinutes,
      }),
    ),
    events: raw.events.map(([startsAt, endsAt, transparent]) => ({
      startsAt: Number(startsAt),
      endsAt: Number(endsAt),
      transparent,
    })),
  }
}
