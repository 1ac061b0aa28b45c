// The Microsoft provider's event writes, which the write-back jobs call: create (with a
// transactionId, so the Graph client's automatic retry of a throttled POST never makes a
// second event, and a Teams meeting when asked), patch, delete; at most 4 requests in
// flight per mailbox. Driven through the provider with a real session (token store).
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import {
  type CalendarProvider,
  ProviderError,
  type ProviderSession,
  type WrittenEvent,
} from '../../src/integrations/calendar/provider'
import { extendedPropertyId, type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { createHost, createMeetingType, type Host } from '../helpers'
import {
  connectMicrosoft,
  integrationOf,
  openDb,
  slotStarts,
  startCalendarApp,
  syncNow,
  testClock,
} from './harness'

let fake: GraphFake
let app: FastifyInstance
let db: Db
const clock = testClock()
let n = 0

interface Mailbox {
  account: string
  calendarId: string
  session: ProviderSession
  provider: CalendarProvider
  integrationId: string
  host: Host
  mt: string
}

async function mailbox(): Promise<Mailbox> {
  n += 1
  const account = `write${n}-${Date.now()}@contoso.example`
  const { calendarId } = fake.addAccount(account)
  const host = await createHost(app, 'UTC')
  const mt = await createMeetingType(app, host)
  const done = await connectMicrosoft(app, fake, host, account)
  if (done.status !== 200) throw new Error(`connect: ${done.status} ${done.body}`)
  const integrationId = await integrationOf(app, host)
  const provider = app.slotkitCalendars.provider('microsoft')!
  const row = (await findIntegration(db, integrationId))!
  const session = app.slotkitCalendars.tokens!.session(row, provider)
  return {
    account,
    calendarId,
    session,
    provider,
    integrationId,
    host,
    mt,
  }
}

/** A booking's event as stage B hands it over: the id derived from the booking id. */
function written(start: string, options: { conference?: boolean } = {}): WrittenEvent {
  const bookingId = randomUUID()
  const startsAt = Date.parse(start)
  return {
    eventId: bookingId.replace(/-/g, ''),
    bookingId,
    summary: 'Intro call with Ada Lovelace',
    description: 'Booked with Slotkit.\nCancel: https://book.example.com/c/x',
    startsAt,
    endsAt: startsAt + 30 * 60_000,
    attendees: [{ email: 'ada@example.com', name: 'Ada Lovelace' }],
    conference: options.conference,
  }
}

beforeAll(async () => {
  fake = await startGraphFake({ tls: inject('testTls') })
  app = await startCalendarApp({ graph: fake, clock })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await fake.close()
  await db.destroy()
})

describe('Microsoft write-back', () => {
  it('creates the event with a Teams meeting, answers the join URL, and marks it as Slotkit’s', async () => {
    const box = await mailbox()
    const event = written('2027-03-02T10:00:00Z', { conference: true })
    const result = await box.provider.createEvent!(box.session, box.calendarId, event)
    const [stored] = fake.events(box.account, box.calendarId)
    expect(result).toEqual({ eventId: stored!.id, conferenceUrl: stored!.onlineMeeting!.joinUrl })
    expect(result.conferenceUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//)
    expect(stored).toMatchObject({
      subject: 'Intro call with Ada Lovelace',
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      transactionId: `slotkit-${event.eventId}`,
      start: { dateTime: '2027-03-02T10:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2027-03-02T10:30:00.0000000', timeZone: 'UTC' },
      body: { contentType: 'text', content: event.description },
      attendees: [
        expect.objectContaining({
          emailAddress: { name: 'Ada Lovelace', address: 'ada@example.com' },
        }),
      ],
      extendedProperties: [
        { id: extendedPropertyId('slotkit_booking_id'), value: event.bookingId },
      ],
    })
  })

  it('without conference: no online meeting, no join URL', async () => {
    const box = await mailbox()
    const result = await box.provider.createEvent!(
      box.session,
      box.calendarId,
      written('2027-03-02T11:00:00Z'),
    )
    expect(result.conferenceUrl).toBeNull()
    expect(fake.events(box.account, box.calendarId)[0]).toMatchObject({
      isOnlineMeeting: false,
      onlineMeeting: null,
    })
  })

  it('a create that took effect but was answered 429 + Retry-After is retried by the client: exactly one event', async () => {
    const box = await mailbox()
    fake.failNext('events.create', 1, { status: 429, retryAfter: 0, afterCommit: true })
    const creates = fake.count('events.create')
    const result = await box.provider.createEvent!(
      box.session,
      box.calendarId,
      written('2027-03-02T12:00:00Z', { conference: true }),
    )
    // The Graph client posted twice; the transactionId made the second return the first event.
    expect(fake.count('events.create')).toBe(creates + 2)
    const events = fake.events(box.account, box.calendarId)
    expect(events).toHaveLength(1)
    expect(result.eventId).toBe(events[0]!.id)
    expect(result.conferenceUrl).toBe(events[0]!.onlineMeeting!.joinUrl)
  })

  it('a throttled create (429 before it took effect) is retried: one event', async () => {
    const box = await mailbox()
    fake.failNext('events.create', 1, { status: 429, retryAfter: 0 })
    const creates = fake.count('events.create')
    await box.provider.createEvent!(box.session, box.calendarId, written('2027-03-02T13:00:00Z'))
    expect(fake.count('events.create')).toBe(creates + 2)
    expect(fake.events(box.account, box.calendarId)).toHaveLength(1)
  })

  it('the sync skips the events Slotkit wrote: a booking never blocks its own slot', async () => {
    const box = await mailbox()
    await box.provider.createEvent!(box.session, box.calendarId, written('2027-03-02T14:00:00Z'))
    fake.upsertEvent(box.account, box.calendarId, {
      start: '2027-03-02T15:00:00Z',
      end: '2027-03-02T15:30:00Z',
    })
    expect(await syncNow(app, box.host, box.integrationId)).toMatchObject({
      status: 'synced',
      changes: 1,
    })
    const starts = await slotStarts(app, box.mt, '2027-03-02')
    expect(starts).toContain('2027-03-02T14:00:00+00:00')
    expect(starts).not.toContain('2027-03-02T15:00:00+00:00')
  })

  it('moves the event on reschedule, deletes it on cancel; an event already gone counts as deleted', async () => {
    const box = await mailbox()
    const event = written('2027-03-02T09:00:00Z')
    const { eventId } = await box.provider.createEvent!(box.session, box.calendarId, event)
    const moved = {
      ...event,
      eventId,
      startsAt: Date.parse('2027-03-03T16:00:00Z'),
      endsAt: Date.parse('2027-03-03T16:30:00Z'),
    }
    await box.provider.updateEvent!(box.session, box.calendarId, moved)
    expect(fake.events(box.account, box.calendarId)[0]).toMatchObject({
      id: eventId,
      start: { dateTime: '2027-03-03T16:00:00.0000000', timeZone: 'UTC' },
    })
    await box.provider.deleteEvent!(box.session, box.calendarId, eventId)
    expect(fake.events(box.account, box.calendarId)).toEqual([])
    const deletes = fake.count('events.delete')
    await expect(
      box.provider.deleteEvent!(box.session, box.calendarId, eventId),
    ).resolves.toBeUndefined()
    expect(fake.count('events.delete')).toBe(deletes + 1)
    // Updating an event that is gone says so (404), for the write-back to decide.
    const error = await box.provider.updateEvent!(box.session, box.calendarId, moved).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ kind: 'rejected', options: { status: 404 } })
  })

  it('keeps at most 4 requests of a mailbox in flight, so Outlook never throttles its concurrency', async () => {
    const box = await mailbox()
    fake.slow('events.create', 50)
    try {
      const throttled = fake.concurrencyThrottled
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          box.provider.createEvent!(
            box.session,
            box.calendarId,
            written(`2027-03-04T${String(8 + (i % 9)).padStart(2, '0')}:00:00Z`),
          ),
        ),
      )
      expect(new Set(results.map((r) => r.eventId)).size).toBe(12)
      expect(fake.mostInFlight(box.account)).toBe(4)
      expect(fake.concurrencyThrottled).toBe(throttled)
    } finally {
      fake.slow('events.create', 0)
    }
  })

  it('a sync and writes of one mailbox share its 4 places', async () => {
    const box = await mailbox()
    for (let i = 0; i < 450; i++) {
      const start = Date.parse('2027-03-05T00:00:00Z') + i * 3600_000
      fake.upsertEvent(box.account, box.calendarId, {
        start: new Date(start).toISOString(),
        end: new Date(start + 1800_000).toISOString(),
      })
    }
    fake.slow('delta', 40)
    fake.slow('events.create', 40)
    try {
      const throttled = fake.concurrencyThrottled
      const [sync] = await Promise.all([
        syncNow(app, box.host, box.integrationId),
        ...Array.from({ length: 6 }, (_, i) =>
          box.provider.createEvent!(
            box.session,
            box.calendarId,
            written(`2027-03-06T1${i}:00:00Z`),
          ),
        ),
      ])
      expect(sync.status).toBe('synced')
      expect(fake.mostInFlight(box.account)).toBeLessThanOrEqual(4)
      expect(fake.concurrencyThrottled).toBe(throttled)
    } finally {
      fake.slow('delta', 0)
      fake.slow('events.create', 0)
    }
  })
})
