import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  BookingListSchema,
  BookingSchema,
  BookingTokenQuerySchema,
  CancelBookingBodySchema,
  CreateBookingBodySchema,
  CreateBookingHeadersSchema,
  CreateBookingReplySchema,
  IdParamsSchema,
  ListBookingsQuerySchema,
  RescheduleBookingBodySchema,
} from '@slotkit/core/api'
import { rateLimitKey } from '../../http/client-key'
import { bookingActorOf } from '../../plugins/auth'
import {
  cancelBooking,
  getBooking,
  rescheduleBooking,
} from '../../services/bookings/change-booking'
import { createBooking } from '../../services/bookings/create-booking'
import { listHostBookings } from '../../services/bookings/list-bookings'
import type { RouteContext } from '../context'

/** Bookings: public creation, host listing, host-or-invitee cancel and reschedule. */
export function bookingsRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/bookings',
      {
        config: { ...ctx.publicRateLimit, auth: 'public' },
        schema: {
          tags: ['bookings'],
          summary:
            'Book a slot (public). Idempotency-Key makes retries safe: a replay answers with that booking as it is now, with Idempotent-Replayed: true.',
          headers: CreateBookingHeadersSchema,
          body: CreateBookingBodySchema,
          errors: [
            'INVALID_TIME_ZONE',
            'INVALID_DATE',
            'INVALID_DURATION',
            'NOT_FOUND',
            'SLOT_UNAVAILABLE',
            'IDEMPOTENCY_KEY_REUSED',
          ],
          response: { 201: CreateBookingReplySchema },
        },
      },
      async (request, reply) => {
        const { booking, replayed } = await createBooking(
          ctx.deps,
          request.body,
          request.headers['idempotency-key'],
          rateLimitKey(request.ip),
        )
        // A replay answers with the key's booking as it is now (it may since have
        // been cancelled or rescheduled), marked as such, as Stripe's API does.
        if (replayed) reply.header('idempotent-replayed', 'true')
        reply.code(201)
        return booking
      },
    )

    app.get(
      '/api/bookings',
      {
        config: { auth: { user: 'query.user_id' } },
        schema: {
          tags: ['bookings'],
          summary: "A host's bookings starting in [from, to), in start order (host key)",
          querystring: ListBookingsQuerySchema,
          errors: ['INVALID_DATE', 'INVALID_RANGE', 'FORBIDDEN'],
          response: { 200: BookingListSchema },
        },
      },
      async (request) => {
        return listHostBookings(ctx.deps, request.query)
      },
    )

    app.get(
      '/api/bookings/:id',
      {
        config: { ...ctx.publicRateLimit, auth: 'booking' },
        schema: {
          tags: ['bookings'],
          summary: "A booking (host key, or the invitee's ?token=)",
          params: IdParamsSchema,
          querystring: BookingTokenQuerySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: BookingSchema },
        },
      },
      async (request) => {
        return getBooking(ctx.deps, request.params.id, bookingActorOf(request))
      },
    )

    app.post(
      '/api/bookings/:id/cancel',
      {
        config: { ...ctx.publicRateLimit, auth: 'booking' },
        // The body ({reason?}) is optional: a bare POST cancels too.
        preValidation: async (request) => {
          const mutable = request as { body: unknown }
          mutable.body ??= {}
        },
        schema: {
          tags: ['bookings'],
          summary: "Cancel a booking (host key, or the invitee's ?token=)",
          params: IdParamsSchema,
          querystring: BookingTokenQuerySchema,
          body: CancelBookingBodySchema,
          errors: [
            'FORBIDDEN',
            'NOT_FOUND',
            'BOOKING_NOT_ACTIVE',
            'BOOKING_IN_PAST',
            'CONCURRENT_MODIFICATION',
          ],
          response: { 200: BookingSchema },
        },
      },
      async (request) => {
        const actor = bookingActorOf(request)
        return cancelBooking(
          ctx.deps,
          request.params.id,
          actor,
          request.body?.reason,
          request.body?.version,
          rateLimitKey(request.ip),
        )
      },
    )

    app.post(
      '/api/bookings/:id/reschedule',
      {
        config: { ...ctx.publicRateLimit, auth: 'booking' },
        schema: {
          tags: ['bookings'],
          summary:
            'Move a booking to another slot: new slot taken and old released together, or 409',
          params: IdParamsSchema,
          querystring: BookingTokenQuerySchema,
          body: RescheduleBookingBodySchema,
          errors: [
            'INVALID_DATE',
            'FORBIDDEN',
            'NOT_FOUND',
            'SLOT_UNAVAILABLE',
            'CONCURRENT_MODIFICATION',
            'BOOKING_NOT_ACTIVE',
            'BOOKING_IN_PAST',
          ],
          response: { 200: BookingSchema },
        },
      },
      async (request) => {
        const actor = bookingActorOf(request)
        return rescheduleBooking(
          ctx.deps,
          request.params.id,
          actor,
          request.body.start_time,
          request.body.version,
          rateLimitKey(request.ip),
        )
      },
    )
  }
}
