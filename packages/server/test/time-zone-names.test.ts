import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../src/db/database'
import {
  admin,
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  testConfig,
} from './helpers'

// Browsers and Node's ICU still report zones under names IANA has retired
// (Debian's Chromium says Asia/Katmandu; Node 20 turns Asia/Kolkata back into
// Asia/Calcutta). The API accepts both and keeps one: the current name.
describe('renamed IANA zones', () => {
  let app: FastifyInstance
  let db: Db
  beforeAll(async () => {
    app = await createTestApp()
    db = createDb({ connectionString: testConfig().databaseUrl! })
  })
  afterAll(async () => {
    await app.close()
    await db.destroy()
  })

  it('stores and returns a host created with Asia/Calcutta as Asia/Kolkata', async () => {
    const host = await createHost(app, 'Asia/Calcutta')
    const user = await app.inject({ url: `/api/users/${host.id}`, headers: bearer(host.apiKey) })
    expect(user.json().time_zone).toBe('Asia/Kolkata')
    const row = await db
      .selectFrom('users')
      .select('timeZone')
      .where('id', '=', host.id)
      .executeTakeFirstOrThrow()
    expect(row.timeZone).toBe('Asia/Kolkata')
    // The widget reads the host's zone from the public meeting type.
    const mt = await createMeetingType(app, host)
    const publicMt = await app.inject({ url: `/api/meeting-types/${mt}` })
    expect(publicMt.json().host.time_zone).toBe('Asia/Kolkata')
  })

  it('answers the create call with the current name, and a PATCH to Europe/Kiev stores Europe/Kyiv', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: {
        email: `zones-${Math.random().toString(36).slice(2)}@example.com`,
        name: 'Zone Host',
        time_zone: 'Asia/Calcutta',
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json().time_zone).toBe('Asia/Kolkata')
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/users/${created.json().id}`,
      headers: bearer(created.json().api_key),
      payload: { time_zone: 'Europe/Kiev' },
    })
    expect(patched.statusCode, patched.body).toBe(200)
    expect(patched.json().time_zone).toBe('Europe/Kyiv')
  })

  it('stores a booking made with Asia/Katmandu as Asia/Kathmandu', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-02T09:30:00-05:00', { invitee_timezone: 'Asia/Katmandu' }),
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().invitee_timezone).toBe('Asia/Kathmandu')
    const row = await db
      .selectFrom('bookings')
      .select('inviteeTimeZone')
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow()
    expect(row.inviteeTimeZone).toBe('Asia/Kathmandu')
    const got = await app.inject({
      url: `/api/bookings/${res.json().id}`,
      headers: bearer(host.apiKey),
    })
    expect(got.json().invitee_timezone).toBe('Asia/Kathmandu')
  })

  it('answers a slots query in Asia/Katmandu exactly as one in Asia/Kathmandu', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const slots = (zone: string) =>
      app.inject({
        url: `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-03&timezone=${zone}`,
      })
    const [old, current] = await Promise.all([slots('Asia/Katmandu'), slots('Asia/Kathmandu')])
    expect(old.statusCode, old.body).toBe(200)
    expect(old.json().timezone).toBe('Asia/Kathmandu')
    expect(old.json().slots[0].start).toMatch(/\+05:45$/)
    expect(old.body).toBe(current.body)
  })

  it('still refuses a zone that does not exist, naming the field', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-02T09:30:00-05:00', { invitee_timezone: 'Asia/Atlantis' }),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      error: 'INVALID_TIME_ZONE',
      details: { field: 'invitee_timezone' },
    })
  })
})
