// One host with Google (fake), Microsoft 365 (Graph fake over HTTPS) and CalDAV (Radicale)
// connected at once: the union of their busy times blocks slots, and every booking is
// written to the host's one write calendar, whichever provider holds it (ADR 0015).
import type { CreateBookingReply, Integration } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { eventIdOf } from '../../src/integrations/calendar/calendar-writer'
import { SLOTKIT_EVENT_MARK } from '../../src/integrations/calendar/provider'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { extendedPropertyId, type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { bearer, bookingBody, createHost, createMeetingType, type Host } from '../helpers'
import {
  calendarObject,
  connectBody,
  connectCaldav,
  newCaldavAccount,
  radicaleUrl,
  vevent,
} from './caldav-harness'
import {
  connectGoogle,
  connectMicrosoft,
  dropSchema,
  nextMonday,
  openDb,
  slotStarts,
  startCalendarApp,
  syncNow,
  testClock,
  until,
} from './harness'
import { untilSync } from './harness-write'

const clock = testClock()
const schema = `pgboss_three${Date.now().toString(36)}`
const day = nextMonday(clock.now)
const at = (time: string) => `${day}T${time}:00Z`
/** A slot start as the slots endpoint writes it (timezone=UTC). */
const slot = (time: string) => `${day}T${time}:00+00:00`
let google: GoogleFake
let graph: GraphFake
let app: FastifyInstance
let db: Db
let n = 0

/** The host's integrations, by provider. */
async function integrations(host: Host): Promise<Record<string, Integration>> {
  const res = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
  expect(res.statusCode, res.body).toBe(200)
  return Object.fromEntries((res.json().integrations as Integration[]).map((i) => [i.provider, i]))
}

/** Every calendar of the host that receives bookings, as `provider:calendar id`. */
async function writeCalendars(host: Host): Promise<string[]> {
  return Object.values(await integrations(host)).flatMap((i) =>
    i.calendars.filter((c) => c.write).map((c) => `${i.provider}:${c.id}`),
  )
}

async function chooseWrite(integrationId: string, host: Host, calendarId: string | null) {
  const res = await app.inject({
    method: 'PATCH',
    url: `/api/integrations/${integrationId}`,
    headers: bearer(host.apiKey),
    payload: { write_calendar_id: calendarId },
  })
  expect(res.statusCode, res.body).toBe(200)
}

async function book(mt: string, start: string): Promise<CreateBookingReply> {
  n += 1
  const res = await app.inject({
    method: 'POST',
    url: '/api/bookings',
    payload: bookingBody(mt, start, { invitee_email: `three${n}@example.com` }),
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/** Events Slotkit wrote to a Google calendar. */
const googleWrites = (account: string) =>
  google.events(account, account).filter((e) => e.extendedProperties?.private?.[SLOTKIT_EVENT_MARK])
/** Events Slotkit wrote to a Graph calendar. */
const graphWrites = (account: string, calendarId: string) =>
  graph
    .events(account, calendarId)
    .filter((e) =>
      e.extendedProperties.some((p) => p.id === extendedPropertyId('slotkit_booking_id')),
    )

beforeAll(async () => {
  google = await startGoogleFake()
  graph = await startGraphFake({ tls: inject('testTls') })
  app = await startCalendarApp({
    fake: google,
    graph,
    clock,
    workers: true,
    queueSchema: schema,
  })
  db = openDb()
})

afterAll(async () => {
  await app?.close()
  await google?.close()
  await graph?.close()
  if (db) {
    await dropSchema(db, schema)
    await db.destroy()
  }
})

describe.skipIf(!radicaleUrl())('a host with Google, Microsoft and CalDAV calendars', () => {
  it('sees the union of their busy times, and a booking is written to the one chosen write calendar only', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const googleAccount = `three-g-${Date.now()}@example.com`
    const msAccount = `three-m-${Date.now()}@contoso.example`
    google.addAccount(googleAccount)
    const { calendarId: msCalendar } = graph.addAccount(msAccount)
    const caldav = await newCaldavAccount()
    google.upsertEvent(googleAccount, googleAccount, {
      summary: 'Dentist',
      start: { dateTime: at('09:00') },
      end: { dateTime: at('09:30') },
    })
    graph.upsertEvent(msAccount, msCalendar, { start: at('10:00'), end: at('10:30') })
    expect(
      await caldav.put(
        'school-run.ics',
        calendarObject(
          vevent(
            'school-run',
            `DTSTART:${day.replace(/-/g, '')}T110000Z`,
            `DTEND:${day.replace(/-/g, '')}T113000Z`,
            'SUMMARY:School run',
          ),
        ),
      ),
    ).toBe(201)

    expect((await connectGoogle(app, google, host, googleAccount)).status).toBe(200)
    expect((await connectMicrosoft(app, graph, host, msAccount)).status).toBe(200)
    const connected = await connectCaldav(app, host, connectBody(caldav))
    expect(connected.statusCode, connected.body).toBe(201)

    // The first account's primary calendar receives bookings; the accounts connected
    // after it do not take that over.
    const byProvider = await integrations(host)
    expect(Object.keys(byProvider).sort()).toEqual(['caldav', 'google', 'microsoft'])
    expect(await writeCalendars(host)).toEqual([`google:${googleAccount}`])

    for (const integration of Object.values(byProvider)) {
      expect((await syncNow(app, host, integration.id)).status).toBe('synced')
    }
    const free = await slotStarts(app, mt, day)
    for (const busy of ['09:00', '10:00', '11:00']) expect(free).not.toContain(slot(busy))
    for (const open of ['09:30', '10:30', '11:30', '12:00']) expect(free).toContain(slot(open))

    // The host picks the CalDAV calendar: it becomes the only one.
    await chooseWrite(byProvider.caldav!.id, host, caldav.calendarUrl)
    expect(await writeCalendars(host)).toEqual([`caldav:${caldav.calendarUrl}`])

    const googleInserts = google.count('events.insert')
    const graphCreates = graph.count('events.create')
    const booked = await book(mt, at('12:00'))
    expect(booked.calendar_sync).toEqual({ state: 'pending' })
    const synced = await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written')

    const object = await caldav.get(synced.calendar_event_id!)
    expect(object.status).toBe(200)
    expect(object.body).toContain(`X-SLOTKIT-BOOKING-ID:${booked.id}`)
    expect(object.body).toContain(`DTSTART:${day.replace(/-/g, '')}T120000Z`)
    // Nothing went to the other two.
    expect(google.count('events.insert')).toBe(googleInserts)
    expect(graph.count('events.create')).toBe(graphCreates)
    expect(googleWrites(googleAccount)).toEqual([])
    expect(graphWrites(msAccount, msCalendar)).toEqual([])
    expect(await slotStarts(app, mt, day)).not.toContain(slot('12:00'))
  })

  it('moves the write calendar between providers, sends Meet bookings to Google, and hands the write calendar on when its account goes', async () => {
    const host = await createHost(app, 'UTC')
    const googleAccount = `three-g2-${Date.now()}@example.com`
    const msAccount = `three-m2-${Date.now()}@contoso.example`
    google.addAccount(googleAccount)
    const { calendarId: msCalendar } = graph.addAccount(msAccount)
    expect((await connectGoogle(app, google, host, googleAccount)).status).toBe(200)
    expect((await connectMicrosoft(app, graph, host, msAccount)).status).toBe(200)
    const byProvider = await integrations(host)

    await chooseWrite(byProvider.microsoft!.id, host, msCalendar)
    expect(await writeCalendars(host)).toEqual([`microsoft:${msCalendar}`])

    // An in-person meeting goes to the write calendar (Outlook), with its address.
    const office = await createMeetingType(app, host, {
      location: { type: 'in_person', address: '1 Main Street, Springfield' },
    })
    const inPerson = await book(office, at('09:00'))
    await untilSync(app, host, inPerson.id, (s) => s.state === 'synced', 'written to Outlook')
    const [outlook] = graphWrites(msAccount, msCalendar)
    expect(outlook).toMatchObject({
      start: { dateTime: `${day}T09:00:00.0000000` },
      location: { displayName: '1 Main Street, Springfield' },
      isOnlineMeeting: false,
    })
    expect(googleWrites(googleAccount)).toEqual([])

    // A Meet link can only be made by Google: that booking goes to the Google account's
    // primary calendar, and to no other.
    const meet = await createMeetingType(app, host, { location: { type: 'google_meet' } })
    const video = await book(meet, at('10:00'))
    const written = await untilSync(
      app,
      host,
      video.id,
      (s) => s.state === 'synced',
      'written to Google',
    )
    expect(written.calendar_event_id).toBe(eventIdOf(video.id))
    expect(written.meeting_url).toMatch(/^https:\/\/meet\.google\.com\//)
    expect(googleWrites(googleAccount).map((e) => e.id)).toEqual([eventIdOf(video.id)])
    expect(graphWrites(msAccount, msCalendar)).toHaveLength(1)

    // Deleting the account that held the write calendar hands it to the oldest left.
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/integrations/${byProvider.microsoft!.id}`,
      headers: bearer(host.apiKey),
    })
    expect(removed.statusCode, removed.body).toBe(204)
    expect(await writeCalendars(host)).toEqual([`google:${googleAccount}`])

    // No write calendar at all: a Meet meeting type can no longer be offered.
    await chooseWrite(byProvider.google!.id, host, null)
    expect(await writeCalendars(host)).toEqual([])
    const refused = await app.inject({
      method: 'POST',
      url: '/api/meeting-types',
      headers: bearer(host.apiKey),
      payload: {
        user_id: host.id,
        name: 'Video',
        duration_minutes: 30,
        location: { type: 'google_meet' },
      },
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({
      error: 'LOCATION_UNAVAILABLE',
      details: { field: 'location', provider: 'google' },
    })
  })

  it('keeps one write calendar per host when choices race', async () => {
    const host = await createHost(app, 'UTC')
    const googleAccount = `three-g3-${Date.now()}@example.com`
    const msAccount = `three-m3-${Date.now()}@contoso.example`
    google.addAccount(googleAccount)
    const { calendarId: msCalendar } = graph.addAccount(msAccount)
    const caldav = await newCaldavAccount()
    expect((await connectGoogle(app, google, host, googleAccount)).status).toBe(200)
    expect((await connectMicrosoft(app, graph, host, msAccount)).status).toBe(200)
    expect((await connectCaldav(app, host, connectBody(caldav))).statusCode).toBe(201)
    const byProvider = await integrations(host)
    const choices = [
      [byProvider.google!.id, googleAccount],
      [byProvider.microsoft!.id, msCalendar],
      [byProvider.caldav!.id, caldav.calendarUrl],
    ] as const
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const [id, calendar] = choices[i % 3]!
        return app.inject({
          method: 'PATCH',
          url: `/api/integrations/${id}`,
          headers: bearer(host.apiKey),
          payload: { write_calendar_id: calendar },
        })
      }),
    )
    expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 200))
    expect(await writeCalendars(host)).toHaveLength(1)
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM integration_calendars WHERE host_id = ${host.id} AND write`.execute(
      db,
    )
    expect(rows[0]!.n).toBe(1)
  })
})

/**
 * What a sync of another account does while a write-choice change runs: it holds
 * that account's calendar row (`FOR UPDATE`), then takes the host row. A change that
 * took the host row first (through the external_busy trigger of a busy-time delete)
 * and then waits for that calendar row would deadlock with it.
 */
async function asSyncOf(calendarRowId: string, hostId: string, during: () => Promise<unknown>) {
  let pending: Promise<unknown> | undefined
  await db.transaction().execute(async (trx) => {
    await sql`SELECT id FROM integration_calendars WHERE id = ${calendarRowId} FOR UPDATE`.execute(
      trx,
    )
    pending = during()
    // Let the change run until it waits for the calendar row.
    await new Promise((resolve) => setTimeout(resolve, 400))
    await sql`SELECT id FROM users WHERE id = ${hostId} FOR NO KEY UPDATE`.execute(trx)
  })
  return pending
}

describe('changing the write calendar while another account syncs', () => {
  async function twoAccounts() {
    const host = await createHost(app, 'UTC')
    const googleAccount = `three-g4-${Date.now()}-${++n}@example.com`
    const msAccount = `three-m4-${Date.now()}-${n}@contoso.example`
    google.addAccount(googleAccount)
    google.upsertEvent(googleAccount, googleAccount, {
      start: { dateTime: at('09:00') },
      end: { dateTime: at('09:30') },
    })
    const { calendarId: msCalendar } = graph.addAccount(msAccount)
    expect((await connectGoogle(app, google, host, googleAccount)).status).toBe(200)
    expect((await connectMicrosoft(app, graph, host, msAccount)).status).toBe(200)
    const byProvider = await integrations(host)
    // The Google calendar has busy rows (the connect's sync, or this one): deleting
    // them fires the host-row trigger.
    await syncNow(app, host, byProvider.google!.id)
    await until(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM external_busy b
          JOIN integration_calendars c ON c.id = b.calendar_id
         WHERE c.integration_id = ${byProvider.google!.id}`.execute(db)
      return rows[0]!.n > 0
    }, 'the busy time stored')
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM integration_calendars WHERE integration_id = ${byProvider.microsoft!.id} AND is_primary`.execute(
      db,
    )
    return { host, googleAccount, msCalendar, byProvider, outlookRow: rows[0]!.id }
  }

  it('hands the write calendar on when its account is deleted, without a deadlock', async () => {
    const { host, byProvider, outlookRow, msCalendar } = await twoAccounts()
    const removed = (await asSyncOf(outlookRow, host.id, () =>
      app.inject({
        method: 'DELETE',
        url: `/api/integrations/${byProvider.google!.id}`,
        headers: bearer(host.apiKey),
      }),
    )) as { statusCode: number; body: string }
    expect(removed.statusCode, removed.body).toBe(204)
    expect(await writeCalendars(host)).toEqual([`microsoft:${msCalendar}`])
  })

  it('takes the write calendar and turns a busy calendar off in one PATCH, without a deadlock', async () => {
    const { host, byProvider, outlookRow, googleAccount, msCalendar } = await twoAccounts()
    await chooseWrite(byProvider.microsoft!.id, host, msCalendar)
    const patched = (await asSyncOf(outlookRow, host.id, () =>
      app.inject({
        method: 'PATCH',
        url: `/api/integrations/${byProvider.google!.id}`,
        headers: bearer(host.apiKey),
        payload: { busy_calendar_ids: [], write_calendar_id: googleAccount },
      }),
    )) as { statusCode: number; body: string }
    expect(patched.statusCode, patched.body).toBe(200)
    expect(await writeCalendars(host)).toEqual([`google:${googleAccount}`])
  })
})
