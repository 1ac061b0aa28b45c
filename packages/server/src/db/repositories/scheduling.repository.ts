import { CompiledQuery } from 'kysely'
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
  /** With `webhookEvent`: whether an active webhook of the host listens for it. */
  webhookListens?: boolean
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
  /** Also tell whether an active webhook of the host listens for this event. */
  webhookEvent?: string
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
  listens: boolean | null
  rules: [number, string, string][]
  overrides: [string, { start_time: string; end_time: string }[]][]
  bookings: [string, string, number, number, number, number][]
  events: [number, number, boolean][]
}

type Optional = 'mt' | 'idem' | 'event'
const statements = new Map<string, { text: string; optional: Optional[] }>()

/**
 * The statement of {@link loadSchedulingData} for one combination of the optional
 * parts, built once: a fixed text with positional parameters ($1 host, $2/$3 the
 * busy window in epoch seconds, $4/$5 override dates, then the optional meeting
 * type, Idempotency-Key and webhook event in that order), prepared once per
 * connection. `optional` lists the optional parameters the text uses.
 */
function schedulingStatement(parts: {
  mt: boolean
  host: boolean
  idem: boolean
  listens: boolean
}): { text: string; optional: Optional[] } {
  const key = `${+parts.mt}${+parts.host}${+parts.idem}${+parts.listens}`
  const known = statements.get(key)
  if (known !== undefined) return known
  const optional: Optional[] = []
  const param = (name: Optional) => {
    optional.push(name)
    return `$${5 + optional.length}`
  }
  const range = `tstzrange(to_timestamp($2::float8), to_timestamp($3::float8), '[)')`
  const mt = parts.mt
    ? `(SELECT json_build_object(
          'id', m.id, 'userId', m.user_id, 'name', m.name, 'slug', m.slug,
          'durationMinutes', m.duration_minutes, 'durationOptionsMinutes', m.duration_options_minutes,
          'bufferBeforeMinutes', m.buffer_before_minutes, 'bufferAfterMinutes', m.buffer_after_minutes,
          'slotIntervalMinutes', m.slot_interval_minutes, 'minNoticeMinutes', m.min_notice_minutes,
          'maxDaysAhead', m.max_days_ahead, 'maxBookingsPerDay', m.max_bookings_per_day,
          'maxBookingsPerWeek', m.max_bookings_per_week, 'dateRangeStart', m.date_range_start,
          'dateRangeEnd', m.date_range_end, 'questions', m.questions, 'isActive', m.is_active,
          'createdAt', m.created_at, 'updatedAt', m.updated_at)
        FROM meeting_types m WHERE m.id = ${param('mt')}::uuid AND m.user_id = $1::uuid)`
    : 'NULL::json'
  const host = parts.host
    ? `(SELECT json_build_object('id', u.id, 'name', u.name, 'timeZone', u.time_zone, 'scheduleVersion', u.schedule_version) FROM users u WHERE u.id = $1::uuid)`
    : 'NULL::json'
  const idem = parts.idem
    ? `(SELECT json_build_array(b.id, b.request_hash) FROM bookings b WHERE b.host_id = $1::uuid AND b.idempotency_key = ${param('idem')}::text)`
    : 'NULL::json'
  const listens = parts.listens
    ? `EXISTS (SELECT 1 FROM webhooks w WHERE w.user_id = $1::uuid AND w.is_active AND ${param('event')}::text = ANY (w.events))`
    : 'NULL::boolean'
  const text = `SELECT
      ${mt} AS mt,
      ${host} AS host,
      ${idem} AS idem,
      ${listens} AS listens,
      (SELECT coalesce(json_agg(json_build_array(r.day_of_week, to_char(r.start_time, 'HH24:MI'), to_char(r.end_time, 'HH24:MI'))), '[]')
         FROM availability_rules r WHERE r.user_id = $1::uuid) AS rules,
      (SELECT coalesce(json_agg(json_build_array(o.date::text, o.intervals)), '[]')
         FROM date_overrides o WHERE o.user_id = $1::uuid AND o.date BETWEEN $4::date AND $5::date) AS overrides,
      (SELECT coalesce(json_agg(json_build_array(b.id, b.meeting_type_id,
                (extract(epoch FROM b.starts_at) * 1000)::bigint, (extract(epoch FROM b.ends_at) * 1000)::bigint,
                b.buffer_before_minutes, b.buffer_after_minutes)), '[]')
         FROM bookings b WHERE b.host_id = $1::uuid AND b.status = 'confirmed' AND b.blocked && ${range}) AS bookings,
      (SELECT coalesce(json_agg(json_build_array((extract(epoch FROM e.starts_at) * 1000)::bigint,
                (extract(epoch FROM e.ends_at) * 1000)::bigint, e.transparent)), '[]')
         FROM external_busy e WHERE e.host_id = $1::uuid AND tstzrange(e.starts_at, e.ends_at, '[)') && ${range}) AS events`
  const statement = { text, optional }
  statements.set(key, statement)
  return statement
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
  const { text, optional } = schedulingStatement({
    mt: q.meetingTypeId !== undefined,
    host: q.withHost === true,
    idem: q.idempotencyKey !== undefined,
    listens: q.webhookEvent !== undefined,
  })
  const values: Record<Optional, unknown> = {
    mt: q.meetingTypeId,
    idem: q.idempotencyKey,
    event: q.webhookEvent,
  }
  const params: unknown[] = [q.hostId, q.from / 1000, q.to / 1000, q.overridesFrom, q.overridesTo]
  for (const name of optional) params.push(values[name])
  const result = await db.executeQuery<Raw>(CompiledQuery.raw(text, params))
  return parseRaw(result.rows[0]!)
}

function parseRaw(raw: Raw): SchedulingData {
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
    webhookListens: raw.listens ?? undefined,
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

const MANY_SQL = `SELECT q.i,
    (SELECT json_build_object(
        'id', m.id, 'userId', m.user_id, 'name', m.name, 'slug', m.slug,
        'durationMinutes', m.duration_minutes, 'durationOptionsMinutes', m.duration_options_minutes,
        'bufferBeforeMinutes', m.buffer_before_minutes, 'bufferAfterMinutes', m.buffer_after_minutes,
        'slotIntervalMinutes', m.slot_interval_minutes, 'minNoticeMinutes', m.min_notice_minutes,
        'maxDaysAhead', m.max_days_ahead, 'maxBookingsPerDay', m.max_bookings_per_day,
        'maxBookingsPerWeek', m.max_bookings_per_week, 'dateRangeStart', m.date_range_start,
        'dateRangeEnd', m.date_range_end, 'questions', m.questions, 'isActive', m.is_active,
        'createdAt', m.created_at, 'updatedAt', m.updated_at)
       FROM meeting_types m WHERE m.id = q.mt AND m.user_id = q.host) AS mt,
    CASE WHEN q.with_host THEN (SELECT json_build_object('id', u.id, 'name', u.name, 'timeZone', u.time_zone, 'scheduleVersion', u.schedule_version)
       FROM users u WHERE u.id = q.host) END AS host,
    (SELECT json_build_array(b.id, b.request_hash) FROM bookings b
      WHERE b.host_id = q.host AND b.idempotency_key = q.idem) AS idem,
    CASE WHEN q.event IS NOT NULL THEN EXISTS (SELECT 1 FROM webhooks w
      WHERE w.user_id = q.host AND w.is_active AND q.event = ANY (w.events)) END AS listens,
    (SELECT coalesce(json_agg(json_build_array(r.day_of_week, to_char(r.start_time, 'HH24:MI'), to_char(r.end_time, 'HH24:MI'))), '[]')
       FROM availability_rules r WHERE r.user_id = q.host) AS rules,
    (SELECT coalesce(json_agg(json_build_array(o.date::text, o.intervals)), '[]')
       FROM date_overrides o WHERE o.user_id = q.host AND o.date BETWEEN q.ov_from AND q.ov_to) AS overrides,
    (SELECT coalesce(json_agg(json_build_array(b.id, b.meeting_type_id,
              (extract(epoch FROM b.starts_at) * 1000)::bigint, (extract(epoch FROM b.ends_at) * 1000)::bigint,
              b.buffer_before_minutes, b.buffer_after_minutes)), '[]')
       FROM bookings b WHERE b.host_id = q.host AND b.status = 'confirmed'
        AND b.blocked && tstzrange(to_timestamp(q.from_s), to_timestamp(q.to_s), '[)')) AS bookings,
    (SELECT coalesce(json_agg(json_build_array((extract(epoch FROM e.starts_at) * 1000)::bigint,
              (extract(epoch FROM e.ends_at) * 1000)::bigint, e.transparent)), '[]')
       FROM external_busy e WHERE e.host_id = q.host
        AND tstzrange(e.starts_at, e.ends_at, '[)') && tstzrange(to_timestamp(q.from_s), to_timestamp(q.to_s), '[)')) AS events
  FROM json_to_recordset($1::json) AS q (i int, host uuid, mt uuid, with_host boolean,
    from_s float8, to_s float8, ov_from date, ov_to date, idem text, event text)`

/**
 * {@link loadSchedulingData} for several queries in one statement (one snapshot
 * for all of them; each host's data and `schedule_version` are consistent with
 * each other as in the single form). The results are in the order of `queries`.
 */
export async function loadSchedulingDataMany(
  db: Db,
  queries: readonly SchedulingQuery[],
): Promise<SchedulingData[]> {
  const param = JSON.stringify(
    queries.map((q, i) => ({
      i,
      host: q.hostId,
      mt: q.meetingTypeId ?? null,
      with_host: q.withHost === true,
      from_s: q.from / 1000,
      to_s: q.to / 1000,
      ov_from: q.overridesFrom,
      ov_to: q.overridesTo,
      idem: q.idempotencyKey ?? null,
      event: q.webhookEvent ?? null,
    })),
  )
  const result = await db.executeQuery<Raw & { i: number }>(CompiledQuery.raw(MANY_SQL, [param]))
  const out: SchedulingData[] = new Array(queries.length)
  for (const row of result.rows) out[row.i] = parseRaw(row)
  return out
}
