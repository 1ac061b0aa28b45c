import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import type {
  CalendarProvider,
  ProviderSession,
  WrittenEvent,
} from '../../src/integrations/calendar/provider'
import { createHost, createMeetingType } from '../helpers'
import {
  type CaldavAccount,
  type CountingProxy,
  connectBody,
  connectCaldav,
  newCaldavAccount,
  radicaleUrl,
  startCaldavApp,
  startCountingProxy,
} from './caldav-harness'
import { openDb, slotStarts, syncNow, testClock } from './harness'

const clock = testClock()

describe.skipIf(!radicaleUrl())('writing bookings to a CalDAV calendar (Radicale)', () => {
  let app: FastifyInstance
  let db: Db
  let proxy: CountingProxy
  let account: CaldavAccount
  let provider: CalendarProvider
  let session: ProviderSession
  let calendarUrl: string
  let sync: () => Promise<{ status: string; changes: number }>
  let mt: string

  const bookingId = randomUUID()
  const fileName = `slotkit-${bookingId}.ics`
  const event = (startsAt: string, endsAt: string): WrittenEvent => ({
    eventId: fileName,
    bookingId,
    summary: 'Intro call with Ada Lovelace',
    description: 'Booked through Slotkit.',
    startsAt: Date.parse(startsAt),
    endsAt: Date.parse(endsAt),
    attendees: [{ email: 'ada@example.com', name: 'Ada Lovelace' }],
  })
  const last = (method: string) => proxy.requests.filter((r) => r.method === method).at(-1)

  beforeAll(async () => {
    app = await startCaldavApp({ clock })
    db = openDb()
    proxy = await startCountingProxy()
    account = await newCaldavAccount()
    const host = await createHost(app, 'UTC')
    mt = await createMeetingType(app, host)
    const connected = await connectCaldav(app, host, connectBody(account, proxy.url))
    expect(connected.statusCode).toBe(201)
    const integration = connected.json()
    calendarUrl = integration.calendars[0].id
    const row = await findIntegration(db, integration.id)
    provider = app.slotkitCalendars.provider('caldav')!
    session = app.slotkitCalendars.tokens!.session(row!, provider)
    sync = () => syncNow(app, host, integration.id)
    expect(await sync()).toMatchObject({ status: 'synced' })
  })

  afterAll(async () => {
    await app.close()
    await db.destroy()
    await proxy.close()
  })

  it('creates the event once under slotkit-<booking id>.ics with If-None-Match: * (a retry gets 412: done)', async () => {
    const written = await provider.createEvent!(
      session,
      calendarUrl,
      event('2027-03-02T10:00:00Z', '2027-03-02T10:30:00Z'),
    )
    expect(written).toEqual({ eventId: fileName, conferenceUrl: null })
    const put = last('PUT')!
    expect(put.path).toBe(`/${account.username}/work/${fileName}`)
    expect(put.headers['if-none-match']).toBe('*')
    expect(put.status).toBe(201)
    const stored = await account.get(fileName)
    expect(stored.status).toBe(200)
    const unfolded = stored.body.replace(/\r\n[ \t]/g, '')
    expect(unfolded).toContain(`UID:slotkit-${bookingId}@slotkit`)
    expect(unfolded).toContain(`X-SLOTKIT-BOOKING-ID:${bookingId}`)
    expect(unfolded).toContain('DTSTART:20270302T100000Z')
    expect(unfolded).toContain('DTEND:20270302T103000Z')
    expect(unfolded).toContain('Ada Lovelace <ada@example.com>')
    // No ATTENDEE: a scheduling server would e-mail its own invitation.
    expect(unfolded).not.toMatch(/^ATTENDEE/m)
    expect(unfolded).not.toMatch(/^METHOD/m)

    // The job ran again (a lost reply): 412, the same answer, still one object.
    expect(
      await provider.createEvent!(
        session,
        calendarUrl,
        event('2027-03-02T10:00:00Z', '2027-03-02T10:30:00Z'),
      ),
    ).toEqual({ eventId: fileName, conferenceUrl: null })
    expect(last('PUT')?.status).toBe(412)
    expect((await account.get(fileName)).etag).toBe(stored.etag)
  })

  it('never blocks the host with its own written event, and the poll does not even fetch it', async () => {
    proxy.requests.length = 0
    expect(await sync()).toMatchObject({ status: 'synced', changes: 0 })
    expect(proxy.requests.map((r) => r.method)).toEqual(['REPORT'])
    expect(proxy.requests[0]!.body).toContain('sync-collection')
    expect(await slotStarts(app, mt, '2027-03-02')).toContain('2027-03-02T10:00:00+00:00')
  })

  it('moves it with If-Match on its current etag', async () => {
    const before = await account.get(fileName)
    await provider.updateEvent!(
      session,
      calendarUrl,
      event('2027-03-03T14:00:00Z', '2027-03-03T14:30:00Z'),
    )
    const put = last('PUT')!
    expect(put.headers['if-match']).toBe(before.etag)
    expect(put.status).toBeLessThan(300)
    const after = await account.get(fileName)
    expect(after.body).toContain('DTSTART:20270303T140000Z')
    expect(after.etag).not.toBe(before.etag)
  })

  it('puts it back when the host deleted it in the calendar meanwhile', async () => {
    expect(await account.remove(fileName)).toBe(200)
    await provider.updateEvent!(
      session,
      calendarUrl,
      event('2027-03-04T09:00:00Z', '2027-03-04T09:30:00Z'),
    )
    expect(last('PUT')?.headers['if-none-match']).toBe('*')
    expect((await account.get(fileName)).body).toContain('DTSTART:20270304T090000Z')
  })

  it('cancels with DELETE; one already gone counts as deleted', async () => {
    await provider.deleteEvent!(session, calendarUrl, fileName)
    expect(last('DELETE')?.status).toBe(200)
    expect((await account.get(fileName)).status).toBe(404)
    await provider.deleteEvent!(session, calendarUrl, fileName)
    expect(last('DELETE')?.status).toBe(404)
  })
})
