import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import { bearer, createHost, createMeetingType, type Host } from '../helpers'
import { smtpMailer } from '../notifications/harness'
import { parseMail, SmtpSink } from '../notifications/smtp-sink'
import { setRadicalePassword } from '../radicale'
import {
  type CaldavAccount,
  type CountingProxy,
  calendarObject,
  connectBody,
  connectCaldav,
  newCaldavAccount,
  type ProxiedRequest,
  radicaleUrl,
  startCaldavApp,
  startCountingProxy,
  vevent,
} from './caldav-harness'
import { dropSchema, openDb, slotStarts, syncNow, testClock, until } from './harness'

const clock = testClock()

/** New York's rules since 2007, as calendar apps send them along with an event. */
const NEW_YORK = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:20070311T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:20071104T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]
let app: FastifyInstance
let db: Db

/** A host (Mon–Fri 09:00–17:00 in `timeZone`) with a 30-minute meeting type and a connected CalDAV account. */
async function connectedHost(
  timeZone: string,
  options: { email?: boolean; serverUrl?: string } = {},
): Promise<{ host: Host; mt: string; account: CaldavAccount; integrationId: string }> {
  const account = await newCaldavAccount(radicaleUrl(), { email: options.email })
  const host = await createHost(app, timeZone)
  const mt = await createMeetingType(app, host)
  const res = await connectCaldav(app, host, connectBody(account, options.serverUrl))
  if (res.statusCode !== 201) throw new Error(`connect: ${res.statusCode} ${res.body}`)
  return { host, mt, account, integrationId: res.json().id }
}

/** The half-hour slot starts from `from` to `to` (UTC wall times) of a date, as the API writes them. */
function halfHours(date: string, from: string, to: string): string[] {
  const starts: string[] = []
  for (
    let at = Date.parse(`${date}T${from}:00Z`);
    at < Date.parse(`${date}T${to}:00Z`);
    at += 30 * 60_000
  ) {
    starts.push(new Date(at).toISOString().replace('.000Z', '+00:00'))
  }
  return starts
}

/** Which of a date's open slots (`from`–`to` UTC) the host's busy times took away. */
async function missing(mt: string, date: string, from: string, to: string): Promise<string[]> {
  const open = new Set(await slotStarts(app, mt, date))
  return halfHours(date, from, to).filter((start) => !open.has(start))
}

/** What each request asked for: `PROPFIND`, `REPORT sync-collection`, `REPORT calendar-multiget ×2`. */
function kinds(requests: readonly ProxiedRequest[]): string[] {
  return requests.map((r) => {
    const report = /<(?:\w+:)?(sync-collection|calendar-query|calendar-multiget)\b/.exec(
      r.body,
    )?.[1]
    if (!report) return r.method
    const hrefs = (r.body.match(/<(?:\w+:)?href>/g) ?? []).length
    return report === 'calendar-multiget' ? `REPORT ${report} ×${hrefs}` : `REPORT ${report}`
  })
}

beforeAll(async () => {
  app = await startCaldavApp({ clock })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await db.destroy()
})

describe.skipIf(!radicaleUrl())('CalDAV busy times (Radicale)', () => {
  it('a busy event takes its slots; deleting it gives them back', async () => {
    const { host, mt, account, integrationId } = await connectedHost('UTC')
    expect(
      await account.put(
        'dentist.ics',
        calendarObject(
          vevent('dentist', 'DTSTART:20270302T100000Z', 'DTEND:20270302T110000Z', 'SUMMARY:x'),
        ),
      ),
    ).toBe(201)
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 1 })
    expect(await missing(mt, '2027-03-02', '09:00', '17:00')).toEqual(
      halfHours('2027-03-02', '10:00', '11:00'),
    )

    expect(await account.remove('dentist.ics')).toBe(200)
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 1 })
    expect(await missing(mt, '2027-03-02', '09:00', '17:00')).toEqual([])
  })

  it('expands a weekly series with one moved and one deleted occurrence across the spring-forward in New York (2027-03-14)', async () => {
    const { host, mt, account, integrationId } = await connectedHost('America/New_York')
    // Thursdays 10:00–11:00 New York time, five times from 03-04. 03-11 moves to 14:00,
    // 03-25 is deleted. Before 03-14 New York is UTC−5, after it UTC−4. With its
    // VTIMEZONE, as calendar apps write it (Radicale refuses a series with overrides
    // without one; an object without VTIMEZONE is covered by the unit tests).
    const status = await account.put(
      'standup.ics',
      calendarObject(
        NEW_YORK,
        vevent(
          'standup',
          'DTSTART;TZID=America/New_York:20270304T100000',
          'DTEND;TZID=America/New_York:20270304T110000',
          'RRULE:FREQ=WEEKLY;COUNT=5',
          'EXDATE;TZID=America/New_York:20270325T100000',
          'SUMMARY:Stand-up',
        ),
        vevent(
          'standup',
          'RECURRENCE-ID;TZID=America/New_York:20270311T100000',
          'DTSTART;TZID=America/New_York:20270311T140000',
          'DTEND;TZID=America/New_York:20270311T150000',
          'SUMMARY:Stand-up (moved)',
        ),
      ),
    )
    expect(status).toBe(201)
    // A single event whose TZID comes without a VTIMEZONE: read as the IANA zone it
    // names. 11:00 Chicago on 03-18 is 16:00Z (CDT), not 15:00Z (11:00 on the host's
    // New York clock) nor 17:00Z (CST).
    expect(
      await account.put(
        'lunch.ics',
        calendarObject(
          vevent(
            'lunch',
            'DTSTART;TZID=America/Chicago:20270318T110000',
            'DTEND;TZID=America/Chicago:20270318T120000',
          ),
        ),
      ),
    ).toBe(201)
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 5 })
    // Open hours 09:00–17:00 New York: 14:00–22:00Z before the change, 13:00–21:00Z after.
    expect(await missing(mt, '2027-03-04', '14:00', '22:00')).toEqual(
      halfHours('2027-03-04', '15:00', '16:00'),
    )
    expect(await missing(mt, '2027-03-11', '14:00', '22:00')).toEqual(
      halfHours('2027-03-11', '19:00', '20:00'),
    )
    expect(await missing(mt, '2027-03-18', '13:00', '21:00')).toEqual([
      ...halfHours('2027-03-18', '14:00', '15:00'),
      ...halfHours('2027-03-18', '16:00', '17:00'),
    ])
    expect(await missing(mt, '2027-03-25', '13:00', '21:00')).toEqual([])
    expect(await missing(mt, '2027-04-01', '13:00', '21:00')).toEqual(
      halfHours('2027-04-01', '14:00', '15:00'),
    )
  })

  it('ignores transparent, cancelled and declined events; an all-day event takes the whole day', async () => {
    const { host, mt, account, integrationId } = await connectedHost('UTC', { email: true })
    const me = `mailto:${account.username}`
    const at = (hour: string) => [
      `DTSTART:20270303T${hour}0000Z`,
      `DTEND:20270303T${String(Number(hour) + 1).padStart(2, '0')}0000Z`,
    ]
    await account.put('busy.ics', calendarObject(vevent('busy', ...at('09'))))
    await account.put('free.ics', calendarObject(vevent('free', ...at('10'), 'TRANSP:TRANSPARENT')))
    await account.put(
      'cancelled.ics',
      calendarObject(vevent('cancelled', ...at('11'), 'STATUS:CANCELLED')),
    )
    await account.put(
      'declined.ics',
      calendarObject(
        vevent(
          'declined',
          ...at('12'),
          'ORGANIZER:mailto:boss@example.com',
          `ATTENDEE;PARTSTAT=DECLINED:${me}`,
        ),
      ),
    )
    await account.put(
      'accepted.ics',
      calendarObject(
        vevent(
          'accepted',
          ...at('13'),
          'ORGANIZER:mailto:boss@example.com',
          `ATTENDEE;PARTSTAT=ACCEPTED:${me}`,
        ),
      ),
    )
    await account.put(
      'offsite.ics',
      calendarObject(vevent('offsite', 'DTSTART;VALUE=DATE:20270305', 'DTEND;VALUE=DATE:20270306')),
    )
    expect(await syncNow(app, host, integrationId)).toMatchObject({ status: 'synced', changes: 3 })
    expect(await missing(mt, '2027-03-03', '09:00', '17:00')).toEqual([
      ...halfHours('2027-03-03', '09:00', '10:00'),
      ...halfHours('2027-03-03', '13:00', '14:00'),
    ])
    expect(await slotStarts(app, mt, '2027-03-05')).toEqual([])
  })
})

describe.skipIf(!radicaleUrl())(
  'CalDAV polling: only what changed is fetched (Radicale behind a counting proxy)',
  () => {
    let proxy: CountingProxy

    beforeAll(async () => {
      proxy = await startCountingProxy()
    })

    afterAll(async () => {
      await proxy.close()
    })

    it('a poll without changes is one sync-collection; a changed event is picked up by the next poll with only that object fetched', async () => {
      const { host, mt, account, integrationId } = await connectedHost('UTC', {
        serverUrl: proxy.url,
      })
      for (const [name, hour] of [
        ['a', '09'],
        ['b', '11'],
        ['c', '13'],
      ] as const) {
        await account.put(
          `${name}.ics`,
          calendarObject(vevent(name, `DTSTART:20270302T${hour}0000Z`, `DURATION:PT1H`)),
        )
      }
      proxy.requests.length = 0
      // First sync: the calendar's sync-token, then every object of the window in one query.
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 3,
      })
      expect(kinds(proxy.requests)).toEqual(['PROPFIND', 'REPORT calendar-query'])

      proxy.requests.length = 0
      const poll = await app.slotkitCalendars.sync(integrationId, { reason: 'poll' })
      expect(poll).toMatchObject({ status: 'synced', changes: 0 })
      expect(kinds(proxy.requests)).toEqual(['REPORT sync-collection'])

      // Another client moves b from 11:00 to 15:00.
      expect(
        await account.put(
          'b.ics',
          calendarObject(vevent('b', 'DTSTART:20270302T150000Z', 'DURATION:PT1H')),
          { replace: true },
        ),
      ).toBe(201)
      proxy.requests.length = 0
      const next = await app.slotkitCalendars.sync(integrationId, { reason: 'poll' })
      expect(next).toMatchObject({ status: 'synced', changes: 1 })
      expect(kinds(proxy.requests)).toEqual([
        'REPORT sync-collection',
        'REPORT calendar-multiget ×1',
      ])
      expect(proxy.requests[1]?.body).toContain(`/${account.username}/work/b.ics`)
      expect(await missing(mt, '2027-03-02', '09:00', '17:00')).toEqual([
        ...halfHours('2027-03-02', '09:00', '10:00'),
        ...halfHours('2027-03-02', '13:00', '14:00'),
        ...halfHours('2027-03-02', '15:00', '16:00'),
      ])
    })

    it('an occurrence deleted from a series afterwards frees its slot on the next poll', async () => {
      const { host, mt, account, integrationId } = await connectedHost('UTC', {
        serverUrl: proxy.url,
      })
      const series = (...extra: string[]) =>
        calendarObject(
          vevent(
            'daily',
            'DTSTART:20270301T120000Z',
            'DTEND:20270301T130000Z',
            'RRULE:FREQ=DAILY;COUNT=5',
            ...extra,
          ),
        )
      await account.put('daily.ics', series())
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 5,
      })
      expect(await missing(mt, '2027-03-03', '09:00', '17:00')).toEqual(
        halfHours('2027-03-03', '12:00', '13:00'),
      )
      await account.put('daily.ics', series('EXDATE:20270303T120000Z'), { replace: true })
      proxy.requests.length = 0
      // Only the row of 03-03 goes; the four others are unchanged and stay as they were.
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 1,
      })
      expect(kinds(proxy.requests)).toEqual([
        'REPORT sync-collection',
        'REPORT calendar-multiget ×1',
      ])
      expect(await missing(mt, '2027-03-03', '09:00', '17:00')).toEqual([])
      expect(await missing(mt, '2027-03-04', '09:00', '17:00')).toEqual(
        halfHours('2027-03-04', '12:00', '13:00'),
      )
    })

    it('a sync-token the server no longer knows makes a full sync', async () => {
      const { host, mt, account, integrationId } = await connectedHost('UTC', {
        serverUrl: proxy.url,
      })
      await account.put(
        'a.ics',
        calendarObject(vevent('a', 'DTSTART:20270302T090000Z', 'DURATION:PT1H')),
      )
      await syncNow(app, host, integrationId)
      await sql`UPDATE integration_calendars
                 SET sync_cursor = ${JSON.stringify({ v: 1, token: 'http://radicale.org/ns/sync/0000' })}
               WHERE integration_id = ${integrationId}`.execute(db)
      await account.put(
        'b.ics',
        calendarObject(vevent('b', 'DTSTART:20270302T110000Z', 'DURATION:PT1H')),
      )
      proxy.requests.length = 0
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 1,
      })
      expect(kinds(proxy.requests)).toEqual([
        'REPORT sync-collection',
        'PROPFIND',
        'REPORT calendar-query',
      ])
      expect(proxy.requests[0]?.status).toBe(403)
      expect(await missing(mt, '2027-03-02', '09:00', '17:00')).toEqual([
        ...halfHours('2027-03-02', '09:00', '10:00'),
        ...halfHours('2027-03-02', '11:00', '12:00'),
      ])
    })
  },
)

describe.skipIf(!radicaleUrl())(
  'CalDAV polling on a server without sync-tokens: ctag, then etags',
  () => {
    let proxy: CountingProxy

    beforeAll(async () => {
      proxy = await startCountingProxy()
      // The proxy strips <sync-token> from every PROPFIND: only the ctag and etags are left.
      proxy.hideSyncToken = true
    })

    afterAll(async () => {
      await proxy.close()
    })

    it('skips an unchanged calendar on its ctag and fetches only the object whose etag changed', async () => {
      const { host, mt, account, integrationId } = await connectedHost('UTC', {
        serverUrl: proxy.url,
      })
      for (const [name, hour] of [
        ['a', '09'],
        ['b', '11'],
      ] as const) {
        await account.put(
          `${name}.ics`,
          calendarObject(vevent(name, `DTSTART:20270302T${hour}0000Z`, 'DURATION:PT1H')),
        )
      }
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 2,
      })

      proxy.requests.length = 0
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 0,
      })
      expect(kinds(proxy.requests)).toEqual(['PROPFIND'])

      await account.put(
        'b.ics',
        calendarObject(vevent('b', 'DTSTART:20270302T140000Z', 'DURATION:PT1H')),
        { replace: true },
      )
      await account.remove('a.ics')
      proxy.requests.length = 0
      expect(await syncNow(app, host, integrationId)).toMatchObject({
        status: 'synced',
        changes: 2,
      })
      expect(kinds(proxy.requests)).toEqual([
        'PROPFIND',
        'REPORT calendar-query',
        'REPORT calendar-multiget ×1',
      ])
      // The etag listing asks for no calendar data.
      expect(proxy.requests[1]?.body).not.toContain('calendar-data')
      expect(await missing(mt, '2027-03-02', '09:00', '17:00')).toEqual(
        halfHours('2027-03-02', '14:00', '15:00'),
      )
    })
  },
)

describe.skipIf(!radicaleUrl())('a CalDAV password that stops working', () => {
  let mailing: FastifyInstance
  const sink = new SmtpSink()
  const schema = `pgboss_cdv${Date.now().toString(36)}`

  beforeAll(async () => {
    await sink.start()
    mailing = await startCaldavApp({
      clock,
      workers: true,
      queueSchema: schema,
      mailer: smtpMailer(sink.url),
    })
  })

  afterAll(async () => {
    await mailing.close()
    await dropSchema(db, schema)
    await sink.stop()
  })

  it('disconnects on 401 like a revoked grant: the host is e-mailed once, the stored busy times stay', async () => {
    const account = await newCaldavAccount()
    const host = await createHost(mailing, 'UTC')
    const mt = await createMeetingType(mailing, host)
    await account.put(
      'a.ics',
      calendarObject(vevent('a', 'DTSTART:20270302T100000Z', 'DURATION:PT1H')),
    )
    const connected = await connectCaldav(mailing, host, connectBody(account))
    expect(connected.statusCode).toBe(201)
    const id = connected.json().id
    // The connect's own sync job may be running: wait for a sync of ours.
    await until(async () => (await syncNow(mailing, host, id)).status === 'synced', 'a sync')

    // The owner changes the password (or revokes the app-specific one).
    await setRadicalePassword(inject('radicaleUsers'), account.username, 'changed-elsewhere')
    const result = await syncNow(mailing, host, id)
    expect(result.status).toBe('disconnected')
    expect(result.error).toMatch(/HTTP 401 .*refused the user name and password.*reconnect/)
    const listed = (
      await mailing.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    ).json().integrations[0]
    expect(listed).toMatchObject({ id, provider: 'caldav', status: 'disconnected' })

    await until(
      () => sink.messages.some((m) => m.raw.includes(account.username)),
      'the e-mail to the host',
    )
    const mails = sink.messages.filter((m) => m.raw.includes(account.username))
    expect(mails).toHaveLength(1)
    const mail = await parseMail(mails[0]!)
    expect(mail.subject).toContain('Reconnect your calendar: CalDAV')
    expect(mail.text).toContain('POST /api/integrations/caldav')
    expect(mails[0]!.raw).not.toContain(account.password)
    // The sealed password is gone; the busy time it synced still blocks.
    const row = await findIntegration(db, id)
    expect(
      await mailing.slotkitCalendars
        .tokens!.session(row!, mailing.slotkitCalendars.provider('caldav')!)
        .credentials(),
    ).toEqual({})
    const open = await slotStarts(mailing, mt, '2027-03-02')
    expect(open).not.toContain('2027-03-02T10:00:00+00:00')
    expect(open).toContain('2027-03-02T11:00:00+00:00')

    // Connecting again with the new password brings the same integration back.
    const again = await connectCaldav(mailing, host, {
      ...connectBody(account),
      password: 'changed-elsewhere',
    })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ id, status: 'active' })
  })
})
