import {
  type CompiledQuery,
  type Expression,
  type ExpressionBuilder,
  expressionBuilder,
  type InferResult,
  type RawBuilder,
  sql,
} from 'kysely'
import { jsonBuildObject } from 'kysely/helpers/postgres'
import type { Db } from '../database'
import type { Database, MeetingTypeRow, MeetingTypesTable } from '../schema'

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
  /**
   * With `withWriteCalendar`: whether the host has a calendar to write bookings
   * to (a write calendar of an integration that is not disconnected), so the
   * booking's `calendar.write-event` job is queued with it (and only then).
   */
  writeCalendar?: boolean
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
   * With `withSyncState`: the host's live calendar integrations and how fresh
   * they are (empty without any); null when not asked.
   */
  integrations: IntegrationSyncState[] | null
}

/** A live calendar integration's freshness, as the scheduling read returns it. */
export interface IntegrationSyncState {
  readonly id: string
  /** Its last full sync (epoch ms), or null: never synced. */
  readonly syncedAt: number | null
  /** Its backoff: no sync before then (epoch ms), or null. */
  readonly nextAttemptAt: number | null
}

export interface SchedulingQuery {
  hostId: string
  meetingTypeId?: string
  withHost?: boolean
  /** Also look up the host's booking with this Idempotency-Key. */
  idempotencyKey?: string
  /** Also tell whether an active webhook of the host listens for this event. */
  webhookEvent?: string
  /** Also tell whether the host has a calendar to write bookings to (the booking paths). */
  withWriteCalendar?: boolean
  /** Also read the sync state of the host's calendar integrations (the slots endpoint's freshness check). */
  withSyncState?: boolean
  /** Busy data whose range overlaps `[from, to)`. */
  from: number
  to: number
  /** Overrides for dates in `[overridesFrom, overridesTo]`. */
  overridesFrom: string
  overridesTo: string
}

/**
 * SQL expressions a scheduling read is built from: positional parameters in the
 * single read, columns of the query's recordset row in the batched one (`null`:
 * the part is left out of the statement).
 */
interface SchedulingInputs {
  readonly host: Expression<string>
  readonly fromSeconds: Expression<number>
  readonly toSeconds: Expression<number>
  readonly overridesFrom: Expression<string>
  readonly overridesTo: Expression<string>
  /** In a batch, an SQL NULL matches no meeting type (as the other two). */
  readonly meetingType: Expression<string | null> | null
  /** Whether to read the host row: always, when this SQL boolean is true, or never (`null`). */
  readonly withHost: Expression<boolean> | 'always' | null
  readonly idempotencyKey: Expression<string | null> | null
  readonly webhookEvent: Expression<string | null> | null
  /** Whether to tell if the host has a write calendar: always, when this SQL boolean is true, or never (`null`). */
  readonly writeCalendar: Expression<boolean> | 'always' | null
  /** Whether to read the oldest last sync of the host's live calendar integrations. */
  readonly syncState: boolean
}

/** `NULL` of `type`, standing for a part left out of the statement. */
function leftOut<T>(type: 'json' | 'boolean' | 'float8'): Expression<T | null> {
  return sql<T | null>`NULL::${sql.raw(type)}`
}

/** Epoch milliseconds of a `timestamptz` column, as a JSON number (null stays null). */
function epochMs<T extends Date | null>(
  column: Expression<T>,
): RawBuilder<T extends Date ? number : number | null> {
  return sql<number>`(extract(epoch FROM ${column}) * 1000)::bigint`
}

/** `json_agg` of `row`, `[]` rather than NULL when there are no rows. */
function jsonAgg<T>(row: Expression<T>): RawBuilder<T[]> {
  return sql<T[]>`coalesce(json_agg(${row}), '[]')`
}

/** `expression AS alias`. */
function named<T, TAlias extends string>(expression: Expression<T>, alias: TAlias) {
  return sql<T>`${expression}`.as(alias)
}

/**
 * Every column of `meeting_types`, under the key `MeetingTypeRow` has for it.
 * `satisfies` makes a column added to {@link MeetingTypesTable} a compile error
 * until it is read here; a column added by a migration but not to the type fails
 * `test/scheduling-read.test.ts`. `json_build_object` with literal keys rather
 * than `jsonObjectFrom` (`to_json` of the row): that row's JSON keys would be
 * the snake_case column names, which the CamelCasePlugin leaves alone inside
 * JSON (`maintainNestedObjectKeys`, for answers keyed by question id), so the
 * type Kysely infers would not be the keys the object has.
 */
function meetingTypeJson(eb: ExpressionBuilder<Database & { m: MeetingTypesTable }, 'm'>) {
  return jsonBuildObject({
    id: eb.ref('m.id'),
    userId: eb.ref('m.userId'),
    name: eb.ref('m.name'),
    slug: eb.ref('m.slug'),
    durationMinutes: eb.ref('m.durationMinutes'),
    durationOptionsMinutes: eb.ref('m.durationOptionsMinutes'),
    bufferBeforeMinutes: eb.ref('m.bufferBeforeMinutes'),
    bufferAfterMinutes: eb.ref('m.bufferAfterMinutes'),
    slotIntervalMinutes: eb.ref('m.slotIntervalMinutes'),
    minNoticeMinutes: eb.ref('m.minNoticeMinutes'),
    maxDaysAhead: eb.ref('m.maxDaysAhead'),
    maxBookingsPerDay: eb.ref('m.maxBookingsPerDay'),
    maxBookingsPerWeek: eb.ref('m.maxBookingsPerWeek'),
    dateRangeStart: eb.ref('m.dateRangeStart'),
    dateRangeEnd: eb.ref('m.dateRangeEnd'),
    questions: eb.ref('m.questions'),
    isActive: eb.ref('m.isActive'),
    location: eb.ref('m.location'),
    createdAt: eb.ref('m.createdAt'),
    updatedAt: eb.ref('m.updatedAt'),
  } satisfies Record<keyof MeetingTypesTable, Expression<unknown>>)
}

/** The value type of an SQL expression. */
type ValueOf<TExpression> = TExpression extends Expression<infer T> ? T : never

/**
 * The select list of a scheduling read, shared by the single statement and the
 * batched one, so both read exactly the same columns the same way: up to ten
 * sub-selects, each keyed by host (or by the meeting type's primary key), each
 * one row or an aggregate as JSON whose keys are the ones its type names.
 */
function schedulingColumns(p: SchedulingInputs) {
  const eb = expressionBuilder<Database>()
  // Typed as `blocked` is: a range literal.
  const range = sql<string>`tstzrange(to_timestamp(${p.fromSeconds}), to_timestamp(${p.toSeconds}), '[)')`
  const meetingTypeId = p.meetingType
  const mt: Expression<ValueOf<ReturnType<typeof meetingTypeJson>> | null> = meetingTypeId
    ? eb
        .selectFrom('meetingTypes as m')
        .select((m) => meetingTypeJson(m).as('mt'))
        .where('m.id', '=', meetingTypeId)
        .where('m.userId', '=', p.host)
        .$asScalar()
    : leftOut('json')
  const hostRow = eb
    .selectFrom('users as u')
    .select((u) =>
      jsonBuildObject({
        id: u.ref('u.id'),
        name: u.ref('u.name'),
        timeZone: u.ref('u.timeZone'),
        scheduleVersion: u.ref('u.scheduleVersion'),
      }).as('host'),
    )
    .where('u.id', '=', p.host)
    .$asScalar()
  const withHost = p.withHost
  const host: Expression<ValueOf<typeof hostRow> | null> =
    withHost === null
      ? leftOut('json')
      : withHost === 'always'
        ? hostRow
        : eb.case().when(withHost).then(hostRow).end()
  const idempotencyKey = p.idempotencyKey
  const idem: Expression<{ id: string; requestHash: string | null } | null> = idempotencyKey
    ? eb
        .selectFrom('bookings as b')
        .select((b) =>
          jsonBuildObject({ id: b.ref('b.id'), requestHash: b.ref('b.requestHash') }).as('idem'),
        )
        .where('b.hostId', '=', p.host)
        .where('b.idempotencyKey', '=', idempotencyKey)
        .$asScalar()
    : leftOut('json')
  const event = p.webhookEvent
  const listens: Expression<boolean | null> = event
    ? eb
        .case()
        .when(event, 'is not', null)
        .then(
          eb
            .exists(
              eb
                .selectFrom('webhooks as w')
                .select(sql.lit(1).as('one'))
                .where('w.userId', '=', p.host)
                .where('w.isActive', '=', sql.lit(true))
                .where((w) => w(event, '=', w.fn.any('w.events'))),
            )
            .$castTo<boolean>(),
        )
        .end()
    : leftOut('boolean')
  // integration_calendars_host_idx: a host without integrations costs one index probe.
  const writesRow = eb
    .exists(
      eb
        .selectFrom('integrationCalendars as c')
        .innerJoin('integrations as i', 'i.id', 'c.integrationId')
        .select(sql.lit(1).as('one'))
        .where('c.hostId', '=', p.host)
        .where('c.write', '=', sql.lit(true))
        .where('i.status', '<>', sql.lit('disconnected')),
    )
    .$castTo<boolean>()
  const writeCalendar = p.writeCalendar
  const writes: Expression<boolean | null> =
    writeCalendar === null
      ? leftOut('boolean')
      : writeCalendar === 'always'
        ? writesRow
        : eb.case().when(writeCalendar).then(writesRow).end()
  const rules = eb
    .selectFrom('availabilityRules as r')
    .select((r) =>
      jsonAgg(
        jsonBuildObject({
          dayOfWeek: r.ref('r.dayOfWeek'),
          startTime: sql<string>`to_char(${r.ref('r.startTime')}, 'HH24:MI')`,
          endTime: sql<string>`to_char(${r.ref('r.endTime')}, 'HH24:MI')`,
        }),
      ).as('rules'),
    )
    .where('r.userId', '=', p.host)
    .$asScalar()
  const overrides = eb
    .selectFrom('dateOverrides as o')
    .select((o) =>
      jsonAgg(jsonBuildObject({ date: o.ref('o.date'), intervals: o.ref('o.intervals') })).as(
        'overrides',
      ),
    )
    .where('o.userId', '=', p.host)
    .where('o.date', '>=', p.overridesFrom)
    .where('o.date', '<=', p.overridesTo)
    .$asScalar()
  const bookings = eb
    .selectFrom('bookings as b')
    .select((b) =>
      jsonAgg(
        jsonBuildObject({
          id: b.ref('b.id'),
          meetingTypeId: b.ref('b.meetingTypeId'),
          startsAt: epochMs(b.ref('b.startsAt')),
          endsAt: epochMs(b.ref('b.endsAt')),
          bufferBeforeMinutes: b.ref('b.bufferBeforeMinutes'),
          bufferAfterMinutes: b.ref('b.bufferAfterMinutes'),
        }),
      ).as('bookings'),
    )
    .where('b.hostId', '=', p.host)
    .where('b.status', '=', sql.lit('confirmed'))
    // The gist index of the exclusion constraint serves (host_id, blocked &&).
    .where('b.blocked', '&&', range)
    .$asScalar()
  const events = eb
    .selectFrom('externalBusy as e')
    .select((e) =>
      jsonAgg(
        jsonBuildObject({
          startsAt: epochMs(e.ref('e.startsAt')),
          endsAt: epochMs(e.ref('e.endsAt')),
          transparent: e.ref('e.transparent'),
        }),
      ).as('events'),
    )
    .where('e.hostId', '=', p.host)
    // Spelled as in external_busy_host_range_idx, so that index serves it.
    .where((e) =>
      e(sql`tstzrange(${e.ref('e.startsAt')}, ${e.ref('e.endsAt')}, '[)')`, '&&', range),
    )
    .$asScalar()
  // On integrations_host_idx: a probe that finds nothing for a host without a live
  // integration; a row or two (the host's accounts) otherwise. The slots endpoint
  // hands these to the on-demand sync, which needs no query of its own.
  const synced: Expression<IntegrationSyncState[] | null> = p.syncState
    ? eb
        .selectFrom('integrations as i')
        .select((i) =>
          sql<IntegrationSyncState[]>`coalesce(json_agg(json_build_object(
              'id', ${i.ref('i.id')},
              'syncedAt', ${epochMs(i.ref('i.lastSyncedAt'))},
              'nextAttemptAt', ${epochMs(i.ref('i.nextAttemptAt'))})), '[]'::json)`.as('synced'),
        )
        .where('i.hostId', '=', p.host)
        .where('i.status', '<>', sql.lit('disconnected'))
        .$asScalar()
    : leftOut('json')
  return [
    named(mt, 'mt'),
    named(synced, 'synced'),
    named(host, 'host'),
    named(idem, 'idem'),
    named(listens, 'listens'),
    named(writes, 'writes'),
    named(rules, 'rules'),
    named(overrides, 'overrides'),
    named(bookings, 'bookings'),
    named(events, 'events'),
  ] as const
}

/** One row of a scheduling read, as Kysely infers it from {@link schedulingColumns}. */
type SchedulingRow = InferResult<ReturnType<typeof selectScheduling>>[number]

function selectScheduling(db: Db, inputs: SchedulingInputs) {
  return db.selectNoFrom(schedulingColumns(inputs))
}

/** The optional parameters of the single read, in the order its text uses them. */
type Optional = 'mt' | 'idem' | 'event'

/** The compiled single read for one combination of parts. */
interface SingleStatement {
  readonly compiled: CompiledQuery<SchedulingRow>
  readonly optional: readonly Optional[]
}

/** Compiled by (and for) each database instance: one statement per combination of parts. */
const singleStatements = new WeakMap<Db, Map<string, SingleStatement>>()

/**
 * `compiled` with its positional parameters bound. The statements are compiled
 * once with `$n` written out (no values), so a value Kysely would bind itself
 * (a plain string in a `where`) would collide with them: write constants with
 * `sql.lit`.
 */
function withParameters<TRow>(
  compiled: CompiledQuery<TRow>,
  parameters: readonly unknown[],
): CompiledQuery<TRow> {
  if (compiled.parameters.length > 0) {
    throw new Error('a scheduling statement must not bind values of its own; use sql.lit')
  }
  return { ...compiled, parameters }
}

/** The positional parameter `$position` as a `type`. */
function parameter<T>(position: number, type: string): RawBuilder<T> {
  return sql<T>`${sql.raw(`$${position}::${type}`)}`
}

/**
 * The statement of {@link loadSchedulingData} for one combination of the optional
 * parts, compiled once: a fixed text with positional parameters ($1 host, $2/$3
 * the busy window in epoch seconds, $4/$5 override dates, then the optional
 * meeting type, Idempotency-Key and webhook event in that order), prepared once
 * per connection (`createDb`). The inputs are written as parameters rather than
 * values so that the text is compiled once and the host, used by every
 * sub-select, is sent once.
 */
function singleStatement(
  db: Db,
  parts: {
    mt: boolean
    host: boolean
    idem: boolean
    listens: boolean
    writes: boolean
    synced: boolean
  },
): SingleStatement {
  let byParts = singleStatements.get(db)
  if (byParts === undefined) {
    byParts = new Map()
    singleStatements.set(db, byParts)
  }
  const key = `${+parts.mt}${+parts.host}${+parts.idem}${+parts.listens}${+parts.writes}${+parts.synced}`
  const known = byParts.get(key)
  if (known !== undefined) return known
  const optional: Optional[] = []
  const optionalParameter = <T>(name: Optional, type: string) => {
    optional.push(name)
    return parameter<T>(5 + optional.length, type)
  }
  const compiled = selectScheduling(db, {
    host: parameter(1, 'uuid'),
    fromSeconds: parameter(2, 'float8'),
    toSeconds: parameter(3, 'float8'),
    overridesFrom: parameter(4, 'date'),
    overridesTo: parameter(5, 'date'),
    meetingType: parts.mt ? optionalParameter('mt', 'uuid') : null,
    withHost: parts.host ? 'always' : null,
    idempotencyKey: parts.idem ? optionalParameter('idem', 'text') : null,
    webhookEvent: parts.listens ? optionalParameter('event', 'text') : null,
    writeCalendar: parts.writes ? 'always' : null,
    syncState: parts.synced,
  }).compile()
  const statement = { compiled, optional }
  byParts.set(key, statement)
  return statement
}

/**
 * One statement, up to ten sub-selects, every one keyed by host (or by the
 * meeting type's primary key): rules, overrides, confirmed bookings overlapping
 * the window (gist index of the exclusion constraint), external busy times, and
 * optionally the meeting type, the host (with its `schedule_version`, from the
 * same snapshot), the booking of an Idempotency-Key, whether a webhook listens,
 * whether the host has a write calendar and the oldest sync of the host's
 * calendar integrations.
 * Used by the slots endpoint and by the booking check: optimistically, before the
 * insert that requires the version read here, or after the host row is locked
 * (ADR 0008).
 */
export async function loadSchedulingData(db: Db, q: SchedulingQuery): Promise<SchedulingData> {
  const { compiled, optional } = singleStatement(db, {
    mt: q.meetingTypeId !== undefined,
    host: q.withHost === true,
    idem: q.idempotencyKey !== undefined,
    listens: q.webhookEvent !== undefined,
    writes: q.withWriteCalendar === true,
    synced: q.withSyncState === true,
  })
  const values: Record<Optional, unknown> = {
    mt: q.meetingTypeId,
    idem: q.idempotencyKey,
    event: q.webhookEvent,
  }
  const parameters: unknown[] = [
    q.hostId,
    q.from / 1000,
    q.to / 1000,
    q.overridesFrom,
    q.overridesTo,
  ]
  for (const name of optional) parameters.push(values[name])
  const result = await db.executeQuery(withParameters(compiled, parameters))
  return toSchedulingData(result.rows[0]!)
}

function toSchedulingData(row: SchedulingRow): SchedulingData {
  const mt = row.mt
  return {
    meetingType: mt
      ? { ...mt, createdAt: new Date(mt.createdAt), updatedAt: new Date(mt.updatedAt) }
      : undefined,
    host: row.host ?? undefined,
    idempotent: row.idem ?? undefined,
    webhookListens: row.listens ?? undefined,
    writeCalendar: row.writes ?? undefined,
    rules: row.rules,
    overrides: row.overrides,
    bookings: row.bookings,
    events: row.events,
    integrations: row.synced,
  }
}

/**
 * One query of the batched read: a row of its JSON parameter, and the
 * PostgreSQL type of each field in `json_to_recordset`'s column list (built from
 * this record, so a field without a type fails to compile).
 */
interface BatchQuery {
  i: number
  host: string
  mt: string | null
  with_host: boolean
  from_s: number
  to_s: number
  ov_from: string
  ov_to: string
  idem: string | null
  event: string | null
  writes: boolean
}
const BATCH_QUERY_TYPES = {
  i: 'int',
  host: 'uuid',
  mt: 'uuid',
  with_host: 'boolean',
  from_s: 'float8',
  to_s: 'float8',
  ov_from: 'date',
  ov_to: 'date',
  idem: 'text',
  event: 'text',
  writes: 'boolean',
} as const satisfies Record<keyof BatchQuery, string>

/** Column `name` of the batch's recordset `q`. */
function queryField<TName extends keyof BatchQuery>(name: TName): RawBuilder<BatchQuery[TName]> {
  return sql<BatchQuery[TName]>`${sql.ref(`q.${name}`)}`
}

/**
 * The batched read: the columns of the single read over `json_to_recordset($1)`,
 * one row per query. Raw SQL only for the recordset (Kysely has no syntax for a
 * column definition list); ADR 0008 measured this form.
 */
function selectBatch(db: Db) {
  const columns = Object.entries(BATCH_QUERY_TYPES)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ')
  const queries = sql<BatchQuery>`json_to_recordset(${sql.raw('$1')}::json)`.as<'q'>(
    sql`q (${sql.raw(columns)})`,
  )
  return db.selectFrom(queries).select([
    named(queryField('i'), 'i'),
    ...schedulingColumns({
      host: queryField('host'),
      fromSeconds: queryField('from_s'),
      toSeconds: queryField('to_s'),
      overridesFrom: queryField('ov_from'),
      overridesTo: queryField('ov_to'),
      meetingType: queryField('mt'),
      withHost: queryField('with_host'),
      idempotencyKey: queryField('idem'),
      webhookEvent: queryField('event'),
      writeCalendar: queryField('writes'),
      // The booking path never waits for a sync.
      syncState: false,
    }),
  ])
}

/** One row of the batched read: a scheduling row and the index of its query. */
type BatchRow = InferResult<ReturnType<typeof selectBatch>>[number]

/** Compiled by (and for) each database instance, once. */
const batchStatements = new WeakMap<Db, CompiledQuery<BatchRow>>()

function batchStatement(db: Db): CompiledQuery<BatchRow> {
  let compiled = batchStatements.get(db)
  if (compiled === undefined) {
    compiled = selectBatch(db).compile()
    batchStatements.set(db, compiled)
  }
  return compiled
}

/**
 * {@link loadSchedulingData} for several queries in one statement (one snapshot
 * for all of them; each host's data and `schedule_version` are consistent with
 * each other as in the single form). The results are in the order of `queries`.
 */
export async function loadSchedulingDataMany(
  db: Db,
  queries: readonly SchedulingQuery[],
): Promise<SchedulingData[]> {
  const rows: BatchQuery[] = queries.map((q, i) => ({
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
    writes: q.withWriteCalendar === true,
  }))
  const result = await db.executeQuery(withParameters(batchStatement(db), [JSON.stringify(rows)]))
  const out: SchedulingData[] = new Array(queries.length)
  for (const row of result.rows) out[row.i] = toSchedulingData(row)
  return out
}
