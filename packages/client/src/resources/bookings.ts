import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type {
  Booking,
  BookingList,
  CancelBookingBody,
  CreateBookingBody,
  CreateBookingReply,
  ListBookingsQuery,
  RescheduleBookingBody,
} from '../types'

/** Options of {@link BookingsResource.create}. */
export interface CreateBookingOptions extends RequestOptions {
  /**
   * The `Idempotency-Key` sent with the request and all of its retries.
   * Default: a new random UUID per call. Pass your own to make a retry across
   * calls (a page reload, a queued job) safe too: the same key with the same
   * body returns the first booking again instead of a second one.
   */
  idempotencyKey?: string
}

/** Options of booking calls an invitee may make with the token from their links. */
export interface BookingAccessOptions extends RequestOptions {
  /**
   * The invitee's token (the `token` query parameter of `cancel_url` /
   * `reschedule_url`), used instead of a host key.
   */
  token?: string
}

/** `client.bookings`: booking, listing, cancelling and rescheduling. */
export interface BookingsResource {
  /**
   * Books the slot starting at `start_time` (public `POST /api/bookings`).
   * Sends an `Idempotency-Key` and retries network errors and 5xx replies with
   * backoff, so a lost reply never makes a second booking. A slot that is taken,
   * outside availability, too soon, too far or over a limit rejects with
   * {@link SlotUnavailableError}, whose `alternatives` are the next open slots.
   *
   * @example
   * ```ts
   * try {
   *   const booking = await client.bookings.create({
   *     meeting_type_id: meetingTypeId, start_time: slot.start,
   *     invitee_name: 'Grace', invitee_email: 'grace@example.com',
   *     invitee_timezone: 'America/New_York',
   *   })
   *   console.log(booking.id, booking.cancel_url)
   * } catch (error) {
   *   if (isSlotUnavailableError(error)) offer(error.alternatives)
   *   else throw error
   * }
   * ```
   */
  create(body: CreateBookingBody, options?: CreateBookingOptions): Promise<CreateBookingReply>
  /**
   * One page of a host's bookings starting in `[from, to)`, in start order
   * (`GET /api/bookings`, host key). Pass `next_cursor` as `cursor` for the next
   * page, or use {@link BookingsResource.listAll}.
   */
  list(query: ListBookingsQuery, options?: RequestOptions): Promise<BookingList>
  /**
   * Every booking matching `query`, page after page (`GET /api/bookings`).
   *
   * @example
   * ```ts
   * for await (const booking of client.bookings.listAll({ user_id: userId, status: 'confirmed' })) {
   *   console.log(booking.start_time, booking.invitee_email)
   * }
   * ```
   */
  listAll(query: ListBookingsQuery, options?: RequestOptions): AsyncIterable<Booking>
  /** Reads a booking (`GET /api/bookings/:id`, host key or the invitee's `token`). */
  get(bookingId: string, options?: BookingAccessOptions): Promise<Booking>
  /**
   * Cancels a booking (`POST /api/bookings/:id/cancel`, host key or invitee
   * token). Not retried. A booking that is no longer confirmed rejects with
   * code `BOOKING_NOT_ACTIVE`; a concurrent change with `CONCURRENT_MODIFICATION`;
   * with the invitee `token`, a booking that has started with `BOOKING_IN_PAST`
   * (the host's key still may).
   *
   * @example
   * ```ts
   * await client.bookings.cancel(bookingId, { reason: 'Double-booked' }, { token })
   * ```
   */
  cancel(
    bookingId: string,
    body?: CancelBookingBody,
    options?: BookingAccessOptions,
  ): Promise<Booking>
  /**
   * Moves a booking to the slot starting at `start_time`, same length
   * (`POST /api/bookings/:id/reschedule`, host key or invitee token). One
   * transaction on the server: the new slot is taken and the old released
   * together, or it rejects (409) and nothing changes. Not retried. With the
   * invitee `token`, a booking that has started rejects with `BOOKING_IN_PAST`.
   *
   * @example
   * ```ts
   * const moved = await client.bookings.reschedule(bookingId, { start_time: slot.start })
   * ```
   */
  reschedule(
    bookingId: string,
    body: RescheduleBookingBody,
    options?: BookingAccessOptions,
  ): Promise<Booking>
}

/**
 * What an invitee's page does with bookings: book, and read, cancel or move
 * one with the token of its links (no host listings).
 */
export type InviteeBookingsResource = Pick<
  BookingsResource,
  'create' | 'get' | 'cancel' | 'reschedule'
>

/**
 * A v4 UUID for the `Idempotency-Key`. Browsers offer `crypto.randomUUID` only
 * in secure contexts (https, localhost); `getRandomValues` works everywhere.
 */
function newIdempotencyKey(): string {
  if (crypto.randomUUID) return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')
}

const path = (bookingId: string, action = '') => `/api/bookings/${id(bookingId)}${action}`

/** Builds {@link InviteeBookingsResource} over a requester (the invitee client's). */
export function createInviteeBookings(request: Requester): InviteeBookingsResource {
  return {
    create: (body, options) =>
      request('POST', '/api/bookings', {
        body,
        retry: true,
        headers: { 'idempotency-key': options?.idempotencyKey ?? newIdempotencyKey() },
        options,
      }),
    get: (bookingId, options) =>
      request('GET', path(bookingId), { query: { token: options?.token }, retry: true, options }),
    cancel: (bookingId, body = {}, options) =>
      request('POST', path(bookingId, '/cancel'), {
        query: { token: options?.token },
        body,
        options,
      }),
    reschedule: (bookingId, body, options) =>
      request('POST', path(bookingId, '/reschedule'), {
        query: { token: options?.token },
        body,
        options,
      }),
  }
}

/** Builds {@link BookingsResource} over a requester. */
export function createBookings(request: Requester): BookingsResource {
  const list = (query: ListBookingsQuery, options?: RequestOptions) =>
    request<BookingList>('GET', '/api/bookings', { query, retry: true, options })
  return {
    ...createInviteeBookings(request),
    list,
    listAll: async function* (query, options) {
      let cursor: string | null | undefined = query.cursor
      do {
        const page: BookingList = await list({ ...query, cursor: cursor ?? undefined }, options)
        yield* page.bookings
        cursor = page.next_cursor
      } while (cursor)
    },
  }
}
