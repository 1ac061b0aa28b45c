import type { Booking, CreateBookingReply } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { CalendarWriter, eventIdOf } from '../../src/integrations/calendar/calendar-writer'
import { SLOTKIT_EVENT_MARK } from '../../src/integrations/calendar/provider'
import { type GoogleEvent, type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import {
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  type Host,
  SECRET_KEY,
} from '../helpers'
import { silentLog } from '../notifications/harness'
import {
  connectGoogle,
  dropSchema,
  integrationOf,
  openDb,
  startGoogleApp,
  syncNow,
  testClock,
  until,
} from './harness'
import { bookingAsHost, makeDue, queueJobs, untilSync } from './harness-write'

const WRITE = 'calendar.write-event'
let fake: GoogleFake
let db: Db
const clock = testClock()
let n = 0

beforeAll(async () => {
  fake = await startGoogleFake()
  db = openDb()
})

afterAll(async () => {
  await fake.close()
  await db.destroy()
})

/** A host with a connected Google account (its primary calendar is busy and write) and a meeting type. */
async function connected(
  app: FastifyInstance,
  meetingType: Record<string, unknown> = {},
): Promise<{ host: Host; account: string; mt: string; integrationId: string }> {
  n += 1
  const account = `wb${n}-${Date.now()}@example.com`
  fake.addAccount(account)
  const host = await createHost(app, 'UTC')
  await connectGoogle(app, fake, host, account)
  const mt = await createMeetingType(app, host, meetingType)
  return { host, account, mt, integrationId: await integrationOf(app, host) }
}

async function book(
  app: FastifyInstance,
  mt: string,
  start: string,
  extra: Record<string, unknown> = {},
): Promise<CreateBookingReply> {
  n += 1
  const res = await app.inject({
    method: 'POST',
    url: '/api/bookings',
    payload: bookingBody(mt, start, { invitee_email: `ada${n}@example.com`, ...extra }),
  })
  if (res.statusCode !== 201) throw new Error(`booking: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function change(
  app: FastifyInstance,
  host: Host,
  id: string,
  action: 'cancel' | 'reschedule',
  payload: Record<string, unknown> = {},
) {
  return app.inject({
    method: 'POST',
    url: `/api/bookings/${id}/${action}`,
    headers: bearer(host.apiKey),
    payload,
  })
}

/** The events of the account's primary calendar written for these bookings. */
function writtenFor(account: string, ...bookingIds: string[]): GoogleEvent[] {
  return fake
    .events(account, account)
    .filter((e) =>
      bookingIds.includes(e.extendedProperties?.private?.[SLOTKIT_EVENT_MARK] ?? '\u0000'),
    )
}

describe('write-back with workers', () => {
  let app: FastifyInstance
  const schema = `pgboss_wb${Date.now().toString(36)}`

  beforeAll(async () => {
    // A high threshold: the failures injected below must not open the breaker.
    app = await startGoogleApp({
      fake,
      clock,
      workers: true,
      queueSchema: schema,
      breaker: { threshold: 100 },
    })
  })

  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it("writes a booking to the host's calendar: an id from the booking, the mark, the invitee, the links and the answers", async () => {
    const { host, account, mt } = await connected(app, {
      questions: [
        { id: 'topic', label: 'Topic', type: 'text', required: true },
        { id: 'size', label: 'Team size', type: 'select', required: false, options: ['1-5', '6+'] },
      ],
    })
    const inserts = fake.count('events.insert')
    const booked = await book(app, mt, '2027-03-02T10:00:00Z', {
      answers: { topic: 'Analytical engines', size: '6+' },
    })
    // Answered at once; the write is a job.
    expect(booked.calendar_sync).toEqual({ state: 'pending' })
    expect(booked.calendar_event_id).toBeNull()

    const synced = await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written')
    expect(synced.calendar_event_id).toBe(eventIdOf(booked.id))
    expect(synced.calendar_sync).toEqual({ state: 'synced' })
    const event = fake.event(account, account, eventIdOf(booked.id))
    expect(event).toMatchObject({
      status: 'confirmed',
      summary: 'Meeting: Test Host and Ada Lovelace',
      start: { dateTime: '2027-03-02T10:00:00.000Z' },
      end: { dateTime: '2027-03-02T10:30:00.000Z' },
      attendees: [{ email: booked.invitee_email, displayName: 'Ada Lovelace' }],
      extendedProperties: { private: { [SLOTKIT_EVENT_MARK]: booked.id } },
    })
    expect(event?.conferenceData).toBeUndefined()
    expect(event?.description).toContain(`Reschedule: ${booked.reschedule_url}`)
    expect(event?.description).toContain(`Cancel: ${booked.cancel_url}`)
    expect(event?.description).toContain('Topic: Analytical engines')
    expect(event?.description).toContain('Team size: 6+')
    expect(fake.count('events.insert')).toBe(inserts + 1)
    expect(writtenFor(account, booked.id)).toHaveLength(1)
  })

  it('an insert whose reply was lost is retried: 409 duplicate counts as written, one event, its Meet link kept', async () => {
    const { host, account, mt } = await connected(app, { location: { type: 'google_meet' } })
    const inserts = fake.count('events.insert')
    const gets = fake.count('events.get')
    // Google writes the event, and the reply is lost on the way (a 503 from a proxy).
    fake.failNext('events.insert', 1, { status: 503, afterEffect: true })
    const booked = await book(app, mt, '2027-03-02T11:00:00Z')
    expect(booked.location).toEqual({ type: 'google_meet' })
    expect(booked.meeting_url).toBeNull()

    const failed = await untilSync(
      app,
      host,
      booked.id,
      (s) => (s.attempts ?? 0) >= 1,
      'the failed first try',
    )
    expect(failed.calendar_sync).toEqual({
      state: 'pending',
      attempts: 1,
      last_error: 'google events.insert: HTTP 503 backendError',
    })
    const made = fake.event(account, account, eventIdOf(booked.id))
    expect(made?.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z0-9-]+$/)
    // The next try waits the first backoff step.
    const retries = (await queueJobs(db, schema, WRITE)).filter(
      (j) => j.data.bookingId === booked.id && j.data.attempt === 1,
    )
    expect(retries.map((j) => j.delaySeconds)).toEqual([60])

    await makeDue(db, schema, WRITE)
    const synced = await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written')
    expect(synced).toMatchObject({
      calendar_event_id: eventIdOf(booked.id),
      meeting_url: made!.hangoutLink,
      calendar_sync: { state: 'synced' },
    })
    expect(fake.count('events.insert')).toBe(inserts + 2)
    expect(fake.count('events.get')).toBe(gets + 1)
    expect(writtenFor(account, booked.id)).toHaveLength(1)
  })

  it('a reschedule moves the same event (patch, no new one); a cancel deletes it', async () => {
    const { host, account, mt } = await connected(app)
    const booked = await book(app, mt, '2027-03-02T13:00:00Z')
    await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written')
    const inserts = fake.count('events.insert')
    const patches = fake.count('events.patch')

    const moved = await change(app, host, booked.id, 'reschedule', {
      start_time: '2027-03-03T14:00:00Z',
    })
    expect(moved.statusCode).toBe(200)
    const next: Booking = moved.json()
    // The event travels with the booking: the new row has it, pending its move.
    expect(next).toMatchObject({
      calendar_event_id: eventIdOf(booked.id),
      calendar_sync: { state: 'pending' },
    })
    await untilSync(app, host, next.id, (s) => s.state === 'synced', 'moved')
    const event = fake.event(account, account, eventIdOf(booked.id))
    expect(event).toMatchObject({
      status: 'confirmed',
      start: { dateTime: '2027-03-03T14:00:00.000Z' },
      end: { dateTime: '2027-03-03T14:30:00.000Z' },
      extendedProperties: { private: { [SLOTKIT_EVENT_MARK]: next.id } },
    })
    expect(event?.description).toContain(`/bookings/${next.id}/cancel?token=`)
    expect(fake.count('events.insert')).toBe(inserts)
    expect(fake.count('events.patch')).toBe(patches + 1)
    expect(writtenFor(account, booked.id, next.id)).toHaveLength(1)

    const cancelled = await change(app, host, next.id, 'cancel')
    expect(cancelled.statusCode).toBe(200)
    expect(cancelled.json().calendar_sync).toEqual({ state: 'pending' })
    const done = await untilSync(app, host, next.id, (s) => s.state === 'synced', 'deleted')
    expect(done.calendar_event_id).toBeNull()
    expect(fake.event(account, account, eventIdOf(booked.id))?.status).toBe('cancelled')
  })

  it('a delete answered 410 (deleted by the host already) or 404 counts as done', async () => {
    const { host, account, mt } = await connected(app)
    const first = await book(app, mt, '2027-03-02T14:00:00Z')
    const second = await book(app, mt, '2027-03-02T15:00:00Z')
    await untilSync(app, host, first.id, (s) => s.state === 'synced', 'first written')
    await untilSync(app, host, second.id, (s) => s.state === 'synced', 'second written')
    // The host deleted the first event in Google Calendar: Slotkit's delete gets 410.
    fake.deleteEvent(account, account, eventIdOf(first.id))
    const deletes = fake.count('events.delete')
    expect((await change(app, host, first.id, 'cancel')).statusCode).toBe(200)
    expect(
      (await untilSync(app, host, first.id, (s) => s.state === 'synced', 'first removed'))
        .calendar_sync,
    ).toEqual({ state: 'synced' })
    // And a 404.
    fake.failNext('events.delete', 1, { status: 404 })
    expect((await change(app, host, second.id, 'cancel')).statusCode).toBe(200)
    expect(
      (await untilSync(app, host, second.id, (s) => s.state === 'synced', 'second removed'))
        .calendar_sync,
    ).toEqual({ state: 'synced' })
    expect(fake.count('events.delete')).toBe(deletes + 2)
  })

  it('Google down during a booking: 201 at once, retries back off (60 s, 120 s), the event appears after recovery', async () => {
    const { host, account, mt } = await connected(app)
    fake.failNext('events.insert', 2, { status: 503 })
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-04T09:00:00Z'),
    })
    expect(res.statusCode).toBe(201)
    const booked: CreateBookingReply = res.json()
    expect(booked).toMatchObject({ status: 'confirmed', calendar_sync: { state: 'pending' } })

    const retryDelay = async (attempt: number) =>
      (await queueJobs(db, schema, WRITE))
        .filter((j) => j.data.bookingId === booked.id && j.data.attempt === attempt)
        .map((j) => j.delaySeconds)
    await untilSync(app, host, booked.id, (s) => s.attempts === 1, 'the first failure')
    expect(await retryDelay(1)).toEqual([60])
    await makeDue(db, schema, WRITE)
    const twice = await untilSync(app, host, booked.id, (s) => s.attempts === 2, 'the second')
    expect(twice.calendar_sync).toEqual({
      state: 'pending',
      attempts: 2,
      last_error: 'google events.insert: HTTP 503 backendError',
    })
    expect(fake.event(account, account, eventIdOf(booked.id))).toBeUndefined()
    expect(await retryDelay(2)).toEqual([120])

    // Google is back.
    await makeDue(db, schema, WRITE)
    await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written after recovery')
    expect(fake.event(account, account, eventIdOf(booked.id))?.status).toBe('confirmed')
    expect(writtenFor(account, booked.id)).toHaveLength(1)
  })

  it('rate limits: the next try waits Retry-After (429), or 60 s for a 403 rate limit without it', async () => {
    const { host, mt } = await connected(app)
    fake.failNext('events.insert', 1, { status: 429, retryAfter: 300 })
    const limited = await book(app, mt, '2027-03-04T10:00:00Z')
    const seen = await untilSync(app, host, limited.id, (s) => s.attempts === 1, 'the 429')
    expect(seen.calendar_sync.last_error).toBe('google events.insert: HTTP 429 rateLimitExceeded')
    fake.failNext('events.insert', 1, { status: 403, reason: 'userRateLimitExceeded' })
    const quota = await book(app, mt, '2027-03-04T11:00:00Z')
    const refused = await untilSync(app, host, quota.id, (s) => s.attempts === 1, 'the 403')
    expect(refused.calendar_sync).toEqual({
      state: 'pending',
      attempts: 1,
      last_error: 'google events.insert: HTTP 403 userRateLimitExceeded',
    })
    const delayOf = async (bookingId: string) =>
      (await queueJobs(db, schema, WRITE))
        .filter((j) => j.data.bookingId === bookingId && j.data.attempt === 1)
        .map((j) => j.delaySeconds)
    expect(await delayOf(limited.id)).toEqual([300])
    expect(await delayOf(quota.id)).toEqual([60])
  })

  it('a refusal (400) is not retried: the write fails and says why', async () => {
    const { host, mt } = await connected(app)
    fake.failNext('events.insert', 1, { status: 400, reason: 'invalid' })
    const booked = await book(app, mt, '2027-03-04T13:00:00Z')
    const failed = await untilSync(app, host, booked.id, (s) => s.state === 'failed', 'failed')
    expect(failed.calendar_sync).toEqual({
      state: 'failed',
      attempts: 1,
      last_error: 'google events.insert: HTTP 400 invalid',
    })
    expect(
      (await queueJobs(db, schema, WRITE)).filter(
        (j) => j.data.bookingId === booked.id && Number(j.data.attempt ?? 0) > 0,
      ),
    ).toEqual([])
  })

  it("the full loop: a written booking's synced copy carries the mark, so it never blocks its own reschedule", async () => {
    const { host, account, mt, integrationId } = await connected(app, {
      duration_minutes: 60,
      slot_interval_minutes: 30,
    })
    const booked = await book(app, mt, '2027-03-05T10:00:00Z')
    await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written')
    // An event of the host's own, unmarked, blocks as any other.
    fake.upsertEvent(account, account, {
      id: 'lunchwithada',
      start: { dateTime: '2027-03-05T13:00:00Z' },
      end: { dateTime: '2027-03-05T14:00:00Z' },
    })
    await until(
      async () => (await syncNow(app, host, integrationId)).status === 'synced',
      'a sync of the calendar',
    )
    const busy = await db
      .selectFrom('externalBusy')
      .select('externalId')
      .where('hostId', '=', host.id)
      .execute()
    // The sync saw the written event (it lists the whole calendar) and skipped it.
    expect(busy.map((b) => b.externalId)).toEqual(['lunchwithada'])
    const intoLunch = await change(app, host, booked.id, 'reschedule', {
      start_time: '2027-03-05T12:30:00Z',
    })
    expect(intoLunch.statusCode).toBe(409)
    expect(intoLunch.json()).toMatchObject({ error: 'SLOT_UNAVAILABLE', reason: 'CONFLICT' })
    // Half an hour later overlaps only the booking's own event: allowed.
    const moved = await change(app, host, booked.id, 'reschedule', {
      start_time: '2027-03-05T10:30:00Z',
    })
    expect(moved.statusCode).toBe(200)
    const next: Booking = moved.json()
    await untilSync(app, host, next.id, (s) => s.state === 'synced', 'moved')
    expect(fake.event(account, account, eventIdOf(booked.id))?.start).toEqual({
      dateTime: '2027-03-05T10:30:00.000Z',
    })
    await until(
      async () => (await syncNow(app, host, integrationId)).status === 'synced',
      'another sync',
    )
    const after = await db
      .selectFrom('externalBusy')
      .select('externalId')
      .where('hostId', '=', host.id)
      .execute()
    expect(after.map((b) => b.externalId)).toEqual(['lunchwithada'])
  })

  it('a host with no calendar to write to gets no write-back job; one with gets exactly one', async () => {
    const plain = await createHost(app, 'UTC')
    const plainMt = await createMeetingType(app, plain)
    const without = await book(app, plainMt, '2027-03-02T10:00:00Z')
    expect(without.calendar_sync).toEqual({ state: 'not_applicable' })
    const { mt } = await connected(app)
    const withCalendar = await book(app, mt, '2027-03-08T10:00:00Z')
    const jobs = await queueJobs(db, schema, WRITE)
    expect(jobs.filter((j) => j.data.bookingId === without.id)).toEqual([])
    expect(
      jobs.filter((j) => j.data.bookingId === withCalendar.id && !j.data.attempt),
    ).toHaveLength(1)
    // Its cancel queues none either.
    const plainHost = plain
    expect((await change(app, plainHost, without.id, 'cancel')).json().calendar_sync).toEqual({
      state: 'not_applicable',
    })
    expect(
      (await queueJobs(db, schema, WRITE)).filter((j) => j.data.bookingId === without.id),
    ).toEqual([])
  })
})

describe('the circuit breaker', () => {
  let app: FastifyInstance
  const schema = `pgboss_wbcb${Date.now().toString(36)}`

  beforeAll(async () => {
    app = await startGoogleApp({
      fake,
      clock,
      workers: true,
      queueSchema: schema,
      breaker: { threshold: 1, openMs: 60_000 },
    })
  })

  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('opens on an outage (shared with the sync): writes wait for it without calling Google or counting an attempt', async () => {
    const { host, account, mt } = await connected(app)
    fake.failNext('events.insert', 1, { status: 503 })
    const first = await book(app, mt, '2027-03-09T10:00:00Z')
    await untilSync(app, host, first.id, (s) => s.attempts === 1, 'the outage')
    const inserts = fake.count('events.insert')
    const second = await book(app, mt, '2027-03-09T11:00:00Z')
    const deferred = await untilSync(
      app,
      host,
      second.id,
      (s) => s.last_error !== undefined,
      'the deferral',
    )
    expect(deferred.calendar_sync).toEqual({
      state: 'pending',
      last_error: expect.stringMatching(
        /^Google Calendar is failing; its circuit breaker is open until /,
      ),
    })
    expect(fake.count('events.insert')).toBe(inserts)
    // After its minute the breaker lets one trial through; its success closes it and
    // both go through (one of the two may wait for the trial: it is tried again).
    clock.now += 61_000
    try {
      await until(async () => {
        await makeDue(db, schema, WRITE)
        const states = await Promise.all(
          [first.id, second.id].map(
            async (id) => (await bookingAsHost(app, host, id)).calendar_sync.state,
          ),
        )
        return states.every((state) => state === 'synced')
      }, 'both written')
    } finally {
      clock.now -= 61_000
    }
    expect(writtenFor(account, first.id, second.id)).toHaveLength(2)
  })
})

describe('races, with the job run by hand', () => {
  let app: FastifyInstance
  let writer: CalendarWriter
  const schema = `pgboss_wbr${Date.now().toString(36)}`

  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, queueSchema: schema })
    writer = new CalendarWriter({
      db,
      sync: app.slotkitCalendars,
      secretKeys: [SECRET_KEY],
      publicUrl: () => 'http://slotkit.test',
      log: silentLog,
    })
  })

  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('a create for a booking cancelled before it ran leaves no event (it deletes by the derived id)', async () => {
    const { host, account, mt } = await connected(app)
    const booked = await book(app, mt, '2027-03-10T10:00:00Z')
    expect((await change(app, host, booked.id, 'cancel')).statusCode).toBe(200)
    const inserts = fake.count('events.insert')
    const deletes = fake.count('events.delete')
    expect(await writer.run({ bookingId: booked.id, version: 1 })).toBe('deleted')
    expect(fake.count('events.insert')).toBe(inserts)
    expect(fake.count('events.delete')).toBe(deletes + 1)
    expect(writtenFor(account, booked.id)).toEqual([])
    expect((await bookingAsHost(app, host, booked.id)).calendar_sync).toEqual({ state: 'synced' })
  })

  it('a cancel that lands while the insert is on its way: the event just made is deleted again', async () => {
    const { host, account, mt } = await connected(app)
    const booked = await book(app, mt, '2027-03-10T11:00:00Z')
    const inserts = fake.count('events.insert')
    fake.slow('events.insert', 1000)
    try {
      const running = writer.run({ bookingId: booked.id, version: 1 })
      await until(() => fake.count('events.insert') > inserts, 'the insert on its way')
      expect((await change(app, host, booked.id, 'cancel')).statusCode).toBe(200)
      expect(await running).toBe('stale')
    } finally {
      fake.slow('events.insert', 0)
    }
    expect(fake.event(account, account, eventIdOf(booked.id))?.status).toBe('cancelled')
    // The cancel's own job finds it gone (410): done.
    expect(await writer.run({ bookingId: booked.id, version: 2 })).toBe('deleted')
    expect((await bookingAsHost(app, host, booked.id)).calendar_sync).toEqual({ state: 'synced' })
  })

  it('a job run twice writes one event', async () => {
    const { host, account, mt } = await connected(app)
    const booked = await book(app, mt, '2027-03-10T13:00:00Z')
    expect(await writer.run({ bookingId: booked.id, version: 1 })).toBe('created')
    expect(await writer.run({ bookingId: booked.id, version: 1 })).toBe('updated')
    expect(writtenFor(account, booked.id)).toHaveLength(1)
    expect((await bookingAsHost(app, host, booked.id)).calendar_event_id).toBe(eventIdOf(booked.id))
  })
})
