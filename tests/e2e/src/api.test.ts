// Every client method against the real server (buildApp + listen, embedded
// PostgreSQL), through the built @slotkit/client package.
import { randomUUID } from 'node:crypto'
import {
  createClient,
  isSlotkitApiError,
  isSlotUnavailableError,
  SlotkitApiError,
  type SlotkitClient,
  SlotUnavailableError,
} from '@slotkit/client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  ADMIN_TOKEN,
  bookingBody,
  createHost,
  type RunningApi,
  rejection,
  startApi,
  type TestHost,
} from './helpers'

let api: RunningApi
let admin: SlotkitClient
let anonymous: SlotkitClient

beforeAll(async () => {
  api = await startApi()
  admin = createClient({ baseUrl: api.baseUrl, apiKey: ADMIN_TOKEN })
  anonymous = createClient({ baseUrl: api.baseUrl })
})
afterAll(async () => {
  await api?.close()
})

/** The query parameter `token` of an invitee link. */
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? ''

describe('users', () => {
  test('an admin creates a host; the host reads and updates itself', async () => {
    const email = `ada-${randomUUID()}@example.com`
    const created = await admin.users.create({ email, name: 'Ada', time_zone: 'Europe/London' })
    expect(created).toMatchObject({ email, name: 'Ada', time_zone: 'Europe/London' })
    expect(created.api_key.length).toBeGreaterThan(10)

    const host = createClient({ baseUrl: api.baseUrl, apiKey: created.api_key })
    expect(await host.users.get(created.id)).toEqual({
      id: created.id,
      email,
      name: 'Ada',
      time_zone: 'Europe/London',
    })
    const updated = await host.users.update(created.id, { name: 'Ada Lovelace' })
    expect(updated.name).toBe('Ada Lovelace')
    expect((await admin.users.get(created.id)).name).toBe('Ada Lovelace')
  })

  test('no key is UNAUTHORIZED (401); another host’s key is FORBIDDEN (403)', async () => {
    const { user } = await createHost(api.baseUrl)
    const other = await createHost(api.baseUrl)
    expect(await rejection(anonymous.users.get(user.id))).toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    })
    expect(await rejection(other.client.users.get(user.id))).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    })
  })

  test('an unknown id is NOT_FOUND (404)', async () => {
    const error = await rejection(admin.users.get(randomUUID()))
    expect(error).toBeInstanceOf(SlotkitApiError)
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' })
  })

  test('a host creates, lists and revokes its API keys; a revoked key is refused', async () => {
    const { user, client } = await createHost(api.baseUrl)
    const created = await client.users.createApiKey(user.id)
    expect(created.api_key.startsWith(created.prefix)).toBe(true)
    const second = createClient({ baseUrl: api.baseUrl, apiKey: created.api_key })
    expect((await second.users.get(user.id)).id).toBe(user.id)
    const { api_keys } = await second.users.listApiKeys(user.id)
    expect(api_keys.map((key) => key.id)).toContain(created.id)
    expect(api_keys).toHaveLength(2)

    expect(await client.users.revokeApiKey(user.id, created.id)).toBeUndefined()
    expect(await rejection(second.users.get(user.id))).toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    })

    // Rotation in one call: the new key works, the old one no longer does.
    const rotated = await client.users.createApiKey(user.id, { revoke_others: true })
    const next = createClient({ baseUrl: api.baseUrl, apiKey: rotated.api_key })
    expect((await next.users.listApiKeys(user.id)).api_keys.map((key) => key.id)).toEqual([
      rotated.id,
    ])
    expect(await rejection(client.users.get(user.id))).toMatchObject({ status: 401 })
    expect(await rejection(next.users.revokeApiKey(user.id, randomUUID()))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    })
  })
})

describe('availability', () => {
  test('set replaces the rules and overrides; get returns what was stored', async () => {
    const { user, client } = await createHost(api.baseUrl, 'Europe/Berlin')
    const stored = await client.availability.set(user.id, {
      rules: [{ day_of_week: 1, start_time: '09:00', end_time: '12:00' }],
      overrides: [{ date: '2027-03-19', intervals: [{ start_time: '10:00', end_time: '11:00' }] }],
    })
    expect(stored).toEqual({
      user_id: user.id,
      time_zone: 'Europe/Berlin',
      rules: [{ day_of_week: 1, start_time: '09:00', end_time: '12:00' }],
      overrides: [{ date: '2027-03-19', intervals: [{ start_time: '10:00', end_time: '11:00' }] }],
    })
    expect(await client.availability.get(user.id)).toEqual(stored)
  })

  test('overlapping windows are a 400 and change nothing', async () => {
    const { user, client } = await createHost(api.baseUrl)
    const before = await client.availability.get(user.id)
    const error = await rejection(
      client.availability.set(user.id, {
        rules: [
          { day_of_week: 2, start_time: '09:00', end_time: '12:00' },
          { day_of_week: 2, start_time: '11:00', end_time: '13:00' },
        ],
      }),
    )
    expect(isSlotkitApiError(error) && error.status).toBe(400)
    expect(await client.availability.get(user.id)).toEqual(before)
  })
})

describe('meeting types', () => {
  test('create, list, the public view, update and deactivate', async () => {
    const { user, client } = await createHost(api.baseUrl, 'Asia/Kolkata')
    const created = await client.meetingTypes.create({
      user_id: user.id,
      name: 'Deep dive',
      duration_minutes: 60,
      duration_options_minutes: [30],
      buffer_after_minutes: 15,
      questions: [{ id: 'topic', label: 'Topic', type: 'text', required: true }],
      slug: `deep-dive-${Date.now()}`,
    })
    expect(created).toMatchObject({
      user_id: user.id,
      duration_minutes: 60,
      buffer_after_minutes: 15,
      slot_interval_minutes: 60,
      is_active: true,
    })

    const { meeting_types } = await client.meetingTypes.list({ user_id: user.id })
    expect(meeting_types.map((mt) => mt.id)).toContain(created.id)

    const view = await anonymous.meetingTypes.get(created.id)
    expect(view).toMatchObject({
      id: created.id,
      name: 'Deep dive',
      duration_minutes: 60,
      duration_options_minutes: [30],
      host: { name: 'E2E Host', time_zone: 'Asia/Kolkata' },
    })
    expect(view).not.toHaveProperty('buffer_after_minutes')

    const updated = await client.meetingTypes.update(created.id, {
      name: 'Deeper dive',
      slug: null,
    })
    expect(updated).toMatchObject({ name: 'Deeper dive', slug: null })

    const deactivated = await client.meetingTypes.delete(created.id)
    expect(deactivated.is_active).toBe(false)
    expect(await rejection(anonymous.meetingTypes.get(created.id))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    })
  })
})

describe('slots', () => {
  let host: TestHost
  beforeAll(async () => {
    host = await createHost(api.baseUrl, 'America/New_York')
  })

  test('one day in the invitee’s zone, with wire strings and parsed instants', async () => {
    const day = await anonymous.slots.list({
      meeting_type_id: host.meetingType.id,
      date: '2027-03-15',
      timezone: 'America/New_York',
    })
    expect(day.date).toBe('2027-03-15')
    expect(day.timezone).toBe('America/New_York')
    expect(day.slots).toHaveLength(16) // 09:00–17:00, 30 minutes each
    expect(day.slots[0]).toEqual({
      start: '2027-03-15T09:00:00-04:00',
      end: '2027-03-15T09:30:00-04:00',
      startsAt: Date.parse('2027-03-15T13:00:00Z'),
      endsAt: Date.parse('2027-03-15T13:30:00Z'),
    })
  })

  test('a week across spring-forward (New York, 2027-03-14) changes the offset, not the hours', async () => {
    const week = await anonymous.slots.listDays({
      meeting_type_id: host.meetingType.id,
      start_date: '2027-03-10',
      end_date: '2027-03-16',
      timezone: 'America/New_York',
    })
    expect(week.days.map((day) => day.date)).toEqual([
      '2027-03-10',
      '2027-03-11',
      '2027-03-12',
      '2027-03-13',
      '2027-03-14',
      '2027-03-15',
      '2027-03-16',
    ])
    const firstStarts = week.days.map((day) => day.slots[0]?.start)
    expect(firstStarts[3]).toBe('2027-03-13T09:00:00-05:00')
    expect(firstStarts[4]).toBe('2027-03-14T09:00:00-04:00')
    const [saturday, sunday] = [week.days[3]!.slots[0]!, week.days[4]!.slots[0]!]
    // 24 hours of wall clock, 23 hours of real time.
    expect(sunday.startsAt - saturday.startsAt).toBe(23 * 3_600_000)
  })

  test('the same slots seen from another zone (Asia/Kolkata, +05:30)', async () => {
    const day = await anonymous.slots.list({
      meeting_type_id: host.meetingType.id,
      date: '2027-03-16',
      timezone: 'Asia/Kolkata',
    })
    // A Kolkata day spans two New York days: 00:00–02:30 IST is 14:30–17:00 EDT
    // on the 15th, and 18:30 IST is 09:00 EDT on the 16th.
    const starts = day.slots.map((slot) => slot.start.slice(11, 16))
    expect(starts.slice(0, 6)).toEqual(['00:00', '00:30', '01:00', '01:30', '02:00', '18:30'])
    expect(day.slots).toHaveLength(16)
    expect(day.slots.every((slot) => slot.start.endsWith('+05:30'))).toBe(true)
    expect(day.slots[5]?.startsAt).toBe(Date.parse('2027-03-16T09:00:00-04:00'))
  })
})

describe('integrations', () => {
  test('a host lists its calendar accounts; connecting Google or Microsoft unconfigured is 501', async () => {
    const { user, client } = await createHost(api.baseUrl)
    expect(await client.integrations.list()).toEqual({ integrations: [] })
    expect(await admin.integrations.list({ user_id: user.id })).toEqual({ integrations: [] })
    const error = await rejection(client.integrations.authorizeGoogle())
    expect(error).toMatchObject({ status: 501, code: 'INTEGRATION_NOT_CONFIGURED' })
    const microsoft = await rejection(client.integrations.authorizeMicrosoft())
    expect(microsoft).toMatchObject({
      status: 501,
      code: 'INTEGRATION_NOT_CONFIGURED',
      details: { provider: 'microsoft' },
    })
    expect(await rejection(anonymous.integrations.list())).toMatchObject({ status: 401 })
    expect(
      await rejection(client.integrations.sync('00000000-0000-4000-8000-000000000000')),
    ).toMatchObject({ status: 404, code: 'NOT_FOUND' })
  })

  test('connectCaldav reaches the server: with DATABASE_URL and no ENCRYPTION_KEY it is 503 naming the variable, storing nothing', async () => {
    const { client } = await createHost(api.baseUrl)
    const error = await rejection(
      client.integrations.connectCaldav({
        server_url: 'http://127.0.0.1:9/',
        username: 'alice',
        password: 'app-specific-password',
      }),
    )
    expect(error).toMatchObject({
      status: 503,
      code: 'ENCRYPTION_KEY_MISSING',
      details: { variable: 'ENCRYPTION_KEY' },
    })
    expect((error as Error).message).not.toContain('app-specific-password')
    // Validation runs first: a bad field is a 400 naming it.
    expect(
      await rejection(
        client.integrations.connectCaldav({
          server_url: 'caldav.example.com',
          username: 'alice',
          password: 'x',
        }),
      ),
    ).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' })
    expect(await client.integrations.list()).toEqual({ integrations: [] })
  })
})

describe('bookings', () => {
  test('create, get (host and invitee), list, listAll, reschedule and cancel', async () => {
    const { user, client, meetingType } = await createHost(api.baseUrl)
    const booking = await anonymous.bookings.create(
      bookingBody(meetingType.id, '2027-03-15T10:00:00-04:00'),
    )
    expect(booking).toMatchObject({
      status: 'confirmed',
      start_time: '2027-03-15T14:00:00Z',
      end_time: '2027-03-15T14:30:00Z',
      invitee_timezone: 'Europe/London',
      calendar_event_id: null,
    })
    expect(booking.cancel_url).toMatch(/^http/)
    expect(booking.reschedule_url).toMatch(/^http/)
    const token = tokenOf(booking.cancel_url)
    expect(token).not.toBe('')

    expect((await client.bookings.get(booking.id)).id).toBe(booking.id)
    expect((await anonymous.bookings.get(booking.id, { token })).id).toBe(booking.id)
    expect(await rejection(anonymous.bookings.get(booking.id))).toMatchObject({ status: 401 })
    expect(await rejection(anonymous.bookings.get(booking.id, { token: 'wrong' }))).toMatchObject({
      status: expect.any(Number),
    })

    const second = await anonymous.bookings.create(
      bookingBody(meetingType.id, '2027-03-16T11:00:00-04:00'),
    )
    const page = await client.bookings.list({
      user_id: user.id,
      from: '2027-03-15T00:00:00Z',
      to: '2027-03-20T00:00:00Z',
      limit: 1,
    })
    expect(page.bookings.map((b) => b.id)).toEqual([booking.id])
    expect(page.next_cursor).not.toBeNull()
    const all: string[] = []
    for await (const b of client.bookings.listAll({ user_id: user.id, limit: 1 })) all.push(b.id)
    expect(all).toEqual([booking.id, second.id])

    const moved = await anonymous.bookings.reschedule(
      booking.id,
      { start_time: '2027-03-17T15:00:00-04:00' },
      { token: tokenOf(booking.reschedule_url) },
    )
    expect(moved).toMatchObject({ status: 'confirmed', start_time: '2027-03-17T19:00:00Z' })

    const cancelled = await client.bookings.cancel(second.id, { reason: 'Conflict' })
    expect(cancelled.status).toBe('cancelled')
    const again = await rejection(client.bookings.cancel(second.id))
    expect(again).toMatchObject({ status: 409, code: 'BOOKING_NOT_ACTIVE' })
  })

  test('a taken slot is a SlotUnavailableError with reason CONFLICT and bookable alternatives', async () => {
    const { meetingType } = await createHost(api.baseUrl)
    const start = '2027-03-18T09:00:00-04:00'
    await anonymous.bookings.create(bookingBody(meetingType.id, start))
    const error = await rejection(anonymous.bookings.create(bookingBody(meetingType.id, start)))
    expect(error).toBeInstanceOf(SlotUnavailableError)
    if (!isSlotUnavailableError(error)) throw error
    expect(error).toMatchObject({ status: 409, code: 'SLOT_UNAVAILABLE', reason: 'CONFLICT' })
    expect(error.alternatives.length).toBeGreaterThan(0)
    expect(error.alternatives.length).toBeLessThanOrEqual(5)
    const [next] = error.alternatives
    expect(next!.startsAt).toBe(Date.parse(next!.start))
    expect(next!.start).not.toBe(start)
    const rebooked = await anonymous.bookings.create(bookingBody(meetingType.id, next!.start))
    expect(Date.parse(rebooked.start_time)).toBe(next!.startsAt)
  })

  test('too soon, outside availability: the reason says why', async () => {
    const { meetingType } = await createHost(api.baseUrl)
    const outside = await rejection(
      anonymous.bookings.create(bookingBody(meetingType.id, '2027-03-18T20:00:00-04:00')),
    )
    expect(outside).toMatchObject({ code: 'SLOT_UNAVAILABLE', reason: 'OUTSIDE_AVAILABILITY' })
    const past = await rejection(
      anonymous.bookings.create(bookingBody(meetingType.id, '2027-02-26T10:00:00-05:00')),
    )
    expect(past).toMatchObject({ code: 'SLOT_UNAVAILABLE' })
  })

  test('rescheduling onto a taken slot rejects and leaves the booking as it was', async () => {
    const { client, meetingType } = await createHost(api.baseUrl)
    const a = await anonymous.bookings.create(
      bookingBody(meetingType.id, '2027-03-19T09:00:00-04:00'),
    )
    const b = await anonymous.bookings.create(
      bookingBody(meetingType.id, '2027-03-19T10:00:00-04:00'),
    )
    const error = await rejection(
      client.bookings.reschedule(a.id, { start_time: '2027-03-19T10:00:00-04:00' }),
    )
    expect(error).toMatchObject({ status: 409, code: 'SLOT_UNAVAILABLE' })
    expect(await client.bookings.get(a.id)).toMatchObject({
      status: 'confirmed',
      start_time: a.start_time,
    })
    expect(await client.bookings.get(b.id)).toMatchObject({ status: 'confirmed' })
  })

  test('an invalid e-mail is VALIDATION_FAILED (400) naming the field', async () => {
    const { meetingType } = await createHost(api.baseUrl)
    const error = await rejection(
      anonymous.bookings.create({
        ...bookingBody(meetingType.id, '2027-03-18T09:00:00-04:00'),
        invitee_email: 'not-an-email',
      }),
    )
    expect(error).toMatchObject({ status: 400 })
    expect(JSON.stringify(error) + (error as Error).message).toContain('invitee_email')
  })

  test('the same Idempotency-Key returns the same booking; with another body it is a 422', async () => {
    const { user, client, meetingType } = await createHost(api.baseUrl)
    const key = randomUUID()
    const body = bookingBody(meetingType.id, '2027-03-22T09:00:00-04:00')
    const first = await anonymous.bookings.create(body, { idempotencyKey: key })
    const second = await anonymous.bookings.create(body, { idempotencyKey: key })
    expect(second.id).toBe(first.id)
    const reused = await rejection(
      anonymous.bookings.create({ ...body, invitee_name: 'Someone Else' }, { idempotencyKey: key }),
    )
    expect(reused).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' })
    const { bookings } = await client.bookings.list({ user_id: user.id })
    expect(bookings).toHaveLength(1)
  })
})

describe('webhooks', () => {
  test('create, list, update, delivery log and delete', async () => {
    const { user, client } = await createHost(api.baseUrl)
    const created = await client.webhooks.create({
      user_id: user.id,
      url: 'https://example.com/hooks/slotkit',
      events: ['booking.created'],
    })
    expect(created.secret.length).toBeGreaterThan(0)
    const { webhooks } = await client.webhooks.list({ user_id: user.id })
    expect(webhooks.map((w) => w.id)).toEqual([created.id])
    expect(webhooks[0]).not.toHaveProperty('secret')
    const updated = await client.webhooks.update(created.id, { events: ['booking.cancelled'] })
    expect(updated.events).toEqual(['booking.cancelled'])
    const log = await client.webhooks.listDeliveries(created.id)
    expect(Array.isArray(log.deliveries)).toBe(true)
    await client.webhooks.delete(created.id)
    expect((await client.webhooks.list({ user_id: user.id })).webhooks).toEqual([])
  })
})

describe('request()', () => {
  test('reaches routes without a typed method', async () => {
    const health = await anonymous.request<Record<string, unknown>>('GET', '/healthz')
    expect(health).toBeTypeOf('object')
  })
})

describe('coverage', () => {
  // Which client call wraps each API operation. When the server grows a
  // route, this test names it, so the client grows a typed method with it
  // (issue 5: "every endpoint the server has"). Operations listed here that the
  // server does not have yet (the webhooks of issue 4) are fine.
  const CLIENT_CALLS: Record<string, string> = {
    'POST /api/users': 'users.create',
    'GET /api/users/{id}': 'users.get',
    'PATCH /api/users/{id}': 'users.update',
    'POST /api/users/{id}/api-keys': 'users.createApiKey',
    'GET /api/users/{id}/api-keys': 'users.listApiKeys',
    'DELETE /api/users/{id}/api-keys/{key_id}': 'users.revokeApiKey',
    'GET /api/users/{id}/availability': 'availability.get',
    'PUT /api/users/{id}/availability': 'availability.set',
    'POST /api/meeting-types': 'meetingTypes.create',
    'GET /api/meeting-types': 'meetingTypes.list',
    'GET /api/meeting-types/{id}': 'meetingTypes.get',
    'PATCH /api/meeting-types/{id}': 'meetingTypes.update',
    'DELETE /api/meeting-types/{id}': 'meetingTypes.delete',
    'GET /api/availability/slots': 'slots.list, slots.listDays',
    'POST /api/bookings': 'bookings.create',
    'GET /api/bookings': 'bookings.list, bookings.listAll',
    'GET /api/bookings/{id}': 'bookings.get',
    'POST /api/bookings/{id}/cancel': 'bookings.cancel',
    'POST /api/bookings/{id}/reschedule': 'bookings.reschedule',
    'POST /api/webhooks': 'webhooks.create',
    'GET /api/webhooks': 'webhooks.list',
    'PATCH /api/webhooks/{id}': 'webhooks.update',
    'DELETE /api/webhooks/{id}': 'webhooks.delete',
    'GET /api/webhooks/{id}/deliveries': 'webhooks.listDeliveries',
    'GET /api/openapi.json': 'not wrapped: the API description itself',
    'GET /api/admin/jobs': 'admin.listJobs',
    'POST /api/admin/jobs/{id}/retry': 'admin.retryJob',
    'POST /api/integrations/google/authorize': 'integrations.authorizeGoogle',
    'POST /api/integrations/caldav': 'integrations.connectCaldav',
    'GET /api/integrations': 'integrations.list',
    'PATCH /api/integrations/{id}': 'integrations.update',
    'DELETE /api/integrations/{id}': 'integrations.delete',
    'POST /api/integrations/{id}/sync': 'integrations.sync',
    'GET /api/integrations/google/start':
      'not wrapped: the page authorization_url opens in the host’s browser',
    'GET /api/integrations/google/callback': 'not wrapped: where Google sends the browser back',
    'POST /api/integrations/google/notifications': 'not wrapped: Google’s push notifications',
    'POST /api/integrations/microsoft/authorize': 'integrations.authorizeMicrosoft',
    'GET /api/integrations/microsoft/start':
      'not wrapped: the page authorization_url opens in the host’s browser',
    'GET /api/integrations/microsoft/callback':
      'not wrapped: where Microsoft sends the browser back',
    'POST /api/integrations/microsoft/notifications':
      'not wrapped: Microsoft Graph’s change and lifecycle notifications',
  }

  test('every operation of the server’s OpenAPI document has a client call', async () => {
    const document = await anonymous.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/openapi.json',
    )
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, methods]) =>
        Object.keys(methods)
          .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map((method) => `${method.toUpperCase()} ${path}`),
      )
    expect(operations.length).toBeGreaterThan(10)
    expect(operations.filter((operation) => !(operation in CLIENT_CALLS))).toEqual([])
  })
})

describe('admin jobs', () => {
  test('counts jobs per state, lists failed ones, and refuses hosts and unknown jobs', async () => {
    // A booking queues its confirmation e-mails and reminders with it.
    const { client } = await createHost(api.baseUrl)
    const { counts, jobs } = await admin.admin.listJobs({ state: 'failed' })
    expect(Object.keys(counts).sort()).toEqual(
      ['active', 'cancelled', 'completed', 'created', 'failed', 'retry'].sort(),
    )
    for (const job of jobs) expect(job.state).toBe('failed')
    expect(await rejection(admin.admin.retryJob(randomUUID()))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    })
    expect(await rejection(client.admin.listJobs())).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    })
  })
})
