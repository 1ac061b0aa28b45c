import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { CompiledQuery, type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  insertBookingsIfUnchanged,
  NEW_BOOKING_DEFAULTS,
  OPTIMISTIC_INSERT_VALUES,
  type OptimisticBooking,
} from '../src/db/repositories/bookings.repository'
import {
  loadSchedulingData,
  loadSchedulingDataMany,
  type SchedulingQuery,
} from '../src/db/repositories/scheduling.repository'
import type { Database } from '../src/db/schema'
import { bookingJobsInsert } from '../src/jobs/enqueue-booking-jobs'
import { jobInsertSql, jobRecords, type NewJob, stableJobId } from '../src/jobs/job-queue'
import { DISPATCH_WEBHOOKS, SEND_EMAIL, SEND_REMINDER } from '../src/jobs/queues'
import { BookingWriter } from '../src/services/booking-writer'
import { SchedulingReader } from '../src/services/scheduling-reader'
import { bearer, bookingBody, createHost, createMeetingType, createTestApp } from './helpers'
import { createTestQueue, dropQueue, jobsOf, openTestDb } from './notifications/harness'

/** ADR 0008: the optimistic booking path and the schedule_version it relies on. */
describe('optimistic booking (schedule_version)', () => {
  let app: FastifyInstance
  let db: Kysely<Database>
  let base: string
  const schema = `pgboss_opt${Date.now().toString(36)}`
  const jobs = bookingJobsInsert(schema)

  beforeAll(async () => {
    db = await openTestDb()
    app = await createTestApp({
      webhookAllowPrivate: true,
      jobs: { workers: false, queue: { schema } },
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  afterAll(async () => {
    await app.close()
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db)
    await db.destroy()
  })

  const version = async (hostId: string) =>
    Number(
      (
        await db
          .selectFrom('users')
          .select('scheduleVersion')
          .where('id', '=', hostId)
          .executeTakeFirstOrThrow()
      ).scheduleVersion,
    )
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
    }))

  it('every change that can turn a passed check into a failed one bumps the version', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const changes: [string, () => Promise<{ statusCode: number }>][] = [
      [
        'rules',
        () =>
          app.inject({
            method: 'PUT',
            url: `/api/users/${host.id}/availability`,
            headers: bearer(host.apiKey),
            payload: { rules: [{ day_of_week: 1, start_time: '10:00', end_time: '12:00' }] },
          }),
      ],
      [
        'zone',
        () =>
          app.inject({
            method: 'PATCH',
            url: `/api/users/${host.id}`,
            headers: bearer(host.apiKey),
            payload: { time_zone: 'Europe/Berlin' },
          }),
      ],
      [
        'meeting type edit',
        () =>
          app.inject({
            method: 'PATCH',
            url: `/api/meeting-types/${mt}`,
            headers: bearer(host.apiKey),
            payload: { min_notice_minutes: 120 },
          }),
      ],
      [
        'booking',
        () =>
          app.inject({
            method: 'POST',
            url: '/api/bookings',
            payload: bookingBody(mt, '2027-03-08T10:00:00+01:00'),
          }),
      ],
      [
        'meeting type deactivation',
        () =>
          app.inject({
            method: 'DELETE',
            url: `/api/meeting-types/${mt}`,
            headers: bearer(host.apiKey),
          }),
      ],
    ]
    for (const [name, change] of changes) {
      const before = await version(host.id)
      const res = await change()
      expect(res.statusCode, name).toBeLessThan(300)
      expect(await version(host.id), name).toBeGreaterThan(before)
    }
  })

  it('triggers bump the version for writes that bypass the API (manual SQL, calendar sync)', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const writes = [
      sql`INSERT INTO availability_rules (user_id, day_of_week, start_time, end_time) VALUES (${host.id}, 6, '10:00', '11:00')`,
      sql`UPDATE availability_rules SET end_time = '12:00' WHERE user_id = ${host.id} AND day_of_week = 6`,
      sql`DELETE FROM availability_rules WHERE user_id = ${host.id} AND day_of_week = 6`,
      sql`INSERT INTO date_overrides (user_id, date, intervals) VALUES (${host.id}, '2027-03-09', '[]')`,
      sql`UPDATE meeting_types SET min_notice_minutes = 30 WHERE id = ${mt}`,
      sql`INSERT INTO external_busy (host_id, source, starts_at, ends_at) VALUES (${host.id}, 'google', '2027-03-09T10:00Z', '2027-03-09T11:00Z')`,
      sql`UPDATE users SET time_zone = 'Asia/Kathmandu' WHERE id = ${host.id}`,
    ]
    for (const write of writes) {
      const before = await version(host.id)
      await write.execute(db)
      expect(await version(host.id), write.compile(db).sql).toBeGreaterThan(before)
    }
    // A name change moves no slot: no bump.
    const before = await version(host.id)
    await sql`UPDATE users SET name = 'Renamed' WHERE id = ${host.id}`.execute(db)
    expect(await version(host.id)).toBe(before)
  })

  it('a batch skips a host whose row someone else holds, instead of waiting for it', async () => {
    const busy = await createHost(app, 'UTC')
    const busyType = await createMeetingType(app, busy)
    const free = await createHost(app, 'UTC')
    const freeType = await createMeetingType(app, free)
    const blocked = candidate(busy, busyType, '2027-03-11T09:00:00Z', await version(busy.id))
    const fine = candidate(free, freeType, '2027-03-11T09:00:00Z', await version(free.id))
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let locked = () => {}
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve
    })
    // Another transaction holds the busy host's row (say an availability edit).
    const holder = db.transaction().execute(async (trx) => {
      await sql`SELECT 1 FROM users WHERE id = ${busy.id} FOR UPDATE`.execute(trx)
      locked()
      await held
    })
    await isLocked
    try {
      const written = await insertBookingsIfUnchanged(db, [blocked, fine], jobs)
      expect(written.map((r) => r.id)).toEqual([fine.id])
    } finally {
      release()
      await holder
    }
    expect(await rowsOf(blocked.id)).toEqual([])
  })

  it('the batched read returns what the single read returns, query by query', async () => {
    const a = await createHost(app, 'Europe/Berlin')
    const aType = await createMeetingType(app, a)
    const b = await createHost(app, 'UTC')
    const bType = await createMeetingType(app, b)
    await app.inject({
      method: 'PUT',
      url: `/api/users/${a.id}/availability`,
      headers: bearer(a.apiKey),
      payload: {
        rules: [{ day_of_week: 2, start_time: '09:00', end_time: '12:00' }],
        overrides: [
          { date: '2027-03-16', intervals: [{ start_time: '13:00', end_time: '14:00' }] },
        ],
      },
    })
    const booked = await post(
      '/api/bookings',
      bookingBody(bType, '2027-03-16T10:00:00Z', { invitee_email: 'many@example.com' }),
    )
    expect(booked.status).toBe(201)
    await sql`UPDATE bookings SET idempotency_key = 'many-key' WHERE id = ${booked.body.id as string}`.execute(
      db,
    )
    const window = { from: Date.parse('2027-03-10T00:00Z'), to: Date.parse('2027-03-24T00:00Z') }
    const dates = { overridesFrom: '2027-03-14', overridesTo: '2027-03-18' }
    const queries: SchedulingQuery[] = [
      { hostId: a.id, meetingTypeId: aType, withHost: true, ...window, ...dates },
      {
        hostId: b.id,
        meetingTypeId: bType,
        withHost: true,
        idempotencyKey: 'many-key',
        webhookEvent: 'booking.created',
        ...window,
        ...dates,
      },
      { hostId: b.id, ...window, ...dates },
      { hostId: a.id, meetingTypeId: bType, idempotencyKey: 'none', ...window, ...dates },
    ]
    const many = await loadSchedulingDataMany(db, queries)
    const single = await Promise.all(queries.map((q) => loadSchedulingData(db, q)))
    expect(many).toEqual(single)
    expect(many[0]?.overrides).toHaveLength(1)
    expect(many[1]?.bookings).toHaveLength(1)
    expect(many[1]?.idempotent?.id).toBe(booked.body.id)
    expect(many[3]?.meetingType).toBeUndefined()

    const reader = new SchedulingReader(db, { maxInFlight: 1 })
    const read = await Promise.all(queries.map((q) => reader.read(q)))
    expect(read).toEqual(single)
    expect(reader.stats).toEqual({ reads: 4, statements: 2 })
  })

  it('the one-statement INSERT writes every column of bookings but those a new booking leaves at their defaults', async () => {
    // Its column list is raw SQL built from a record the types check; a column a
    // migration adds must be written there (as the locked path's insert would) or
    // be listed as left at its default.
    const { rows } = await sql<{ name: string }>`
      SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'bookings'`.execute(db)
    const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    expect(rows.map((r) => r.name).sort()).toEqual(
      [...Object.keys(OPTIMISTIC_INSERT_VALUES), ...NEW_BOOKING_DEFAULTS].map(snake).sort(),
    )
  })

  /** A booking of `mt` at `start` for `host`, checked against `seenVersion`. */
  const candidate = (
    host: { id: string },
    mt: string,
    start: string,
    seenVersion: number,
    extra: Partial<OptimisticBooking> = {},
  ): OptimisticBooking => {
    const id = randomUUID()
    const startsAt = new Date(start)
    return {
      id,
      hostId: host.id,
      meetingTypeId: mt,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 30 * 60_000),
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 10,
      inviteeName: 'Writer',
      inviteeEmail: 'writer@example.com',
      inviteeTimeZone: 'UTC',
      answers: { q: 'a "quoted" \\ answer ✓' },
      tokenHash: 'x',
      idempotencyKey: null,
      requestHash: null,
      createdAt: new Date(),
      location: null,
      meetingUrl: null,
      calendarSync: 'not_applicable',
      seenVersion,
      jobs: jobRecords(
        [{ name: SEND_EMAIL, data: { event: 'confirmation', bookingId: id, version: 1 } }],
        id,
      ),
      ...extra,
    }
  }
  const emailJobsOf = async (bookingId: string) =>
    (await jobsOf(db, app.slotkitJobs!, SEND_EMAIL)).filter(
      (j) => (j.data as { bookingId?: string }).bookingId === bookingId,
    )
  const rowsOf = (id: string) =>
    db.selectFrom('bookings').select(['id', 'answers', 'blocked']).where('id', '=', id).execute()

  it('a batch writes each booking whose host is unchanged, with its jobs, and nothing of the others', async () => {
    const fresh = await createHost(app)
    const freshType = await createMeetingType(app, fresh)
    const stale = await createHost(app)
    const staleType = await createMeetingType(app, stale)
    const staleSeen = await version(stale.id)
    // The host changes their hours after the check was made.
    await app.inject({
      method: 'PUT',
      url: `/api/users/${stale.id}/availability`,
      headers: bearer(stale.apiKey),
      payload: { rules: [{ day_of_week: 2, start_time: '09:00', end_time: '10:00' }] },
    })
    const good = candidate(fresh, freshType, '2027-03-08T15:00:00Z', await version(fresh.id))
    const late = candidate(stale, staleType, '2027-03-08T15:00:00Z', staleSeen)
    const written = await insertBookingsIfUnchanged(db, [late, good], jobs)
    expect(written.map((r) => r.id)).toEqual([good.id])
    expect(written[0]).toMatchObject({ status: 'confirmed', version: 1, answers: good.answers })
    expect(written[0]?.blocked).toBe('["2027-03-08 14:55:00+00","2027-03-08 15:40:00+00")')
    expect(await rowsOf(late.id)).toEqual([])
    expect(await emailJobsOf(late.id)).toEqual([])
    expect(await emailJobsOf(good.id)).toHaveLength(1)
    expect(await version(fresh.id)).toBe(good.seenVersion + 1)
  })

  it('a batch leaves out a booking that now conflicts, and a second booking of one host', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const other = await createHost(app, 'UTC')
    const otherType = await createMeetingType(app, other)
    const taken = await insertBookingsIfUnchanged(
      db,
      [candidate(host, mt, '2027-03-09T10:00:00Z', await version(host.id))],
      jobs,
    )
    expect(taken).toHaveLength(1)
    // Checked against the current version, yet overlapping: only a bug could send it,
    // and the exclusion constraint still keeps it out without failing the batch.
    const overlapping = candidate(host, mt, '2027-03-09T10:15:00Z', await version(host.id))
    const fine = candidate(other, otherType, '2027-03-09T10:15:00Z', await version(other.id))
    const twice = candidate(other, otherType, '2027-03-09T12:00:00Z', fine.seenVersion)
    const written = await insertBookingsIfUnchanged(db, [overlapping, fine, twice], jobs)
    expect(written).toHaveLength(1)
    expect([fine.id, twice.id]).toContain(written[0]?.id)
    expect(await rowsOf(overlapping.id)).toEqual([])
    expect(await emailJobsOf(overlapping.id)).toEqual([])
  })

  it('the writer batches what arrives while a statement runs, and isolates a failing booking', async () => {
    const hosts = await Promise.all(Array.from({ length: 10 }, () => createHost(app, 'UTC')))
    const types = await Promise.all(hosts.map((h) => createMeetingType(app, h)))
    const bookings = await Promise.all(
      hosts.map(async (h, i) =>
        candidate(h, types[i]!, '2027-03-10T09:00:00Z', await version(h.id)),
      ),
    )
    const writer = new BookingWriter(db, { jobs, maxInFlight: 2 })
    const rows = await Promise.all(bookings.map((b) => writer.write(b)))
    expect(rows.map((r) => r?.id)).toEqual(bookings.map((b) => b.id))
    // Two statements start at once; the other eight wait and go together.
    expect(writer.stats).toEqual({ bookings: 10, statements: 3 })

    // A booking that breaks a constraint fails the batch statement; it alone fails.
    const more = await Promise.all(
      hosts
        .slice(0, 4)
        .map(async (h, i) => candidate(h, types[i]!, '2027-03-10T11:00:00Z', await version(h.id))),
    )
    const broken = { ...more[3]!, inviteeName: 'x'.repeat(201) }
    const results = await Promise.allSettled(
      [...more.slice(0, 3), broken].map((b) => writer.write(b)),
    )
    expect(results.slice(0, 3).map((r) => r.status === 'fulfilled' && r.value?.id)).toEqual(
      more.slice(0, 3).map((b) => b.id),
    )
    expect(results[3]).toMatchObject({ status: 'rejected', reason: { code: '23514' } })
  })

  it('a daily limit holds when every slot of the day is requested at once', async () => {
    // The exclusion constraint cannot see limits: only the checked-version write can.
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host, { max_bookings_per_day: 2 })
    const starts = Array.from(
      { length: 16 },
      (_, i) =>
        `2027-03-09T${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00Z`,
    )
    const results = await Promise.all(starts.map((s) => post('/api/bookings', bookingBody(mt, s))))
    expect(results.filter((r) => r.status === 201)).toHaveLength(2)
    const refused = results.filter((r) => r.status === 409)
    expect(refused).toHaveLength(14)
    for (const r of refused) expect(r.body.reason).toBe('LIMIT_REACHED')
  })

  it('every free slot of one host requested at once is booked (lost races retry, then lock)', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const starts = ['2027-03-10', '2027-03-11'].flatMap((day) =>
      Array.from(
        { length: 16 },
        (_, i) =>
          `${day}T${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00Z`,
      ),
    )
    const results = await Promise.all(starts.map((s) => post('/api/bookings', bookingBody(mt, s))))
    expect(results.map((r) => r.status)).toEqual(Array(32).fill(201))
    const rows = await db
      .selectFrom('bookings')
      .select('startsAt')
      .where('hostId', '=', host.id)
      .where('status', '=', 'confirmed')
      .execute()
    expect(rows).toHaveLength(32)
  })

  it('queues the booking.created webhook event only when a webhook of the host listens', async () => {
    const dispatches = async () =>
      (await jobsOf(db, app.slotkitJobs!, DISPATCH_WEBHOOKS)).map(
        (j) => (j.data as { bookingId: string }).bookingId,
      )
    const quiet = await createHost(app, 'UTC')
    const quietType = await createMeetingType(app, quiet)
    const first = await post('/api/bookings', bookingBody(quietType, '2027-03-09T09:00:00Z'))
    expect(first.status).toBe(201)
    expect(await dispatches()).not.toContain(first.body.id)
    const reminders = (await jobsOf(db, app.slotkitJobs!, SEND_REMINDER)).filter(
      (j) => (j.data as { bookingId: string }).bookingId === first.body.id,
    )
    expect(reminders).toHaveLength(2)

    const listening = await createHost(app, 'UTC')
    const listeningType = await createMeetingType(app, listening)
    const hook = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(listening.apiKey),
      payload: {
        user_id: listening.id,
        url: 'http://127.0.0.1:9/hook',
        events: ['booking.created'],
      },
    })
    expect(hook.statusCode, hook.body).toBe(201)
    const second = await post('/api/bookings', bookingBody(listeningType, '2027-03-09T09:00:00Z'))
    expect(second.status).toBe(201)
    expect(await dispatches()).toContain(second.body.id)
  })
})

describe('jobInsertSql writes the rows pg-boss writes', () => {
  it('for plain, delayed and fixed-id jobs of every queue policy Slotkit uses', async () => {
    const db = await openTestDb()
    const queue = await createTestQueue()
    try {
      const bookingId = randomUUID()
      const jobs = (tag: string): NewJob[] => [
        { name: SEND_EMAIL, data: { event: 'confirmation', bookingId, version: 1 } },
        {
          name: SEND_REMINDER,
          data: { reminder: '1h', bookingId, version: 1, dueAt: '2027-03-09T08:00:00Z' },
          startAfter: new Date('2027-03-09T08:00:00Z'),
          id: stableJobId(`${tag}:reminder`),
        },
      ]
      await queue.boss.insert(
        jobs('boss').map((j) => ({
          name: j.name,
          data: j.data as object,
          ...(j.id ? { id: j.id } : {}),
          ...(j.startAfter ? { startAfter: j.startAfter } : {}),
        })),
      )
      await db.executeQuery(
        CompiledQuery.raw(
          `WITH src AS (SELECT 1) ${jobInsertSql(queue.schema, { jobsParam: '$1', source: 'src' })}`,
          [JSON.stringify(jobRecords(jobs('ours')))],
        ),
      )
      const { rows } = await db.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(
          `SELECT name, data, priority, state, retry_limit, retry_count, retry_delay, retry_backoff,
                  start_after, singleton_key, singleton_on, expire_in::text AS expire_in,
                  (keep_until - start_after)::text AS keep_for, dead_letter, policy,
                  substr(id::text, 15, 1) = '8' AS fixed_id
             FROM ${queue.schema}.job ORDER BY name, created_on`,
        ),
      )
      // Every column alike both ways; immediate jobs start at now() of their own insert.
      const normalized = rows.map(({ startAfter, ...rest }) => ({
        ...rest,
        startAfter: rest.name === SEND_EMAIL ? 'now' : (startAfter as Date).toISOString(),
      }))
      expect(normalized).toHaveLength(4)
      expect(normalized[0]).toEqual(normalized[1])
      expect(normalized[2]).toEqual(normalized[3])
      expect(normalized[0]).toMatchObject({ state: 'created', keepFor: '14 days' })
      expect(normalized[2]).toMatchObject({
        fixedId: true,
        startAfter: '2027-03-09T08:00:00.000Z',
      })
    } finally {
      await dropQueue(db, queue)
      await db.destroy()
    }
  })
})
