import { type Static, Type } from 'typebox'
import { BookingLocationSchema, CalendarSyncSchema } from './locations'
import {
  DateTimeSchema,
  DurationMinutesSchema,
  EmailSchema,
  FREE_TEXT_PATTERN,
  LocaleSchema,
  MAX_ANSWERS_BYTES,
  NameSchema,
  QUESTION_ID_PATTERN,
  TimeZoneSchema,
  UrlSchema,
  UuidSchema,
} from './primitives'

/** The states of a booking. */
export const BOOKING_STATUSES = ['confirmed', 'cancelled', 'rescheduled'] as const

/** One of {@link BOOKING_STATUSES}. */
export type BookingStatus = (typeof BOOKING_STATUSES)[number]

/** A booking state: `rescheduled` marks the old booking a reschedule replaced. */
export const BookingStatusSchema = Type.Enum(BOOKING_STATUSES, {
  title: 'Booking status',
  description: 'confirmed; cancelled; rescheduled (replaced by a new booking).',
})

const AnswerTextSchema = Type.String({ maxLength: MAX_ANSWERS_BYTES, pattern: FREE_TEXT_PATTERN })

/** One answer: a string (text, textarea, phone, select), a boolean (checkbox) or a string list (multi-select). */
export const AnswerValueSchema = Type.Union(
  [AnswerTextSchema, Type.Boolean(), Type.Array(AnswerTextSchema, { maxItems: 50 })],
  { title: 'Answer' },
)

/** One answer. */
export type AnswerValue = Static<typeof AnswerValueSchema>

/**
 * Answers to the meeting type's questions, keyed by question id. Checked by the
 * server against the questions (required ones present, types, select options)
 * and capped at 10 KB of UTF-8 JSON in total ({@link MAX_ANSWERS_BYTES}).
 */
export const AnswersSchema = Type.Record(
  Type.String({ pattern: QUESTION_ID_PATTERN }),
  AnswerValueSchema,
  {
    additionalProperties: false,
    maxProperties: 50,
    title: 'Answers',
    description: 'Question id → answer. At most 10 KB in total (UTF-8 JSON).',
  },
)

/** Answers keyed by question id. */
export type Answers = Static<typeof AnswersSchema>

/** Body of public `POST /api/bookings`. */
export const CreateBookingBodySchema = Type.Object(
  {
    meeting_type_id: UuidSchema,
    start_time: DateTimeSchema,
    invitee_name: NameSchema,
    invitee_email: EmailSchema,
    invitee_timezone: TimeZoneSchema,
    duration_minutes: Type.Optional(DurationMinutesSchema),
    answers: Type.Optional(AnswersSchema),
    locale: Type.Optional(
      Type.String({
        ...LocaleSchema,
        description:
          "The invitee's language as a BCP 47 tag (the widget sends its own): their e-mails and cancel/reschedule pages use it, English where Slotkit has no translation. At most 35 characters.",
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'Create booking',
    description:
      "Books the slot starting at start_time (any offset). duration_minutes: one of the meeting type's lengths (default its duration). locale: the invitee's language for their e-mails.",
  },
)

/** Body of `POST /api/bookings`. */
export type CreateBookingBody = Static<typeof CreateBookingBodySchema>

/** Headers of `POST /api/bookings`: an optional `Idempotency-Key` (lower-case, as Node delivers headers). */
export const CreateBookingHeadersSchema = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description:
          'Same key + same body → the same 201 again; same key + different body → 422 IDEMPOTENCY_KEY_REUSED.',
      }),
    ),
  },
  { title: 'Create booking headers' },
)

/** Headers of `POST /api/bookings`. */
export type CreateBookingHeaders = Static<typeof CreateBookingHeadersSchema>

const UtcDateTimeSchema = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$',
  description: 'An RFC 3339 instant in UTC ("Z").',
  examples: ['2027-03-14T13:00:00Z'],
})

const bookingProperties = {
  id: UuidSchema,
  status: BookingStatusSchema,
  meeting_type_id: UuidSchema,
  user_id: UuidSchema,
  start_time: UtcDateTimeSchema,
  end_time: UtcDateTimeSchema,
  duration_minutes: DurationMinutesSchema,
  invitee_name: NameSchema,
  invitee_email: EmailSchema,
  invitee_timezone: TimeZoneSchema,
  answers: AnswersSchema,
  calendar_event_id: Type.Union([Type.String(), Type.Null()], {
    description: "The event in the host's external calendar, once written; null until then.",
  }),
  location: Type.Union([BookingLocationSchema, Type.Null()], {
    description:
      'Where the meeting happens, resolved when it was booked; null when its meeting type had none.',
  }),
  meeting_url: Type.Union([UrlSchema, Type.Null()], {
    description:
      "The join link: a link location's URL at once; a google_meet or teams link once the host's calendar has made it (calendar_sync synced), null until then.",
  }),
  calendar_sync: CalendarSyncSchema,
  created_at: UtcDateTimeSchema,
  version: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Optimistic-locking version; grows on every change.' }),
  ),
  cancelled_at: Type.Optional(UtcDateTimeSchema),
  cancel_reason: Type.Optional(Type.String({ maxLength: 1000, pattern: FREE_TEXT_PATTERN })),
  rescheduled_from_id: Type.Optional(
    Type.Union([UuidSchema, Type.Null()], { description: 'The booking this one replaced.' }),
  ),
  rescheduled_to_id: Type.Optional(
    Type.Union([UuidSchema, Type.Null()], { description: 'The booking that replaced this one.' }),
  ),
}

/**
 * A booking as `GET /api/bookings[/:id]`, cancel and reschedule return it. Times
 * are UTC ("Z"). `cancel_url`/`reschedule_url` carry the invitee's token, which
 * is stored hashed, so they appear only where the server has the token: on
 * create, and on replies to a request made with `?token=`.
 */
export const BookingSchema = Type.Object(
  {
    ...bookingProperties,
    cancel_url: Type.Optional(UrlSchema),
    reschedule_url: Type.Optional(UrlSchema),
  },
  { title: 'Booking', description: 'A booking; times in UTC.' },
)

/** A booking. */
export type Booking = Static<typeof BookingSchema>

/** Reply of `POST /api/bookings` (201): the booking with its invitee links. */
export const CreateBookingReplySchema = Type.Object(
  {
    ...bookingProperties,
    cancel_url: UrlSchema,
    reschedule_url: UrlSchema,
  },
  {
    title: 'Created booking',
    description:
      'The new booking (status confirmed, times UTC) and the invitee links for cancelling and rescheduling.',
  },
)

/** Reply of `POST /api/bookings` (201). */
export type CreateBookingReply = Static<typeof CreateBookingReplySchema>

/** Query of `GET /api/bookings` (host key): a host's bookings, oldest start first. */
export const ListBookingsQuerySchema = Type.Object(
  {
    user_id: UuidSchema,
    from: Type.Optional(DateTimeSchema),
    to: Type.Optional(DateTimeSchema),
    status: Type.Optional(BookingStatusSchema),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  {
    title: 'List bookings query',
    description:
      'Bookings of user_id that start in [from, to), in start order; pass next_cursor as cursor for the next page.',
  },
)

/** Query of `GET /api/bookings`. */
export type ListBookingsQuery = Static<typeof ListBookingsQuerySchema>

/** Reply of `GET /api/bookings`: one page. */
export const BookingListSchema = Type.Object(
  {
    bookings: Type.Array(BookingSchema),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Opaque; null on the last page.',
    }),
  },
  { title: 'Bookings', description: 'One page of bookings.' },
)

/** Reply of `GET /api/bookings`. */
export type BookingList = Static<typeof BookingListSchema>

/** Query of booking routes an invitee may call: the token from the cancel/reschedule link. */
export const BookingTokenQuerySchema = Type.Object(
  { token: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })) },
  {
    title: 'Invitee token',
    description: "The invitee's token from cancel_url / reschedule_url (instead of a host key).",
  },
)

/** Query of booking routes an invitee may call. */
export type BookingTokenQuery = Static<typeof BookingTokenQuerySchema>

/**
 * The booking `version` the caller last saw. When given, the change applies only
 * if the booking is still at that version, otherwise 409 CONCURRENT_MODIFICATION:
 * a host does not cancel a booking the invitee has just moved.
 */
const ExpectedVersionSchema = Type.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description:
    'Optional: the booking version you last saw. If the booking changed since, 409 CONCURRENT_MODIFICATION and nothing changes.',
})

/** Body of `POST /api/bookings/:id/cancel`. */
export const CancelBookingBodySchema = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 1000, pattern: FREE_TEXT_PATTERN })),
    version: Type.Optional(ExpectedVersionSchema),
  },
  {
    additionalProperties: false,
    title: 'Cancel booking',
    description: 'An optional reason, and optionally the version the caller last saw.',
  },
)

/** Body of `POST /api/bookings/:id/cancel`. */
export type CancelBookingBody = Static<typeof CancelBookingBodySchema>

/** Body of `POST /api/bookings/:id/reschedule`. */
export const RescheduleBookingBodySchema = Type.Object(
  { start_time: DateTimeSchema, version: Type.Optional(ExpectedVersionSchema) },
  {
    additionalProperties: false,
    title: 'Reschedule booking',
    description:
      'Moves the booking to the slot starting at start_time (same length). One transaction: new slot taken and old released together, or 409 and nothing changes.',
  },
)

/** Body of `POST /api/bookings/:id/reschedule`. */
export type RescheduleBookingBody = Static<typeof RescheduleBookingBodySchema>
