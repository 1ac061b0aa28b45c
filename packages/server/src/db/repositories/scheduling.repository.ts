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
  /**
   * With `withSyncState`: the oldest last sync (epoch ms; 0 = never) of the host's
   * live calendar integrations; null without any (or when not asked).
   */
  syncedAt: number | null
}

export interface SchedulingQuery {
  hostId: string
  meetingTypeId?: string
  withHost?: boolean
  /** Also look up the host's booking with this Idempotency-Key. */
  idempotencyKey?: string
  /** Also tell whether an active webhook of the host listens for this event. */
  webhookEvent?: string
  /** Also read the oldest last sync of the host's calendar integrations (the slots endpoint's freshness check). */
  withSyncState?: boolean
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
  synced: number | null
}

/** SQL expressions the columns of a scheduling read are built from (`null`: the part is left out). */
interface SchedulingInputs {
  readonly host: string
  readonly fromSeconds: string
  readonly toSeconds: string
  readonly overridesFrom: string
  readonly overridesTo: string
  readonly meetingType: string | null
  /** Whether to read the host row (an SQL boolean expression, or `null` for never). */
  readonly withHost: string | null
  readonly idempotencyKey: string | null
  readonly webhookEvent: string | null
  /** Whether to read the integrations' oldest sync. */
  readonly syncState: boolean
}

/**
 * The select list of a scheduling read, shared by the single statement and the
 * batched one, so both read exactly the same columns the same way.
 */
function schedulingColumns(p: SchedulingInputs): string {
  const range = `tstzrange(to_timestamp(${p.fromSeconds}), to_timestamp(${p.toSeconds}), '[)')`
  const mt = p.meetingType
    ? `(SELECT json_build_object(
          'id', m.id, 'userId', m.user_id, 'name', m.name, 'slug', m.slug,
          'durationMinutes', m.duration_minutes, 'durationOptionsMinutes', m.duration_options_minutes,
          'bufferBeforeMinutes', m.buffer_before_minutes, 'bufferAfterMinutes', m.buffer_after_minutes,
          'slotIntervalMinutes', m.slot_interval_minutes, 'minNoticeMinutes', m.min_notice_minutes,
          'maxDaysAhead', m.max_days_ahead, 'maxBookingsPerDay', m.max_bookings_per_day,
          'maxBookingsPerWeek', m.max_bookings_per_week, 'dateRangeStart', m.date_range_start,
          'dateRangeEnd', m.date_range_end, 'questions', m.questions, 'isActive', m.is_active,
          'createdAt', m.created_at, 'updatedAt', m.updated_at)
        FROM meeting_types m WHERE m.id = ${p.meetingType} AND m.user_id = ${p.host})`
    : 'NULL::json'
  const hostRow = `(SELECT json_build_object('id', u.id, 'name', u.name, 'timeZone', u.time_zone, 'scheduleVersion', u.schedule_version) FROM users u WHERE u.id = ${p.host})`
  const host =
    p.withHost === null
      ? 'NULL::json'
      : p.withHost === 'true'
        ? hostRow
        : `CASE WHEN ${p.withHost} THEN ${hostRow} END`
  const idem = p.idempotencyKey
    ? `(SELECT json_build_array(b.id, b.request_hash) FROM bookings b WHERE b.host_id = ${p.host} AND b.idempotency_key = ${p.idempotencyKey})`
    : 'NULL::json'
  const listens = p.webhookEvent
    ? `CASE WHEN ${p.webhookEvent} IS NOT NULL THEN EXISTS (SELECT 1 FROM webhooks w WHERE w.user_id = ${p.host} AND w.is_active AND ${p.webhookEvent} = ANY (w.events)) END`
    : 'NULL::boolean'
  // Index-only on integrations_host_idx; NULL when the host has no live integration.
  const synced = p.syncState
    ? `(SELECT min(coalesce(extract(epoch FROM i.last_synced_at) * 1000, 0))::float8
         FROM integrations i WHERE i.host_id = ${p.host} AND i.status <> 'disconnected')`
    : 'NULL::float8'
  return `${mt} AS mt,
      ${synced} AS synced,
      ${host} AS host,
      ${idem} AS idem,
      ${listens} AS listens,
      (SELECT coalesce(json_agg(json_build_array(r.day_of_week, to_char(r.start_time, 'HH24:MI'), to_char(r.end_time, 'HH24:MI'))), '[]')
         FROM availability_rules r WHERE r.user_id = ${p.host}) AS rules,
      (SELECT coalesce(json_agg(json_build_array(o.date::text, o.intervals)), '[]')
         FROM date_overrides o WHERE o.user_id = ${p.host} AND o.date BETWEEN ${p.overridesFrom} AND ${p.overridesTo}) AS overrides,
      (SELECT coalesce(json_agg(json_build_array(b.id, b.meeting_type_id,
                (extract(epoch FROM b.starts_at) * 1000)::bigint, (extract(epoch FROM b.ends_at) * 1000)::bigint,
                b.buffer_before_minutes, b.buffer_after_minutes)), '[]')
         FROM bookings b WHERE b.host_id = ${p.host} AND b.status = 'confirmed' AND b.blocked && ${range}) AS bookings,
      (SELECT coalesce(json_agg(json_build_array((extract(epoch FROM e.starts_at) * 1000)::bigint,
                (extract(epoch FROM e.ends_at) * 1000)::bigint, e.transparent)), '[]')
         FROM external_busy e WHERE e.host_id = ${p.host} AND tstzrange(e.starts_at, e.ends_at, '[)') && ${range}) AS events`
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
  synced: boolean
}): { text: string; optional: Optional[] } {
  const key = `${+parts.mt}${+parts.host}${+parts.idem}${+parts.listens}${+parts.synced}`
  const known = statements.get(key)
  if (known !== undefined) return known
  const optional: Optional[] = []
  const param = (name: Optional) => {
    optional.push(name)
    return `$${5 + optional.length}`
  }
  const text = `SELECT ${schedulingColumns({
    host: '$1::uuid',
    fromSeconds: '$2::float8',
    toSeconds: '$3::float8',
    overridesFrom: '$4::date',
    overridesTo: '$5::date',
    meetingType: parts.mt ? `${param('mt')}::uuid` : null,
    withHost: parts.host ? 'true' : null,
    idempotencyKey: parts.idem ? `${param('idem')}::text` : null,
    webhookEvent: parts.listens ? `${param('event')}::text` : null,
    syncState: parts.synced,
  })}`
  const statement = { text, optional }
  statements.set(key, statement)
  return statement
}

/**
 * One statement, eight sub-selects, every one keyed by host (or by the meeting
 * type's primary key): rules, overrides, confirmed bookings overlapping the window
 * (gist index of the exclusion constraint), external busy times, and optionally
 * the meeting type, the host (with its `schedule_version`, from the same snapshot),
 * the booking of an Idempotency-Key and the oldest sync of its calendar integrations. Used by the slots endpoint and by the
 * booking check: optimistically, before the insert that requires the version
 * read here, or after the host row is locked (ADR 0008).
 */
export async function loadSchedulingData(db: Db, q: SchedulingQuery): Promise<SchedulingData> {
  const { text, optional } = schedulingStatement({
    mt: q.meetingTypeId !== undefined,
    host: q.withHost === true,
    idem: q.idempotencyKey !== undefined,
    listens: q.webhookEvent !== undefined,
    synced: q.withSyncState === true,
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
    syncedAt: raw.synced === null ? null : Number(raw.synced),
  }
}

const MANY_SQL = `SELECT q.i, ${schedulingColumns({
  host: 'q.host',
  fromSeconds: 'q.from_s',
  toSeconds: 'q.to_s',
  overridesFrom: 'q.ov_from',
  overridesTo: 'q.ov_to',
  meetingType: 'q.mt',
  withHost: 'q.with_host',
  idempotencyKey: 'q.idem',
  webhookEvent: 'q.event',
  syncState: false,
})}
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
