import { getEventListeners } from 'node:events'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  dropConnection,
  sendJson,
  startTestServer,
  type TestHandler,
  type TestServer,
} from '../test/test-server'
import {
  createClient,
  createInviteeClient,
  isSlotkitAbortError,
  isSlotkitApiError,
  isSlotkitNetworkError,
  isSlotkitTimeoutError,
  isSlotUnavailableError,
  SlotkitAbortError,
  SlotkitApiError,
  SlotkitNetworkError,
  SlotkitTimeoutError,
  SlotUnavailableError,
} from './index'

const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 5 }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const MEETING_TYPE_ID = '3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b'
const bookingBody = {
  meeting_type_id: MEETING_TYPE_ID,
  start_time: '2027-03-15T09:00:00-04:00',
  invitee_name: 'Grace Hopper',
  invitee_email: 'grace@example.com',
  invitee_timezone: 'America/New_York',
}

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(handler: TestHandler): Promise<TestServer> {
  server = await startTestServer(handler)
  return server
}

/** Resolves with what `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to reject')
}

/** A handler that never answers (the client's deadline or signal must end the call). */
const hang: TestHandler = () => {}

describe('requests', () => {
  test('sends JSON with the API key, client headers and per-call headers', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 200, {
        id: 'u 1/2',
        email: 'a@example.com',
        name: 'Ada',
        time_zone: 'UTC',
      }),
    )
    const client = createClient({
      baseUrl,
      apiKey: 'key-1',
      headers: { 'x-app': 'demo', 'x-who': 'client' },
    })
    const user = await client.users.update(
      'u 1/2',
      { name: 'Ada' },
      { headers: { 'x-who': 'call' } },
    )
    expect(user.name).toBe('Ada')
    const [seen] = requests
    expect(seen?.method).toBe('PATCH')
    expect(seen?.url).toBe('/api/users/u%201%2F2')
    expect(seen?.headers).toMatchObject({
      authorization: 'Bearer key-1',
      accept: 'application/json',
      'content-type': 'application/json',
      'x-app': 'demo',
      'x-who': 'call',
    })
    expect(JSON.parse(seen?.body ?? '')).toEqual({ name: 'Ada' })
  })

  test('keeps a path prefix of the base URL and leaves out undefined query values', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 200, { bookings: [], next_cursor: null }),
    )
    const client = createClient({ baseUrl: `${baseUrl}/scheduling/` })
    await client.bookings.list({
      user_id: 'u1',
      from: '2027-03-01T00:00:00Z',
      cursor: undefined,
      limit: 10,
    })
    expect(requests[0]?.url).toBe(
      '/scheduling/api/bookings?user_id=u1&from=2027-03-01T00%3A00%3A00Z&limit=10',
    )
    expect(requests[0]?.headers.authorization).toBeUndefined()
    expect(requests[0]?.headers['content-type']).toBeUndefined()
  })

  test('rejects a base URL that cannot be parsed when the client is created', () => {
    expect(() => createClient({ baseUrl: 'not a url' })).toThrow(TypeError)
  })

  test('returns undefined for 204 No Content', async () => {
    const { baseUrl, requests } = await serve((_, response) => {
      response.writeHead(204)
      response.end()
    })
    const client = createClient({ baseUrl })
    await expect(client.webhooks.delete('w1')).resolves.toBeUndefined()
    expect(requests[0]).toMatchObject({ method: 'DELETE', url: '/api/webhooks/w1' })
  })

  test('integrations calls reach their routes with the documented bodies', async () => {
    const { baseUrl, requests } = await serve((_, response) => sendJson(response, 200, {}))
    const client = createClient({ baseUrl, apiKey: 'sk_host' })
    await client.integrations.authorizeGoogle()
    await client.integrations.authorizeGoogle({ return_url: 'https://app.example.com/cal' })
    await client.integrations.authorizeMicrosoft()
    await client.integrations.authorizeMicrosoft({ user_id: 'u1' })
    await client.integrations.list()
    await client.integrations.update('i/1', { busy_calendar_ids: ['a@example.com'] })
    await client.integrations.sync('i1')
    await client.integrations.delete('i1')
    expect(requests.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      'POST /api/integrations/google/authorize {}',
      'POST /api/integrations/google/authorize {"return_url":"https://app.example.com/cal"}',
      'POST /api/integrations/microsoft/authorize {}',
      'POST /api/integrations/microsoft/authorize {"user_id":"u1"}',
      'GET /api/integrations ',
      'PATCH /api/integrations/i%2F1 {"busy_calendar_ids":["a@example.com"]}',
      'POST /api/integrations/i1/sync ',
      'DELETE /api/integrations/i1 ',
    ])
    expect(requests.every((r) => r.headers.authorization === 'Bearer sk_host')).toBe(true)
  })

  test("sends the invitee's token as ?token= on get, cancel and reschedule", async () => {
    const { baseUrl, requests } = await serve((_, response) => sendJson(response, 200, {}))
    const client = createClient({ baseUrl })
    await client.bookings.get('b1', { token: 't/1' })
    await client.bookings.cancel('b1', undefined, { token: 't/1' })
    await client.bookings.reschedule('b1', { start_time: '2027-03-15T13:00:00Z' }, { token: 't/1' })
    expect(requests.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      'GET /api/bookings/b1?token=t%2F1 ',
      'POST /api/bookings/b1/cancel?token=t%2F1 {}',
      'POST /api/bookings/b1/reschedule?token=t%2F1 {"start_time":"2027-03-15T13:00:00Z"}',
    ])
  })

  test('uses the fetch passed in, called as a plain function', async () => {
    const { baseUrl } = await serve((_, response) => sendJson(response, 200, { webhooks: [] }))
    const seen: string[] = []
    const client = createClient({
      baseUrl,
      fetch: function (this: unknown, url, init) {
        seen.push(`${init.method} ${url} ${this === undefined}`)
        return fetch(url, init)
      },
    })
    await client.webhooks.list({ user_id: 'u1' })
    expect(seen).toEqual([`GET ${baseUrl}/api/webhooks?user_id=u1 true`])
  })

  test('request() reaches routes without a typed method', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 200, { jobs: [] }),
    )
    const client = createClient({ baseUrl, apiKey: 'admin' })
    const reply = await client.request<{ jobs: unknown[] }>('GET', '/api/admin/jobs', {
      query: { state: 'failed', limit: undefined },
    })
    expect(reply.jobs).toEqual([])
    expect(requests[0]?.url).toBe('/api/admin/jobs?state=failed')
  })
})

describe('the invitee client', () => {
  test("makes the invitee's calls on the same paths, with the token, retries and Idempotency-Key", async () => {
    const { baseUrl, requests } = await serve((request, response, attempt) => {
      // The first GET of the booking fails once: the invitee client retries reads too.
      if (attempt === 2) return sendJson(response, 503, { error: 'INTERNAL', message: 'x' })
      sendJson(response, request.method === 'POST' ? 201 : 200, { id: 'b1' })
    })
    const client = createInviteeClient({ baseUrl, retry: fast })
    await client.meetingTypes.get(MEETING_TYPE_ID)
    await client.bookings.get('b1', { token: 'tok' })
    await client.bookings.create(bookingBody)
    await client.bookings.cancel('b1', { reason: 'ill' }, { token: 'tok' })
    await client.bookings.reschedule(
      'b1',
      { start_time: '2027-03-16T09:00:00-04:00' },
      { token: 'tok' },
    )
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /api/meeting-types/${MEETING_TYPE_ID}`,
      'GET /api/bookings/b1?token=tok',
      'GET /api/bookings/b1?token=tok',
      'POST /api/bookings',
      'POST /api/bookings/b1/cancel?token=tok',
      'POST /api/bookings/b1/reschedule?token=tok',
    ])
    expect(requests[3]?.headers['idempotency-key']).toMatch(UUID)
    expect(JSON.parse(requests[4]?.body ?? '')).toEqual({ reason: 'ill' })
  })

  test('has none of the host calls', () => {
    const client = createInviteeClient({ baseUrl: 'https://slots.example.com' })
    expect(Object.keys(client).sort()).toEqual(['bookings', 'meetingTypes', 'slots'])
    expect(Object.keys(client.bookings).sort()).toEqual(['cancel', 'create', 'get', 'reschedule'])
    expect(Object.keys(client.meetingTypes)).toEqual(['get'])
  })
})

describe('parsed helpers', () => {
  test('slots.list adds startsAt/endsAt to each slot and keeps the wire strings', async () => {
    // 2027-03-14 is spring-forward day in New York: the offset is already -04:00 at 09:00.
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 200, {
        date: '2027-03-14',
        timezone: 'America/New_York',
        slots: [{ start: '2027-03-14T09:00:00-04:00', end: '2027-03-14T09:30:00-04:00' }],
      }),
    )
    const client = createClient({ baseUrl })
    const day = await client.slots.list({
      meeting_type_id: MEETING_TYPE_ID,
      date: '2027-03-14',
      timezone: 'America/New_York',
    })
    expect(requests[0]?.url).toBe(
      `/api/availability/slots?meeting_type_id=${MEETING_TYPE_ID}&date=2027-03-14&timezone=America%2FNew_York`,
    )
    expect(day.slots).toEqual([
      {
        start: '2027-03-14T09:00:00-04:00',
        end: '2027-03-14T09:30:00-04:00',
        startsAt: Date.UTC(2027, 2, 14, 13, 0),
        endsAt: Date.UTC(2027, 2, 14, 13, 30),
      },
    ])
  })

  test('slots.listDays parses every day, empty days included', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 200, {
        timezone: 'Asia/Kolkata',
        days: [
          { date: '2027-03-08', slots: [] },
          {
            date: '2027-03-09',
            slots: [{ start: '2027-03-09T09:30:00+05:30', end: '2027-03-09T10:00:00+05:30' }],
          },
        ],
      }),
    )
    const client = createClient({ baseUrl })
    const range = await client.slots.listDays({
      meeting_type_id: MEETING_TYPE_ID,
      start_date: '2027-03-08',
      end_date: '2027-03-09',
      timezone: 'Asia/Kolkata',
      duration: 30,
    })
    expect(requests[0]?.url).toContain('start_date=2027-03-08&end_date=2027-03-09')
    expect(requests[0]?.url).toContain('duration=30')
    expect(range.days[0]?.slots).toEqual([])
    expect(range.days[1]?.slots[0]?.startsAt).toBe(Date.UTC(2027, 2, 9, 4, 0))
  })

  test('bookings.listAll follows next_cursor to the last page', async () => {
    const { baseUrl, requests } = await serve((request, response) => {
      const cursor = new URL(request.url, 'http://x').searchParams.get('cursor')
      if (cursor === null) sendJson(response, 200, { bookings: [{ id: 'b1' }], next_cursor: 'c2' })
      else sendJson(response, 200, { bookings: [{ id: 'b2' }, { id: 'b3' }], next_cursor: null })
    })
    const client = createClient({ baseUrl })
    const ids: string[] = []
    for await (const booking of client.bookings.listAll({ user_id: 'u1' })) ids.push(booking.id)
    expect(ids).toEqual(['b1', 'b2', 'b3'])
    expect(requests.map((r) => r.url)).toEqual([
      '/api/bookings?user_id=u1',
      '/api/bookings?user_id=u1&cursor=c2',
    ])
  })
})

describe('error replies', () => {
  test('maps an error reply to SlotkitApiError with status, code, message and details', async () => {
    const { baseUrl } = await serve((_, response) =>
      sendJson(response, 400, {
        error: 'VALIDATION_FAILED',
        message: 'invitee_email: not an e-mail address',
        details: { field: 'invitee_email' },
      }),
    )
    const client = createClient({ baseUrl })
    const error = await rejection(client.bookings.create(bookingBody))
    expect(error).toBeInstanceOf(SlotkitApiError)
    expect(isSlotkitApiError(error)).toBe(true)
    expect(isSlotUnavailableError(error)).toBe(false)
    expect(error).toMatchObject({
      name: 'SlotkitApiError',
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'invitee_email: not an e-mail address',
      details: { field: 'invitee_email' },
      rawCode: undefined,
    })
  })

  test('maps a 409 SLOT_UNAVAILABLE to SlotUnavailableError with reason and parsed alternatives', async () => {
    const alternatives = [
      { start: '2027-03-15T09:30:00-04:00', end: '2027-03-15T10:00:00-04:00' },
      { start: '2027-03-15T10:00:00-04:00', end: '2027-03-15T10:30:00-04:00' },
    ]
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 409, {
        error: 'SLOT_UNAVAILABLE',
        message: 'This slot was just booked',
        reason: 'CONFLICT',
        alternatives,
      }),
    )
    const client = createClient({ baseUrl, retry: fast })
    const error = await rejection(client.bookings.create(bookingBody))
    expect(requests).toHaveLength(1)
    expect(error).toBeInstanceOf(SlotUnavailableError)
    if (!isSlotUnavailableError(error)) throw error
    expect(error.status).toBe(409)
    expect(error.code).toBe('SLOT_UNAVAILABLE')
    expect(error.reason).toBe('CONFLICT')
    expect(error.alternatives).toEqual([
      {
        ...alternatives[0],
        startsAt: Date.UTC(2027, 2, 15, 13, 30),
        endsAt: Date.UTC(2027, 2, 15, 14),
      },
      {
        ...alternatives[1],
        startsAt: Date.UTC(2027, 2, 15, 14),
        endsAt: Date.UTC(2027, 2, 15, 14, 30),
      },
    ])
  })

  test('reports a code this client does not know as UNKNOWN and keeps it in rawCode', async () => {
    const { baseUrl } = await serve((_, response) =>
      sendJson(response, 418, { error: 'TEAPOT_REFUSED', message: 'No coffee' }),
    )
    const error = await rejection(createClient({ baseUrl }).users.get('u1'))
    expect(error).toMatchObject({
      status: 418,
      code: 'UNKNOWN',
      rawCode: 'TEAPOT_REFUSED',
      message: 'No coffee',
    })
  })

  test("reports a proxy's HTML error page as UNKNOWN with the HTTP status", async () => {
    const { baseUrl } = await serve((_, response) => {
      response.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' })
      response.end('<html><body>Bad Gateway</body></html>')
    })
    const error = await rejection(createClient({ baseUrl, retry: false }).users.get('u1'))
    expect(error).toMatchObject({ status: 502, code: 'UNKNOWN', message: 'HTTP 502 Bad Gateway' })
  })

  test('rejects a 2xx reply that is not JSON with code UNKNOWN', async () => {
    const { baseUrl } = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end('hello')
    })
    const error = await rejection(createClient({ baseUrl }).users.get('u1'))
    expect(error).toMatchObject({ status: 200, code: 'UNKNOWN' })
  })
})

describe('retries', () => {
  test('retries a GET after 503 replies and returns the later success', async () => {
    const { baseUrl, requests } = await serve((_, response, attempt) =>
      attempt < 3
        ? sendJson(response, 503, { error: 'SERVICE_UNAVAILABLE', message: 'starting' })
        : sendJson(response, 200, { webhooks: [] }),
    )
    const client = createClient({ baseUrl, retry: fast })
    await expect(client.webhooks.list({ user_id: 'u1' })).resolves.toEqual({ webhooks: [] })
    expect(requests).toHaveLength(3)
  })

  test('gives up after the configured retries with the last 5xx error', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 500, { error: 'INTERNAL', message: 'Internal error' }),
    )
    const client = createClient({ baseUrl, retry: { ...fast, retries: 3 } })
    const error = await rejection(client.meetingTypes.get(MEETING_TYPE_ID))
    expect(error).toMatchObject({ status: 500, code: 'INTERNAL' })
    expect(requests).toHaveLength(4)
  })

  test("waits for the server's Retry-After, capped at maxDelayMs", async () => {
    const { baseUrl, requests } = await serve((_, response, attempt) =>
      attempt === 1
        ? sendJson(
            response,
            503,
            { error: 'SERVICE_UNAVAILABLE', message: 'busy' },
            { 'retry-after': '1' },
          )
        : sendJson(response, 200, { meeting_types: [] }),
    )
    const client = createClient({ baseUrl, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 150 } })
    const started = performance.now()
    await client.meetingTypes.list({ user_id: 'u1' })
    const elapsed = performance.now() - started
    expect(requests).toHaveLength(2)
    expect(elapsed).toBeGreaterThanOrEqual(140)
    expect(elapsed).toBeLessThan(900)
  })

  test('never retries a 4xx', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 429, { error: 'RATE_LIMITED', message: 'Slow down' }),
    )
    const client = createClient({ baseUrl, retry: fast })
    const error = await rejection(
      client.slots.list({ meeting_type_id: 'm', date: '2027-03-15', timezone: 'UTC' }),
    )
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED' })
    expect(requests).toHaveLength(1)
  })

  test('does not retry POST, PATCH or DELETE calls other than booking creation', async () => {
    const { baseUrl, requests } = await serve((request, response) =>
      request.method === 'GET'
        ? sendJson(response, 200, {})
        : sendJson(response, 503, { error: 'SERVICE_UNAVAILABLE', message: 'down' }),
    )
    const client = createClient({ baseUrl, retry: fast })
    const calls = [
      client.users.create({ email: 'a@example.com', name: 'A', time_zone: 'UTC' }),
      client.users.update('u1', { name: 'B' }),
      client.meetingTypes.create({ user_id: 'u1', name: 'Intro', duration_minutes: 30 }),
      client.meetingTypes.update('m1', { name: 'Intro' }),
      client.meetingTypes.delete('m1'),
      client.bookings.cancel('b1'),
      client.bookings.reschedule('b1', { start_time: '2027-03-15T13:00:00Z' }),
      client.webhooks.create({
        user_id: 'u1',
        url: 'https://example.com/h',
        events: ['booking.created'],
      }),
      client.webhooks.update('w1', { is_active: false }),
      client.webhooks.delete('w1'),
    ]
    const settled = await Promise.allSettled(calls)
    for (const result of settled)
      expect(result).toMatchObject({ status: 'rejected', reason: { status: 503 } })
    expect(requests).toHaveLength(calls.length)
  })

  test('retries booking creation after a dropped connection, with the same Idempotency-Key and body', async () => {
    const { baseUrl, requests } = await serve((_, response, attempt) =>
      attempt === 1
        ? dropConnection(response)
        : sendJson(response, 201, { id: 'b1', status: 'confirmed' }),
    )
    const client = createClient({ baseUrl, retry: fast })
    const booking = await client.bookings.create(bookingBody)
    expect(booking.id).toBe('b1')
    expect(requests).toHaveLength(2)
    const [first, second] = requests
    expect(first?.headers['idempotency-key']).toMatch(UUID)
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key'])
    expect(second?.body).toBe(first?.body)
  })

  test('retries booking creation after a 5xx reply', async () => {
    const { baseUrl, requests } = await serve((_, response, attempt) =>
      attempt === 1
        ? sendJson(response, 500, { error: 'INTERNAL', message: 'oops' })
        : sendJson(response, 201, { id: 'b1' }),
    )
    await createClient({ baseUrl, retry: fast }).bookings.create(bookingBody)
    expect(requests).toHaveLength(2)
  })

  test('sends a new Idempotency-Key per call unless the caller passes one', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 201, { id: 'b1' }),
    )
    const client = createClient({ baseUrl })
    await client.bookings.create(bookingBody)
    await client.bookings.create(bookingBody)
    await client.bookings.create(bookingBody, { idempotencyKey: 'order-42' })
    const keys = requests.map((r) => r.headers['idempotency-key'])
    expect(keys[0]).not.toBe(keys[1])
    expect(keys[2]).toBe('order-42')
  })

  test('makes a v4 UUID from getRandomValues where randomUUID is missing (insecure browser pages)', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 201, { id: 'b1' }),
    )
    const { getRandomValues } = globalThis.crypto
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(globalThis.crypto) })
    try {
      await createClient({ baseUrl }).bookings.create(bookingBody)
    } finally {
      vi.unstubAllGlobals()
    }
    expect(requests[0]?.headers['idempotency-key']).toMatch(UUID)
  })

  test('retries a GET when the connection drops, then reports NETWORK_ERROR with status 0', async () => {
    const { baseUrl, requests } = await serve((_, response) => dropConnection(response))
    const client = createClient({ baseUrl, retry: fast })
    const error = await rejection(client.users.get('u1'))
    expect(error).toBeInstanceOf(SlotkitNetworkError)
    expect(isSlotkitNetworkError(error)).toBe(true)
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' })
    expect((error as Error).cause).toBeInstanceOf(Error)
    expect(requests.length).toBeGreaterThanOrEqual(3)
  })

  test('reports NETWORK_ERROR for a refused connection', async () => {
    const closed = await startTestServer(hang)
    await closed.close()
    const client = createClient({ baseUrl: closed.baseUrl, retry: false })
    const error = await rejection(client.users.get('u1'))
    expect(error).toMatchObject({ name: 'SlotkitNetworkError', status: 0, code: 'NETWORK_ERROR' })
  })

  test('retry: false turns retries off', async () => {
    const { baseUrl, requests } = await serve((_, response) => dropConnection(response))
    await rejection(createClient({ baseUrl, retry: false }).bookings.create(bookingBody))
    expect(requests).toHaveLength(1)
  })
})

describe('timeouts and aborts', () => {
  test('times out a reply that never comes with TIMEOUT', async () => {
    const { baseUrl } = await serve(hang)
    const client = createClient({ baseUrl, timeoutMs: 100 })
    const started = performance.now()
    const error = await rejection(client.users.get('u1'))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error).toBeInstanceOf(SlotkitTimeoutError)
    expect(isSlotkitTimeoutError(error)).toBe(true)
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT', timeoutMs: 100 })
  })

  test('times out a reply whose body stalls after the headers', async () => {
    const { baseUrl } = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"id":')
    })
    const error = await rejection(createClient({ baseUrl, timeoutMs: 100 }).users.get('u1'))
    expect(error).toMatchObject({ code: 'TIMEOUT' })
  })

  test('the deadline covers every attempt and the waits between them', async () => {
    const { baseUrl } = await serve((_, response) =>
      sendJson(response, 503, { error: 'SERVICE_UNAVAILABLE', message: 'down' }),
    )
    const client = createClient({
      baseUrl,
      timeoutMs: 300,
      retry: { retries: 10, minDelayMs: 200, maxDelayMs: 200 },
    })
    const started = performance.now()
    const error = await rejection(client.users.get('u1'))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error).toMatchObject({ code: 'TIMEOUT' })
  })

  test("a per-call timeoutMs overrides the client's", async () => {
    const { baseUrl } = await serve(hang)
    const client = createClient({ baseUrl, timeoutMs: 60_000 })
    const error = await rejection(client.users.get('u1', { timeoutMs: 50 }))
    expect(error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 50 })
  })

  test("aborts an in-flight call with ABORTED and the signal's reason as cause", async () => {
    const { baseUrl } = await serve(hang)
    const controller = new AbortController()
    const call = createClient({ baseUrl }).users.get('u1', { signal: controller.signal })
    setTimeout(() => controller.abort('user left'), 50)
    const error = await rejection(call)
    expect(error).toBeInstanceOf(SlotkitAbortError)
    expect(isSlotkitAbortError(error)).toBe(true)
    expect(error).toMatchObject({ status: 0, code: 'ABORTED', cause: 'user left' })
  })

  test('rejects at once for an already aborted signal, sending nothing', async () => {
    const { baseUrl, requests } = await serve((_, response) => sendJson(response, 200, {}))
    const error = await rejection(
      createClient({ baseUrl }).bookings.create(bookingBody, { signal: AbortSignal.abort() }),
    )
    expect(error).toMatchObject({ code: 'ABORTED' })
    expect(requests).toHaveLength(0)
  })

  test('aborts during the wait before a retry', async () => {
    const { baseUrl, requests } = await serve((_, response) =>
      sendJson(response, 503, { error: 'SERVICE_UNAVAILABLE', message: 'down' }),
    )
    const client = createClient({
      baseUrl,
      retry: { retries: 3, minDelayMs: 5000, maxDelayMs: 5000 },
    })
    const controller = new AbortController()
    const started = performance.now()
    setTimeout(() => controller.abort(), 100)
    const error = await rejection(client.users.get('u1', { signal: controller.signal }))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error).toMatchObject({ code: 'ABORTED' })
    expect(requests).toHaveLength(1)
  })

  test("removes its listener from the caller's signal when a call ends", async () => {
    const { baseUrl } = await serve((_, response) => sendJson(response, 200, {}))
    const client = createClient({ baseUrl })
    const controller = new AbortController()
    for (let i = 0; i < 5; i++) await client.users.get('u1', { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  test('a timeout is not reported as an abort, and an abort not as a timeout', async () => {
    const { baseUrl } = await serve(hang)
    const client = createClient({ baseUrl, timeoutMs: 50 })
    const controller = new AbortController()
    const timedOut = await rejection(client.users.get('u1', { signal: controller.signal }))
    expect(isSlotkitAbortError(timedOut)).toBe(false)
    expect(isSlotkitTimeoutError(timedOut)).toBe(true)
  })
})
