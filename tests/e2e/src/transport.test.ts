// Retries, timeouts and aborts between the real client and the real server,
// with a TCP proxy in between that loses replies or holds them back.
import {
  createClient,
  isSlotkitAbortError,
  isSlotkitNetworkError,
  isSlotkitTimeoutError,
} from '@slotkit/client'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  bookingBody,
  createHost,
  headerOf,
  type RunningApi,
  rejection,
  startApi,
  startProxy,
  type TestProxy,
} from './helpers'

let api: RunningApi
let proxy: TestProxy | undefined
const fast = { retries: 2, minDelayMs: 10, maxDelayMs: 50 }

beforeAll(async () => {
  api = await startApi()
})
afterAll(async () => {
  await api?.close()
})
afterEach(async () => {
  await proxy?.close()
  proxy = undefined
})

describe('retries', () => {
  test('a booking whose reply is lost is retried and yields exactly one booking', async () => {
    const { user, client: host, meetingType } = await createHost(api.baseUrl)
    // The first connection reaches the server, which books and starts to reply;
    // the proxy then cuts the connection, so the client sees a network error.
    proxy = await startProxy(api.port, (n) => (n === 0 ? 'drop-reply' : 'pass'))
    const invitee = createClient({ baseUrl: proxy.baseUrl, retry: fast })

    const booking = await invitee.bookings.create(
      bookingBody(meetingType.id, '2027-03-15T11:00:00-04:00'),
    )

    expect(booking.status).toBe('confirmed')
    expect(proxy.requests).toHaveLength(2)
    const [first, second] = proxy.requests
    expect(first).toMatch(/^POST \/api\/bookings /)
    expect(second).toMatch(/^POST \/api\/bookings /)
    const key = headerOf(first!, 'idempotency-key')
    expect(key).toMatch(/^[0-9a-f-]{36}$/)
    expect(headerOf(second!, 'idempotency-key')).toBe(key)

    const { bookings } = await host.bookings.list({ user_id: user.id })
    expect(bookings.map((b) => b.id)).toEqual([booking.id])
  })

  test('a retry that races the first attempt on the server still yields one booking', async () => {
    const { user, client: host, meetingType } = await createHost(api.baseUrl)
    // The connection drops right after the request is forwarded, so the retry
    // (after a few milliseconds) may reach the server while it is still
    // booking the first attempt under the same Idempotency-Key.
    proxy = await startProxy(api.port, (n) => (n === 0 ? 'drop-request' : 'pass'))
    const invitee = createClient({
      baseUrl: proxy.baseUrl,
      retry: { retries: 4, minDelayMs: 1, maxDelayMs: 20 },
    })
    const booking = await invitee.bookings.create(
      bookingBody(meetingType.id, '2027-03-15T15:00:00-04:00'),
    )
    expect(booking.status).toBe('confirmed')
    expect(proxy.requests.length).toBeGreaterThanOrEqual(2)
    const { bookings } = await host.bookings.list({ user_id: user.id })
    expect(bookings.map((b) => b.id)).toEqual([booking.id])
  })

  test('without retries the lost reply surfaces as NETWORK_ERROR, yet the booking exists', async () => {
    const { user, client: host, meetingType } = await createHost(api.baseUrl)
    proxy = await startProxy(api.port, () => 'drop-reply')
    const invitee = createClient({ baseUrl: proxy.baseUrl, retry: false })
    const error = await rejection(
      invitee.bookings.create(bookingBody(meetingType.id, '2027-03-15T12:00:00-04:00')),
    )
    expect(isSlotkitNetworkError(error)).toBe(true)
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' })
    // Exactly why retries must carry the same Idempotency-Key.
    expect((await host.bookings.list({ user_id: user.id })).bookings).toHaveLength(1)
  })

  test('a GET whose connection drops is retried', async () => {
    const { meetingType } = await createHost(api.baseUrl)
    proxy = await startProxy(api.port, (n) => (n === 0 ? 'drop-reply' : 'pass'))
    const client = createClient({ baseUrl: proxy.baseUrl, retry: fast })
    const day = await client.slots.list({
      meeting_type_id: meetingType.id,
      date: '2027-03-15',
      timezone: 'America/New_York',
    })
    expect(day.slots.length).toBeGreaterThan(0)
    expect(proxy.requests).toHaveLength(2)
  })

  test('a server that is gone is NETWORK_ERROR after the retries', async () => {
    proxy = await startProxy(api.port, () => 'pass')
    const { baseUrl } = proxy
    await proxy.close()
    proxy = undefined
    const client = createClient({ baseUrl, retry: fast })
    const error = await rejection(client.users.get('00000000-0000-4000-8000-000000000000'))
    expect(error).toMatchObject({ name: 'SlotkitNetworkError', code: 'NETWORK_ERROR', status: 0 })
  })
})

describe('timeouts', () => {
  test('a reply slower than timeoutMs is TIMEOUT; retrying with the same key returns the booking made meanwhile', async () => {
    const { user, client: host, meetingType } = await createHost(api.baseUrl)
    proxy = await startProxy(api.port, (n) => (n === 0 ? { delayReplyMs: 2_000 } : 'pass'))
    const invitee = createClient({ baseUrl: proxy.baseUrl, timeoutMs: 300, retry: fast })
    const body = bookingBody(meetingType.id, '2027-03-15T13:00:00-04:00')
    const idempotencyKey = crypto.randomUUID()

    const started = performance.now()
    const error = await rejection(invitee.bookings.create(body, { idempotencyKey }))
    expect(performance.now() - started).toBeLessThan(1_500)
    expect(isSlotkitTimeoutError(error)).toBe(true)
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT', timeoutMs: 300 })

    // Timeouts are not retried automatically (the deadline is spent), but a
    // later call with the same key is safe: the server answers with the
    // booking it made for the first request.
    const booking = await invitee.bookings.create(body, { idempotencyKey })
    const { bookings } = await host.bookings.list({ user_id: user.id })
    expect(bookings.map((b) => b.id)).toEqual([booking.id])
  })

  test('a per-call timeoutMs overrides the client default', async () => {
    const { meetingType } = await createHost(api.baseUrl)
    proxy = await startProxy(api.port, () => ({ delayReplyMs: 1_000 }))
    const client = createClient({ baseUrl: proxy.baseUrl, timeoutMs: 60_000 })
    const error = await rejection(client.meetingTypes.get(meetingType.id, { timeoutMs: 100 }))
    expect(error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 100 })
  })
})

describe('aborts', () => {
  test('aborting an in-flight call rejects with ABORTED and the signal’s reason', async () => {
    const { meetingType } = await createHost(api.baseUrl)
    proxy = await startProxy(api.port, () => ({ delayReplyMs: 2_000 }))
    const client = createClient({ baseUrl: proxy.baseUrl })
    const controller = new AbortController()
    const call = client.slots.listDays(
      {
        meeting_type_id: meetingType.id,
        start_date: '2027-03-15',
        end_date: '2027-03-21',
        timezone: 'Europe/London',
      },
      { signal: controller.signal },
    )
    setTimeout(() => controller.abort('picked another week'), 100)
    const started = performance.now()
    const error = await rejection(call)
    expect(performance.now() - started).toBeLessThan(1_500)
    expect(isSlotkitAbortError(error)).toBe(true)
    expect(error).toMatchObject({ status: 0, code: 'ABORTED', cause: 'picked another week' })
  })

  test('an already aborted signal sends nothing', async () => {
    const { meetingType } = await createHost(api.baseUrl)
    proxy = await startProxy(api.port, () => 'pass')
    const client = createClient({ baseUrl: proxy.baseUrl })
    const error = await rejection(
      client.bookings.create(bookingBody(meetingType.id, '2027-03-15T14:00:00-04:00'), {
        signal: AbortSignal.abort(),
      }),
    )
    expect(error).toMatchObject({ code: 'ABORTED' })
    expect(proxy.requests).toHaveLength(0)
  })
})
