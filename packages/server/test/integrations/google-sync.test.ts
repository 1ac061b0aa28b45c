import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { bearer, bookingBody, createHost, createMeetingType, type Host } from '../helpers'
import {
  connectGoogle,
  integrationOf,
  openDb,
  slotStarts,
  startGoogleApp,
  syncNow,
  testClock,
} from './harness'

let fake: GoogleFake
let app: FastifyInstance
let db: Db
const clock = testClock()
let n = 0

/** A host (UTC unless given) with a 30-minute meeting type and a connected Google account. */
async function connectedHost(timeZone = 'UTC'): Promise<{
  host: Host
  mt: string
  account: string
  integrationId: string
}> {
  n += 1
  const account = `sync${n}-${Date.now()}@example.com`
  fake.addAccount(account)
  const host = await createHost(app, timeZone)
  const mt = await createMeetingType(app, host)
  const done = await connectGoogle(app, fake, host, account)
  if (done.status !== 200) throw new Error(`connect: ${done.status} ${done.body}`)
  return { host, mt, account, integrationId: await integrationOf(app, host) }
}

function at(date: string, time: string): { dateTime: string } {
  return { dateTime: `${date}T${time}:00Z` }
}

async function version(hostId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select('scheduleVersion')
    .where('id', '=', hostId)
    .executeTakeFirstOrThrow()
  return Number(row.scheduleVersion)
}

beforeAll(async () => {
  fake = await startGoogleFake()
  app = await startGoogleApp({ fake, clock })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await fake.close()
  await db.destroy()
})

describe('Google busy-time sync', () => {
  it('a busy event takes its slot away, even from a cached reply; deleting it gives the slot back', async () => {
    const { host, mt, account, integrationId } = await connectedHost()
    expect((await syncNow(app, host, integrationId)).status).toBe('synced')
    // Cached now: only a generation bump can change this reply.
    expect(await slotStarts(app, mt, '2027-03-02')).toContain('2027-03-02T10:00:00+00:00')
    const event = fake.upsertEvent(account, account, {
      summary: 'Dentist',
      start: at('2027-03-02', '10:00'),
      end: at('2027-03-02', '10:45'),
    })
    const before = await version(host.id)
    const added = await syncNow(app, host, integrationId)
    expect(added).toMatchObject({ status: 'synced', changes: 1, error: null })
    expect(await version(host.id)).toBe(before + 1)
    const slots = await slotStarts(app, mt, '2027-03-02')
    expect(slots).not.toContain('2027-03-02T10:00:00+00:00')
    expect(slots).not.toContain('2027-03-02T10:30:00+00:00')
    expect(slots).toContain('2027-03-02T11:00:00+00:00')

    fake.deleteEvent(account, account, event.id)
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 1 })
    expect(await slotStarts(app, mt, '2027-03-02')).toContain('2027-03-02T10:00:00+00:00')
    // The second and third syncs were incremental: the sync token, no time range.
    expect(fake.count('events.list')).toBeGreaterThanOrEqual(3)
  })

  it('a sync that finds nothing new writes nothing and bumps nothing', async () => {
    const { host, account, integrationId } = await connectedHost()
    fake.upsertEvent(account, account, {
      start: at('2027-03-04', '09:00'),
      end: at('2027-03-04', '10:00'),
    })
    await syncNow(app, host, integrationId)
    const before = await version(host.id)
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 0 })
    expect(await version(host.id)).toBe(before)
  })

  it('ignores transparent events and events the host declined; keeps tentative and accepted ones', async () => {
    const { host, mt, account, integrationId } = await connectedHost()
    fake.upsertEvent(account, account, {
      transparency: 'transparent',
      start: at('2027-03-03', '09:00'),
      end: at('2027-03-03', '10:00'),
    })
    fake.upsertEvent(account, account, {
      attendees: [
        { email: 'boss@example.com', responseStatus: 'accepted', organizer: true },
        { email: account, self: true, responseStatus: 'declined' },
      ],
      start: at('2027-03-03', '11:00'),
      end: at('2027-03-03', '12:00'),
    })
    fake.upsertEvent(account, account, {
      attendees: [{ email: account, self: true, responseStatus: 'tentative' }],
      start: at('2027-03-03', '14:00'),
      end: at('2027-03-03', '15:00'),
    })
    await syncNow(app, host, integrationId)
    const slots = await slotStarts(app, mt, '2027-03-03')
    expect(slots).toContain('2027-03-03T09:00:00+00:00')
    expect(slots).toContain('2027-03-03T11:00:00+00:00')
    expect(slots).not.toContain('2027-03-03T14:00:00+00:00')
    // An event turning transparent later frees its time on the next (incremental) sync.
    const busy = fake.upsertEvent(account, account, {
      start: at('2027-03-03', '15:00'),
      end: at('2027-03-03', '16:00'),
    })
    await syncNow(app, host, integrationId)
    expect(await slotStarts(app, mt, '2027-03-03')).not.toContain('2027-03-03T15:00:00+00:00')
    fake.upsertEvent(account, account, {
      id: busy.id,
      start: busy.start!,
      end: busy.end!,
      transparency: 'transparent',
    })
    await syncNow(app, host, integrationId)
    expect(await slotStarts(app, mt, '2027-03-03')).toContain('2027-03-03T15:00:00+00:00')
  })

  it("blocks an all-day event's whole date in the host's zone", async () => {
    const { host, mt, account, integrationId } = await connectedHost('America/New_York')
    fake.upsertEvent(account, account, {
      start: { date: '2027-03-03' },
      end: { date: '2027-03-04' },
    })
    await syncNow(app, host, integrationId)
    const row = await db
      .selectFrom('externalBusy')
      .select(['startsAt', 'endsAt', 'allDayStart', 'allDayEnd'])
      .where('hostId', '=', host.id)
      .executeTakeFirstOrThrow()
    // Midnight to midnight in New York (EST, UTC-5).
    expect(row.startsAt.toISOString()).toBe('2027-03-03T05:00:00.000Z')
    expect(row.endsAt.toISOString()).toBe('2027-03-04T05:00:00.000Z')
    expect([row.allDayStart, row.allDayEnd]).toEqual(['2027-03-03', '2027-03-04'])
    expect(await slotStarts(app, mt, '2027-03-03')).toEqual([])
    // 09:00 New York on the days around it is 14:00 UTC.
    expect(await slotStarts(app, mt, '2027-03-02')).toContain('2027-03-02T14:00:00+00:00')
    expect(await slotStarts(app, mt, '2027-03-04')).toContain('2027-03-04T14:00:00+00:00')
  })

  it('expands recurring events: every instance blocks its time', async () => {
    const { host, mt, account, integrationId } = await connectedHost()
    fake.addRecurringEvent(account, account, {
      id: 'standup',
      start: '2027-03-02T09:30:00Z',
      durationMinutes: 30,
      count: 3,
    })
    await syncNow(app, host, integrationId)
    for (const date of ['2027-03-02', '2027-03-03', '2027-03-04']) {
      const slots = await slotStarts(app, mt, date)
      expect(slots, date).not.toContain(`${date}T09:30:00+00:00`)
      expect(slots, date).toContain(`${date}T10:00:00+00:00`)
    }
    expect(await slotStarts(app, mt, '2027-03-05')).toContain('2027-03-05T09:30:00+00:00')
  })

  it('pages through a list whose first page is empty', async () => {
    const { host, mt, account, integrationId } = await connectedHost()
    fake.upsertEvent(account, account, {
      start: at('2027-03-05', '13:00'),
      end: at('2027-03-05', '14:00'),
    })
    fake.shortFirstPage = true
    try {
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 1,
      })
    } finally {
      fake.shortFirstPage = false
    }
    expect(await slotStarts(app, mt, '2027-03-05')).not.toContain('2027-03-05T13:00:00+00:00')
  })

  it('410 on the sync token: the calendar is listed in full and its rows replaced', async () => {
    const { host, mt, account, integrationId } = await connectedHost()
    const kept = fake.upsertEvent(account, account, {
      start: at('2027-03-08', '09:00'),
      end: at('2027-03-08', '10:00'),
    })
    const dropped = fake.upsertEvent(account, account, {
      start: at('2027-03-08', '11:00'),
      end: at('2027-03-08', '12:00'),
    })
    await syncNow(app, host, integrationId)
    fake.deleteEvent(account, account, dropped.id)
    fake.upsertEvent(account, account, {
      start: at('2027-03-08', '14:00'),
      end: at('2027-03-08', '15:00'),
    })
    fake.expireSyncTokens()
    const lists = fake.count('events.list')
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 2 })
    // One 410, one full list.
    expect(fake.count('events.list')).toBe(lists + 2)
    const slots = await slotStarts(app, mt, '2027-03-08')
    expect(slots).not.toContain('2027-03-08T09:00:00+00:00')
    expect(slots).toContain('2027-03-08T11:00:00+00:00')
    expect(slots).not.toContain('2027-03-08T14:00:00+00:00')
    const ids = await db
      .selectFrom('externalBusy')
      .select('externalId')
      .where('hostId', '=', host.id)
      .orderBy('startsAt')
      .execute()
    expect(ids.map((r) => r.externalId)).toEqual([kept.id, expect.any(String)])
  })

  it('a booking is never blocked by its own synced event: rescheduling over it works (Slotkit mark skipped)', async () => {
    const { host, account, integrationId } = await connectedHost()
    // Slots every 15 minutes, so the booking can move by less than its length.
    const mt = await createMeetingType(app, host, { slot_interval_minutes: 15 })
    const booked = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-09T10:00:00Z'),
    })
    expect(booked.statusCode).toBe(201)
    const booking = booked.json()
    // What stage B's write-back puts in the host's calendar for this booking.
    fake.upsertEvent(account, account, {
      summary: 'Meeting with Ada Lovelace',
      extendedProperties: { private: { slotkit_booking_id: booking.id } },
      start: at('2027-03-09', '10:00'),
      end: at('2027-03-09', '10:30'),
    })
    // And an event of the host's own right after it, which does block.
    fake.upsertEvent(account, account, {
      start: at('2027-03-09', '11:00'),
      end: at('2027-03-09', '11:30'),
    })
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 1 })
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule?token=${new URL(booking.reschedule_url).searchParams.get('token')}`,
      payload: { start_time: '2027-03-09T10:15:00Z' },
    })
    expect(moved.statusCode, moved.body).toBe(200)
    const blocked = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-09T11:00:00Z'),
    })
    expect(blocked.statusCode).toBe(409)
    expect(blocked.json().reason).toBe('CONFLICT')
  })

  it('records the sync on the integration', async () => {
    const { host, integrationId } = await connectedHost()
    await syncNow(app, host, integrationId)
    const list = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    expect(list.json().integrations[0]).toMatchObject({
      status: 'active',
      last_synced_at: new Date(clock.now).toISOString().replace('.000Z', 'Z'),
      last_error: null,
    })
  })
})
