import { findSlots, formatRfc3339, type Slot, toInstant } from '@slotkit/core'
import { MAX_SLOT_QUERY_DAYS, type SlotsQuery, type SlotsReply } from '@slotkit/core/api'
import { LRUCache } from 'lru-cache'
import { slotsKey } from '../cache/keys'
import { SLOTS_TTL_MS } from '../cache/slot-cache'
import { findMeetingTypeById } from '../db/repositories/meeting-types.repository'
import type { MeetingTypeRow } from '../db/schema'
import { ApiError, invalidField, notFound } from '../http/api-error'
import type { JsonText } from '../http/json-text'
import type { ServiceDeps } from './deps'
import {
  loadSchedulingContext,
  type SchedulingContext,
  toMeetingTypeRules,
} from './scheduling-context'
import { addDays, checkDate, checkTimeZone, daysBetween } from './validate'

/** A meeting type never changes host, so its host id can be remembered in process. */
const hostOfMeetingType = new LRUCache<string, string>({ max: 100_000 })

/** The host id of a meeting type, or 404. */
export async function hostIdOf(deps: ServiceDeps, meetingTypeId: string): Promise<string> {
  const known = hostOfMeetingType.get(meetingTypeId)
  if (known) return known
  const mt = await findMeetingTypeById(deps.db, meetingTypeId)
  if (!mt) throw notFound('Meeting type')
  hostOfMeetingType.set(meetingTypeId, mt.userId)
  return mt.userId
}

/** The chosen length: the meeting type's duration or one of its options, else 400. */
export function chooseDuration(
  mt: MeetingTypeRow,
  requested: number | undefined,
  field: string,
): number {
  if (requested === undefined || requested === mt.durationMinutes) return mt.durationMinutes
  if (mt.durationOptionsMinutes.includes(requested)) return requested
  const allowed = [mt.durationMinutes, ...mt.durationOptionsMinutes].join(', ')
  throw new ApiError(
    'INVALID_DURATION',
    `${field}: ${requested} is not a length of this meeting type (allowed: ${allowed})`,
    {
      field,
      allowed: [mt.durationMinutes, ...mt.durationOptionsMinutes],
    },
  )
}

type SlotQueryRange =
  | { from: number; to: number }
  | { startDate: string; endDate: string; timeZone: string }

function instantRange(range: SlotQueryRange): { from: number; to: number } {
  if ('from' in range) return range
  return {
    from: toInstant(range.startDate, '00:00', range.timeZone),
    to: toInstant(addDays(range.endDate, 1), '00:00', range.timeZone),
  }
}

function runFindSlots(
  deps: ServiceDeps,
  mt: MeetingTypeRow,
  hostTimeZone: string,
  durationMinutes: number,
  range: SlotQueryRange,
  ctx: SchedulingContext,
): Slot[] {
  return findSlots({
    schedule: ctx.schedule(hostTimeZone),
    meetingType: toMeetingTypeRules(mt),
    bookings: ctx.bookings,
    events: ctx.events,
    now: deps.now(),
    range,
    durationMinutes,
  })
}

/** Slots of an active meeting type whose start lies in the range, computed now (no cache). */
export async function computeSlots(
  deps: ServiceDeps,
  mt: MeetingTypeRow,
  hostTimeZone: string,
  durationMinutes: number,
  range: SlotQueryRange,
): Promise<Slot[]> {
  const ctx = await loadSchedulingContext(deps.db, {
    hostId: mt.userId,
    meetingTypeId: mt.id,
    ...instantRange(range),
  })
  return runFindSlots(deps, mt, hostTimeZone, durationMinutes, range, ctx)
}

interface ResolvedQuery {
  startDate: string
  endDate: string
  shape: 'day' | 'range'
}

function resolveDates(query: SlotsQuery): ResolvedQuery {
  if (query.date !== undefined) {
    if (query.start_date !== undefined || query.end_date !== undefined) {
      throw invalidField('date', 'give either date, or start_date and end_date, not both')
    }
    checkDate(query.date, 'date')
    return { startDate: query.date, endDate: query.date, shape: 'day' }
  }
  if (query.start_date === undefined)
    throw invalidField('date', 'is required (or start_date and end_date)')
  if (query.end_date === undefined) throw invalidField('end_date', 'is required with start_date')
  checkDate(query.start_date, 'start_date')
  checkDate(query.end_date, 'end_date')
  const span = daysBetween(query.start_date, query.end_date)
  if (span < 0)
    throw new ApiError('INVALID_RANGE', 'end_date: must not be before start_date', {
      field: 'end_date',
    })
  if (span + 1 > MAX_SLOT_QUERY_DAYS) {
    throw new ApiError(
      'INVALID_RANGE',
      `end_date: a query spans at most ${MAX_SLOT_QUERY_DAYS} days`,
      { field: 'end_date' },
    )
  }
  return { startDate: query.start_date, endDate: query.end_date, shape: 'range' }
}

/**
 * The reply's JSON, written directly: a week of slots is a few hundred small
 * strings, and building objects only to stringify them doubled the garbage of
 * an uncached request. RFC 3339 and date strings need no escaping; the zone
 * name is stringified. A slot's day is the date part of its start in the zone.
 * `SlotsDayReplySchema` / `SlotsRangeReplySchema` describe what this writes;
 * test/slots-reply.test.ts checks real replies against them.
 */
function shapeReply(
  slots: readonly Slot[],
  timeZone: string,
  dates: ResolvedQuery,
): JsonText<SlotsReply> {
  const zone = JSON.stringify(timeZone)
  if (dates.shape === 'day') {
    let json = `{"date":"${dates.startDate}","timezone":${zone},"slots":[`
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as Slot
      json += `${i ? ',' : ''}{"start":"${formatRfc3339(slot.startsAt, timeZone)}","end":"${formatRfc3339(slot.endsAt, timeZone)}"}`
    }
    return `${json}]}` as JsonText<SlotsReply>
  }
  let json = `{"timezone":${zone},"days":[`
  let i = 0
  let next = slots[0] === undefined ? undefined : formatRfc3339(slots[0].startsAt, timeZone)
  const days = daysBetween(dates.startDate, dates.endDate)
  for (let d = 0; d <= days; d++) {
    const date = d === 0 ? dates.startDate : addDays(dates.startDate, d)
    json += `${d ? ',' : ''}{"date":"${date}","slots":[`
    let first = true
    while (next?.startsWith(date)) {
      const slot = slots[i] as Slot
      json += `${first ? '' : ','}{"start":"${next}","end":"${formatRfc3339(slot.endsAt, timeZone)}"}`
      first = false
      i++
      next = i < slots.length ? formatRfc3339((slots[i] as Slot).startsAt, timeZone) : undefined
    }
    json += ']}'
  }
  return `${json}]}` as JsonText<SlotsReply>
}

/**
 * `GET /api/availability/slots`: the reply as a JSON string, from the cache when
 * the host's generation is unchanged. The entry lives until the earliest of 5
 * minutes and the moment its first slot falls inside the minimum notice.
 *
 * On a cache miss the scheduling read also says how old the host's synced busy
 * times are; past 10 minutes a sync starts and the reply waits for it at most
 * 1.5 s (`refreshed` marks the second pass after a sync that changed something).
 */
export async function listSlots(
  deps: ServiceDeps,
  query: SlotsQuery,
  refreshed = false,
): Promise<JsonText<SlotsReply>> {
  // The reply, the cache key and the slots all use the zone's current name.
  const timeZone = checkTimeZone(query.timezone, 'timezone')
  const dates = resolveDates(query)
  const hostId = await hostIdOf(deps, query.meeting_type_id)
  // Read the generation before any data: a reply computed from data older than a
  // bump is stored under the old generation, where nobody looks any more.
  // A cache outage (Redis down) costs speed, never answers: compute without it.
  const generation = await deps.cache.generation(hostId).catch((error: unknown) => {
    deps.log.warn({ err: error }, 'slot cache unavailable; computing without it')
    return undefined
  })
  const key =
    generation === undefined
      ? undefined
      : slotsKey({
          hostId,
          generation,
          meetingTypeId: query.meeting_type_id,
          durationMinutes: query.duration ?? 0,
          timeZone,
          startDate: dates.startDate,
          endDate: dates.endDate,
          shape: dates.shape,
        })
  const cached = key === undefined ? undefined : await deps.cache.get(key).catch(() => undefined)
  // Only shapeReply's output is stored under a slots key, and the key names the
  // reply's shape (day or range).
  if (cached !== undefined) return cached as JsonText<SlotsReply>

  const range = { startDate: dates.startDate, endDate: dates.endDate, timeZone }
  // One round trip: meeting type, host, rules, overrides, bookings, busy times.
  const ctx = await loadSchedulingContext(deps.db, {
    hostId,
    meetingTypeId: query.meeting_type_id,
    loadMeetingType: true,
    withHost: true,
    withSyncState: !refreshed && deps.calendars?.wantsSyncState(hostId) === true,
    ...instantRange(range),
  })
  const mt = ctx.meetingType
  if (!mt?.isActive || !ctx.host) throw notFound('Meeting type')
  if (
    deps.calendars &&
    ctx.integrations !== null &&
    (await deps.calendars.refreshStaleHost(hostId, ctx.integrations))
  ) {
    // The sync changed busy times and bumped the generation: read and cache anew.
    return listSlots(deps, query, true)
  }
  const durationMinutes = chooseDuration(mt, query.duration, 'duration')
  const slots = runFindSlots(deps, mt, ctx.host.timeZone, durationMinutes, range, ctx)
  const body = shapeReply(slots, timeZone, dates)
  const now = deps.now()
  const firstStart = slots[0]?.startsAt
  const validFor =
    firstStart === undefined ? SLOTS_TTL_MS : firstStart - mt.minNoticeMinutes * 60_000 - now
  if (key !== undefined && validFor > 0) {
    await deps.cache.set(key, body, Math.min(SLOTS_TTL_MS, validFor)).catch((error: unknown) => {
      deps.log.warn({ err: error }, 'slot cache write failed')
    })
  }
  return body
}
