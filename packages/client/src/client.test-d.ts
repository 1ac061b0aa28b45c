// Type tests of the public API: what callers see and what the compiler refuses.
import { describe, expectTypeOf, test } from 'vitest'
import {
  type Booking,
  type BookingList,
  type ClientErrorCode,
  type CreateBookingReply,
  createClient,
  createInviteeClient,
  type ErrorCode,
  type InviteeClient,
  isSlotkitApiError,
  isSlotkitTimeoutError,
  isSlotUnavailableError,
  type MeetingType,
  type PublicMeetingType,
  type Question,
  type Slot,
  type SlotkitClient,
  type SlotkitErrorCode,
  type SlotRejectionReason,
  type SlotsDayResult,
  type SlotsRangeResult,
  type Webhook,
} from './index'

declare const client: SlotkitClient
const ids = { meeting_type_id: 'm1', user_id: 'u1' }

describe('createClient', () => {
  test('takes a base URL and optional key, fetch, headers, timeout and retry policy', () => {
    expectTypeOf(
      createClient({ baseUrl: 'https://slots.example.com' }),
    ).toEqualTypeOf<SlotkitClient>()
    createClient({
      baseUrl: new URL('https://slots.example.com'),
      apiKey: 'key',
      fetch: (url, init) => fetch(url, init),
      headers: { 'x-app': 'demo' },
      timeoutMs: 5000,
      retry: { retries: 3, minDelayMs: 100, maxDelayMs: 2000 },
    })
    createClient({ baseUrl: 'https://slots.example.com', fetch, retry: false })
    // @ts-expect-error baseUrl is required
    createClient({ apiKey: 'key' })
    // @ts-expect-error retry takes options or false
    createClient({ baseUrl: 'x', retry: true })
  })

  test('exposes one group per resource', () => {
    expectTypeOf(client).toHaveProperty('users')
    expectTypeOf(client).toHaveProperty('availability')
    expectTypeOf(client).toHaveProperty('meetingTypes')
    expectTypeOf(client).toHaveProperty('slots')
    expectTypeOf(client).toHaveProperty('bookings')
    expectTypeOf(client).toHaveProperty('webhooks')
  })
})

describe('createInviteeClient', () => {
  test("has the invitee's calls only, and a full client is one too", () => {
    const invitee = createInviteeClient({ baseUrl: 'https://slots.example.com' })
    expectTypeOf(invitee).toEqualTypeOf<InviteeClient>()
    expectTypeOf(invitee.bookings.create).toEqualTypeOf(client.bookings.create)
    expectTypeOf(invitee.bookings.get).toEqualTypeOf(client.bookings.get)
    expectTypeOf(invitee.meetingTypes.get).toEqualTypeOf(client.meetingTypes.get)
    expectTypeOf(invitee.slots).toEqualTypeOf(client.slots)
    expectTypeOf(client).toExtend<InviteeClient>()
    // @ts-expect-error host calls are not there
    invitee.webhooks
    // @ts-expect-error nor a host's booking list
    invitee.bookings.list
    // @ts-expect-error nor meeting-type writes
    invitee.meetingTypes.create
  })
})

describe('responses are typed', () => {
  test('slots carry the wire strings and parsed instants', () => {
    expectTypeOf(
      client.slots.list({ ...ids, date: '2027-03-14', timezone: 'UTC' }),
    ).resolves.toEqualTypeOf<SlotsDayResult>()
    expectTypeOf(
      client.slots.listDays({
        ...ids,
        start_date: '2027-03-08',
        end_date: '2027-03-14',
        timezone: 'UTC',
      }),
    ).resolves.toEqualTypeOf<SlotsRangeResult>()
    expectTypeOf<SlotsDayResult['slots'][number]>().toEqualTypeOf<Slot>()
    expectTypeOf<SlotsRangeResult['days'][number]['slots'][number]>().toEqualTypeOf<Slot>()
    expectTypeOf<Slot['start']>().toEqualTypeOf<string>()
    expectTypeOf<Slot['startsAt']>().toEqualTypeOf<number>()
  })

  test('booking calls return bookings; create has the invitee links', () => {
    const body = {
      meeting_type_id: 'm1',
      start_time: '2027-03-15T09:00:00-04:00',
      invitee_name: 'Grace',
      invitee_email: 'grace@example.com',
      invitee_timezone: 'America/New_York',
    }
    expectTypeOf(client.bookings.create(body)).resolves.toEqualTypeOf<CreateBookingReply>()
    expectTypeOf(
      client.bookings.create({ ...body, locale: 'fr-FR' }),
    ).resolves.toEqualTypeOf<CreateBookingReply>()
    expectTypeOf(client.bookings.create).parameter(0).toHaveProperty('locale')
    expectTypeOf<CreateBookingReply['cancel_url']>().toEqualTypeOf<string>()
    expectTypeOf<Booking['cancel_url']>().toEqualTypeOf<string | undefined>()
    expectTypeOf(client.bookings.get('b1', { token: 't' })).resolves.toEqualTypeOf<Booking>()
    expectTypeOf(client.bookings.cancel('b1')).resolves.toEqualTypeOf<Booking>()
    expectTypeOf(
      client.bookings.reschedule('b1', { start_time: 'x' }),
    ).resolves.toEqualTypeOf<Booking>()
    expectTypeOf(client.bookings.list({ user_id: 'u1' })).resolves.toEqualTypeOf<BookingList>()
    expectTypeOf(client.bookings.listAll({ user_id: 'u1' })).toEqualTypeOf<AsyncIterable<Booking>>()
    expectTypeOf<Booking['status']>().toEqualTypeOf<'confirmed' | 'cancelled' | 'rescheduled'>()
  })

  test('meeting types: the host view and the public view differ', () => {
    expectTypeOf(client.meetingTypes.get('m1')).resolves.toEqualTypeOf<PublicMeetingType>()
    expectTypeOf(
      client.meetingTypes.update('m1', { slug: null }),
    ).resolves.toEqualTypeOf<MeetingType>()
    expectTypeOf<PublicMeetingType>().not.toHaveProperty('buffer_before_minutes')
    expectTypeOf<PublicMeetingType['host']>().toEqualTypeOf<{ name: string; time_zone: string }>()
  })

  test('webhooks', () => {
    expectTypeOf(client.webhooks.delete('w1')).resolves.toBeVoid()
    expectTypeOf(
      client.webhooks.update('w1', { is_active: false }),
    ).resolves.toEqualTypeOf<Webhook>()
    expectTypeOf(client.webhooks.create).parameter(0).toHaveProperty('events')
  })

  test('request() returns what the caller names', () => {
    expectTypeOf(client.request<{ ok: true }>('GET', '/healthz')).resolves.toEqualTypeOf<{
      ok: true
    }>()
    expectTypeOf(client.request('GET', '/healthz')).resolves.toBeUnknown()
  })
})

describe('requests are checked', () => {
  test('bodies must have their required fields and known values', () => {
    // @ts-expect-error invitee_timezone is missing
    client.bookings.create({
      meeting_type_id: 'm1',
      start_time: 'x',
      invitee_name: 'G',
      invitee_email: 'g@x.y',
    })
    client.bookings.create({
      meeting_type_id: 'm1',
      start_time: 'x',
      invitee_name: 'G',
      invitee_email: 'g@x.y',
      invitee_timezone: 'UTC',
      // @ts-expect-error a locale is a string (a BCP 47 tag)
      locale: ['fr'],
    })
    // @ts-expect-error a date or a date range, not neither
    client.slots.list({ meeting_type_id: 'm1', timezone: 'UTC' })
    // @ts-expect-error unknown webhook event
    client.webhooks.create({ user_id: 'u1', url: 'https://x.y', events: ['booking.deleted'] })
    // @ts-expect-error question types are a closed list
    const question: Question = { id: 'q', label: 'Q', type: 'file', required: true }
    client.meetingTypes.create({ ...ids, name: 'n', duration_minutes: 30, questions: [question] })
  })

  test('every call takes an AbortSignal and a per-call timeout', () => {
    const signal = new AbortController().signal
    client.users.get('u1', { signal, timeoutMs: 1000 })
    client.availability.set('u1', { rules: [] }, { signal })
    client.bookings.create(
      {
        meeting_type_id: 'm1',
        start_time: 'x',
        invitee_name: 'G',
        invitee_email: 'g@x.y',
        invitee_timezone: 'UTC',
      },
      { signal, idempotencyKey: 'order-42' },
    )
    // @ts-expect-error signal must be an AbortSignal
    client.users.get('u1', { signal: 'stop' })
  })
})

describe('errors', () => {
  test('codes are the server codes plus the client-only ones and UNKNOWN', () => {
    expectTypeOf<SlotkitErrorCode>().toEqualTypeOf<ErrorCode | ClientErrorCode | 'UNKNOWN'>()
    expectTypeOf<ClientErrorCode>().toEqualTypeOf<'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED'>()
  })

  test('guards narrow to the class with its fields', () => {
    const error: unknown = new Error('x')
    if (isSlotUnavailableError(error)) {
      expectTypeOf(error.reason).toEqualTypeOf<SlotRejectionReason>()
      expectTypeOf(error.alternatives).toEqualTypeOf<readonly Slot[]>()
      expectTypeOf(error.code).toEqualTypeOf<'SLOT_UNAVAILABLE'>()
    }
    if (isSlotkitTimeoutError(error)) {
      expectTypeOf(error.timeoutMs).toEqualTypeOf<number>()
      expectTypeOf(error.code).toEqualTypeOf<'TIMEOUT'>()
    }
    if (isSlotkitApiError(error)) {
      expectTypeOf(error.status).toEqualTypeOf<number>()
      expectTypeOf(error.code).toEqualTypeOf<SlotkitErrorCode>()
      expectTypeOf(error.details).toEqualTypeOf<Readonly<Record<string, unknown>> | undefined>()
    }
  })
})
