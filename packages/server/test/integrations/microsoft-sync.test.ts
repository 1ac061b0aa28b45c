// Busy times from Microsoft Graph: calendarView/delta per busy calendar through the real
// Graph client, against the fake over HTTPS.
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { bearer, createHost, createMeetingType, type Host } from '../helpers'
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

/** A host (UTC unless given) with a 30-minute meeting type and a connected mailbox. */
async function connectedHost(timeZone = 'UTC'): Promise<{
  host: Host
  mt: string
  account: string
  calendarId: string
  integrationId: string
}> {
  n += 1
  const account = `sync${n}-${Date.now()}@contoso.example`
  const { calendarId } = fake.addAccount(account)
  const host = await createHost(app, timeZone)
  const mt = await createMeetingType(app, host)
  const done = await connectMicrosoft(app, fake, host, account)
  if (done.status !== 200) throw new Error(`connect: ${done.status} ${done.body}`)
  return { host, mt, account, calendarId, integrationId: await integrationOf(app, host) }
}

/** The stored busy rows of an integration, by start. */
async function busyRows(integrationId: string) {
  return db
    .selectFrom('externalBusy')
    .select(['externalId', 'startsAt', 'endsAt', 'allDayStart', 'allDayEnd'])
    .where('integrationId', '=', integrationId)
    .orderBy('startsAt')
    .execute()
}

async function cursorOf(integrationId: string): Promise<string | null> {
  const row = await db
    .selectFrom('integrationCalendars')
    .select('syncCursor')
    .where('integrationId', '=', integrationId)
    .where('isPrimary', '=', true)
    .executeTakeFirstOrThrow()
  return row.syncCursor
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

describe('Microsoft busy-time sync', () => {
  it('lists in full through every @odata.nextLink to the deltaLink, then asks only for changes', async () => {
    const { host, account, calendarId, integrationId } = await connectedHost()
    // 450 events: three pages of Slotkit's 200.
    for (let i = 0; i < 450; i++) {
      const start = Date.parse('2027-03-02T00:00:00Z') + i * 3600_000
      fake.upsertEvent(account, calendarId, {
        start: new Date(start).toISOString(),
        end: new Date(start + 1800_000).toISOString(),
      })
    }
    const deltas = fake.count('delta')
    expect(await syncNow(app, host, integrationId)).toMatchObject({
      status: 'synced',
      changes: 450,
    })
    expect(fake.count('delta')).toBe(deltas + 3)
    expect(fake.deltaPreferences.at(-1)).toBe('outlook.timezone="UTC", odata.maxpagesize=200')
    expect(await busyRows(integrationId)).toHaveLength(450)
    const cursor = await cursorOf(integrationId)
    expect(cursor).toMatch(new RegExp(`^${fake.url}/v1\\.0/.*\\$deltatoken=`))

    // One change and one deletion: one round on the deltaLink, two rows touched.
    const [first, second] = fake.events(account, calendarId)
    fake.upsertEvent(account, calendarId, {
      id: first!.id,
      start: '2027-03-02T00:00:00Z',
      end: '2027-03-02T01:00:00Z',
    })
    fake.deleteEvent(account, calendarId, second!.id)
    expect(await syncNow(app, host, integrationId)).toMatchObject({
      status: 'synced',
      changes: 2,
    })
    expect(fake.count('delta')).toBe(deltas + 4)
    const rows = await busyRows(integrationId)
    expect(rows).toHaveLength(449)
    expect(rows.find((r) => r.externalId === second!.id)).toBeUndefined()
    expect(rows.find((r) => r.externalId === first!.id)?.endsAt.toISOString()).toBe(
      '2027-03-02T01:00:00.000Z',
    )
    expect(await cursorOf(integrationId)).not.toBe(cursor)
  })

  it.each([
    ['410 Gone (resyncRequired)', 'gone'],
    ['syncStateNotFound', 'syncStateNotFound'],
  ] as const)(
    'an expired delta token (%s) lists the calendar in full again and replaces its rows',
    async (_label, as) => {
      const { host, mt, account, calendarId, integrationId } = await connectedHost()
      const kept = fake.upsertEvent(account, calendarId, {
        start: '2027-03-02T09:00:00Z',
        end: '2027-03-02T10:00:00Z',
      })
      const gone = fake.upsertEvent(account, calendarId, {
        start: '2027-03-02T13:00:00Z',
        end: '2027-03-02T14:00:00Z',
      })
      await syncNow(app, host, integrationId)
      // While Slotkit's token expires, an event is deleted: the full list must drop its row.
      fake.autoNotify = false
      fake.deleteEvent(account, calendarId, gone.id)
      fake.autoNotify = true
      fake.expireDeltaTokens(as)
      const deltas = fake.count('delta')
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 1,
      })
      // The refused deltaLink, then a full round (one page).
      expect(fake.count('delta')).toBe(deltas + 2)
      expect((await busyRows(integrationId)).map((r) => r.externalId)).toEqual([kept.id])
      const slots = await slotStarts(app, mt, '2027-03-02')
      expect(slots).not.toContain('2027-03-02T09:00:00+00:00')
      expect(slots).toContain('2027-03-02T13:00:00+00:00')
    },
  )

  it('blocks busy, tentative, out-of-office and recurring occurrences; not free, cancelled, declined or Slotkit’s own', async () => {
    const { host, mt, account, calendarId, integrationId } = await connectedHost()
    const day = '2027-03-03'
    const event = (hour: number, extra: Parameters<GraphFake['upsertEvent']>[2] = {}) =>
      fake.upsertEvent(account, calendarId, {
        start: `${day}T${String(hour).padStart(2, '0')}:00:00Z`,
        end: `${day}T${String(hour).padStart(2, '0')}:30:00Z`,
        ...extra,
      })
    event(9, { showAs: 'busy' })
    event(10, { showAs: 'tentative' })
    event(11, { showAs: 'oof' })
    event(12, { showAs: 'free' })
    event(13, { isCancelled: true })
    event(14, { response: 'declined' })
    event(15, { transactionId: 'slotkit-0123456789abcdef0123456789abcdef' })
    event(16, { response: 'tentativelyAccepted' })
    fake.addRecurringEvent(account, calendarId, {
      start: `${day}T08:00:00Z`,
      durationMinutes: 30,
      count: 3,
    })
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced' })
    const starts = await slotStarts(app, mt, day)
    for (const blocked of ['08', '09', '10', '11', '16'])
      expect(starts, `${blocked}:00`).not.toContain(`${day}T${blocked}:00:00+00:00`)
    for (const free of ['12', '13', '14', '15'])
      expect(starts, `${free}:00`).toContain(`${day}T${free}:00:00+00:00`)
    // The series' next occurrences block their days too.
    expect(await slotStarts(app, mt, '2027-03-04')).not.toContain('2027-03-04T08:00:00+00:00')
  })

  it('a change to "free" in an incremental round gives the slot back', async () => {
    const { host, mt, account, calendarId, integrationId } = await connectedHost()
    const meeting = fake.upsertEvent(account, calendarId, {
      start: '2027-03-02T15:00:00Z',
      end: '2027-03-02T16:00:00Z',
    })
    await syncNow(app, host, integrationId)
    expect(await slotStarts(app, mt, '2027-03-02')).not.toContain('2027-03-02T15:00:00+00:00')
    fake.upsertEvent(account, calendarId, {
      id: meeting.id,
      start: '2027-03-02T15:00:00Z',
      end: '2027-03-02T16:00:00Z',
      showAs: 'free',
    })
    expect(await syncNow(app, host, integrationId)).toMatchObject({ changes: 1 })
    expect(await slotStarts(app, mt, '2027-03-02')).toContain('2027-03-02T15:00:00+00:00')
  })

  it("an all-day event blocks its dates in the host's zone", async () => {
    // America/New_York: 2027-03-02 runs from 05:00 UTC to 05:00 UTC the next day.
    const { host, account, calendarId, integrationId } = await connectedHost('America/New_York')
    fake.upsertEvent(account, calendarId, {
      allDay: { startDate: '2027-03-02', endDate: '2027-03-03' },
    })
    await syncNow(app, host, integrationId)
    const [row] = await busyRows(integrationId)
    expect(row).toMatchObject({
      startsAt: new Date('2027-03-02T05:00:00Z'),
      endsAt: new Date('2027-03-03T05:00:00Z'),
    })
    expect(row!.allDayStart).toEqual(expect.anything())
  })

  it('only the busy calendars are synced; turning one on lists it in full', async () => {
    n += 1
    const account = `two${n}-${Date.now()}@contoso.example`
    const { calendarIds } = fake.addAccount(account, { calendars: [{ name: 'Team' }] })
    const [main, team] = calendarIds as [string, string]
    const host = await createHost(app, 'UTC')
    await connectMicrosoft(app, fake, host, account)
    const id = await integrationOf(app, host)
    fake.upsertEvent(account, team, { start: '2027-03-02T09:00:00Z', end: '2027-03-02T10:00:00Z' })
    expect(await syncNow(app, host, id)).toMatchObject({ changes: 0 })
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
      payload: { busy_calendar_ids: [main, team] },
    })
    expect(patched.statusCode).toBe(200)
    expect(await syncNow(app, host, id)).toMatchObject({ status: 'synced', changes: 1 })
  })

  it('refuses a paging link off the Graph origin: the token is never sent there', async () => {
    // Another https server the test CA vouches for: a link to it must not be followed.
    const seen: (string | undefined)[] = []
    const elsewhere: Server = createServer(inject('testTls'), (request, response) => {
      seen.push(request.headers.authorization)
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{"value":[]}')
    })
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve))
    try {
      const { host, account, calendarId, integrationId } = await connectedHost()
      for (let i = 0; i < 250; i++) {
        const start = Date.parse('2027-03-05T00:00:00Z') + i * 3600_000
        fake.upsertEvent(account, calendarId, {
          start: new Date(start).toISOString(),
          end: new Date(start + 1800_000).toISOString(),
        })
      }
      fake.linkOrigin = `https://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`
      const result = await syncNow(app, host, integrationId)
      expect(result).toMatchObject({
        status: 'failed',
        error: 'microsoft calendarView.delta: a link off the Graph origin was not followed',
      })
      expect(seen).toEqual([])
      expect(await busyRows(integrationId)).toEqual([])
    } finally {
      fake.linkOrigin = undefined
      await new Promise((resolve) => elsewhere.close(resolve))
    }
  })
})
