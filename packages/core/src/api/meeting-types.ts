import { type Static, Type } from 'typebox'
import { LOCATION_TYPES, MeetingLocationInputSchema, MeetingLocationSchema } from './locations'
import {
  DurationMinutesSchema,
  IsoDateSchema,
  MAX_DURATION_MINUTES,
  NameSchema,
  QUESTION_ID_PATTERN,
  SINGLE_LINE_TEXT_PATTERN,
  SLUG_PATTERN,
  TimeZoneSchema,
  UuidSchema,
} from './primitives'

/** The kinds of booking-form question. */
export const QUESTION_TYPES = ['text', 'textarea', 'select', 'checkbox', 'phone'] as const

/** One of {@link QUESTION_TYPES}. */
export type QuestionType = (typeof QUESTION_TYPES)[number]

/** A booking-form question kind. */
export const QuestionTypeSchema = Type.Enum(QUESTION_TYPES, {
  title: 'Question type',
  description:
    'text and textarea and phone take a string answer, select a string out of options (or several, as a string list), checkbox a boolean.',
})

/** A question the invitee answers when booking. */
export const QuestionSchema = Type.Object(
  {
    id: Type.String({
      pattern: QUESTION_ID_PATTERN,
      description: 'Stable key of the answer in a booking (1–64 of A–Z a–z 0–9 _ -).',
    }),
    label: Type.String({ minLength: 1, maxLength: 200, pattern: SINGLE_LINE_TEXT_PATTERN }),
    type: QuestionTypeSchema,
    required: Type.Boolean(),
    options: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200, pattern: SINGLE_LINE_TEXT_PATTERN }), {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'The choices of a select question (required for select, unused otherwise).',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'Question',
    description: 'A booking-form question. Ids are unique within a meeting type.',
  },
)

/** A question the invitee answers when booking. */
export type Question = Static<typeof QuestionSchema>

/** A fixed booking window: host-local dates, both inclusive. */
export const DateRangeSchema = Type.Object(
  { start_date: IsoDateSchema, end_date: IsoDateSchema },
  {
    additionalProperties: false,
    title: 'Date range',
    description: 'Host-local dates, both inclusive, start_date ≤ end_date.',
  },
)

/** A fixed booking window. */
export type DateRange = Static<typeof DateRangeSchema>

const bufferMinutes = (options?: { default: number }) =>
  Type.Integer({ minimum: 0, maximum: MAX_DURATION_MINUTES, ...options })
const BufferMinutesSchema = bufferMinutes()
const LimitSchema = Type.Integer({ minimum: 1, maximum: 10000 })
const minNotice = (options?: { default: number }) =>
  Type.Integer({
    minimum: 0,
    maximum: 525600,
    description: 'A slot must start at least this many minutes after now.',
    ...options,
  })
const MinNoticeSchema = minNotice()
const maxDaysAhead = (options?: { default: number }) =>
  Type.Integer({
    minimum: 0,
    maximum: 3650,
    description:
      'Rolling window: bookable up to today (host-local) plus this many days. Not applied while date_range is set.',
    ...options,
  })
const MaxDaysAheadSchema = maxDaysAhead()
const DurationOptionsSchema = Type.Array(DurationMinutesSchema, {
  maxItems: 12,
  uniqueItems: true,
  description:
    'Other lengths an invitee may choose; the slots endpoint then takes `duration` (one of these or duration_minutes).',
})
const QuestionsSchema = Type.Array(QuestionSchema, { maxItems: 20 })
const SlugSchema = Type.String({
  pattern: SLUG_PATTERN,
  minLength: 1,
  maxLength: 100,
  description: 'A URL-friendly name, unique per host.',
})

/** Defaults the server applies to a `POST /api/meeting-types` body (`slot_interval_minutes` defaults to the duration). */
export const MEETING_TYPE_DEFAULTS = {
  buffer_before_minutes: 0,
  buffer_after_minutes: 0,
  min_notice_minutes: 60,
  max_days_ahead: 60,
  is_active: true,
} as const

/** Body of `POST /api/meeting-types`. Fields with `default` may be left out. */
export const CreateMeetingTypeBodySchema = Type.Object(
  {
    user_id: UuidSchema,
    name: NameSchema,
    duration_minutes: DurationMinutesSchema,
    buffer_before_minutes: Type.Optional(bufferMinutes({ default: 0 })),
    buffer_after_minutes: Type.Optional(bufferMinutes({ default: 0 })),
    slot_interval_minutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_DURATION_MINUTES,
        description: 'Step between slot starts. Default: duration_minutes.',
      }),
    ),
    min_notice_minutes: Type.Optional(
      minNotice({ default: MEETING_TYPE_DEFAULTS.min_notice_minutes }),
    ),
    max_days_ahead: Type.Optional(maxDaysAhead({ default: MEETING_TYPE_DEFAULTS.max_days_ahead })),
    max_bookings_per_day: Type.Optional(LimitSchema),
    max_bookings_per_week: Type.Optional(LimitSchema),
    date_range: Type.Optional(DateRangeSchema),
    duration_options_minutes: Type.Optional(DurationOptionsSchema),
    questions: Type.Optional(QuestionsSchema),
    slug: Type.Optional(SlugSchema),
    is_active: Type.Optional(Type.Boolean({ default: true })),
    location: Type.Optional(MeetingLocationInputSchema),
  },
  {
    additionalProperties: false,
    title: 'Create meeting type',
    description: 'A new meeting type of a host.',
  },
)

/** Body of `POST /api/meeting-types`. */
export type CreateMeetingTypeBody = Static<typeof CreateMeetingTypeBodySchema>

/** Body of `PATCH /api/meeting-types/:id`: at least one field; `null` clears an optional setting. */
export const PatchMeetingTypeBodySchema = Type.Object(
  {
    name: Type.Optional(NameSchema),
    duration_minutes: Type.Optional(DurationMinutesSchema),
    buffer_before_minutes: Type.Optional(BufferMinutesSchema),
    buffer_after_minutes: Type.Optional(BufferMinutesSchema),
    slot_interval_minutes: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: MAX_DURATION_MINUTES }), Type.Null()]),
    ),
    min_notice_minutes: Type.Optional(MinNoticeSchema),
    max_days_ahead: Type.Optional(MaxDaysAheadSchema),
    max_bookings_per_day: Type.Optional(Type.Union([LimitSchema, Type.Null()])),
    max_bookings_per_week: Type.Optional(Type.Union([LimitSchema, Type.Null()])),
    date_range: Type.Optional(Type.Union([DateRangeSchema, Type.Null()])),
    duration_options_minutes: Type.Optional(DurationOptionsSchema),
    questions: Type.Optional(QuestionsSchema),
    slug: Type.Optional(Type.Union([SlugSchema, Type.Null()])),
    is_active: Type.Optional(Type.Boolean()),
    location: Type.Optional(Type.Union([MeetingLocationInputSchema, Type.Null()])),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'Update meeting type',
    description:
      'Fields to change; at least one. null clears slot_interval_minutes (back to the duration), a limit, date_range, slug or location.',
  },
)

/** Body of `PATCH /api/meeting-types/:id`. */
export type PatchMeetingTypeBody = Static<typeof PatchMeetingTypeBodySchema>

/** A meeting type as its host sees it (`POST` 201, `GET` by user, `PATCH`, `DELETE`). */
export const MeetingTypeSchema = Type.Object(
  {
    id: UuidSchema,
    user_id: UuidSchema,
    name: NameSchema,
    slug: Type.Union([SlugSchema, Type.Null()]),
    duration_minutes: DurationMinutesSchema,
    duration_options_minutes: Type.Array(DurationMinutesSchema, {
      description: 'Other allowed lengths; [] when only duration_minutes.',
    }),
    buffer_before_minutes: BufferMinutesSchema,
    buffer_after_minutes: BufferMinutesSchema,
    slot_interval_minutes: Type.Integer({
      minimum: 1,
      description: 'The effective step between slot starts (the duration unless set).',
    }),
    min_notice_minutes: MinNoticeSchema,
    max_days_ahead: MaxDaysAheadSchema,
    max_bookings_per_day: Type.Union([LimitSchema, Type.Null()]),
    max_bookings_per_week: Type.Union([LimitSchema, Type.Null()]),
    date_range: Type.Union([DateRangeSchema, Type.Null()]),
    questions: Type.Array(QuestionSchema),
    is_active: Type.Boolean(),
    location: Type.Union([MeetingLocationSchema, Type.Null()], {
      description: 'Where its meetings happen; null when not set.',
    }),
  },
  { title: 'Meeting type', description: "A meeting type, host's view." },
)

/** A meeting type as its host sees it. */
export type MeetingType = Static<typeof MeetingTypeSchema>

/** Query of `GET /api/meeting-types`: the host whose meeting types to list. */
export const ListMeetingTypesQuerySchema = Type.Object(
  { user_id: UuidSchema },
  { title: 'List meeting types query' },
)

/** Query of `GET /api/meeting-types`. */
export type ListMeetingTypesQuery = Static<typeof ListMeetingTypesQuerySchema>

/** Reply of `GET /api/meeting-types?user_id=`: active and inactive ones. */
export const MeetingTypeListSchema = Type.Object(
  { meeting_types: Type.Array(MeetingTypeSchema) },
  { title: 'Meeting types', description: "A host's meeting types." },
)

/** Reply of `GET /api/meeting-types?user_id=`. */
export type MeetingTypeList = Static<typeof MeetingTypeListSchema>

/** What an invitee may see of a meeting type (public `GET /api/meeting-types/:id`). */
export const PublicMeetingTypeSchema = Type.Object(
  {
    id: UuidSchema,
    name: NameSchema,
    slug: Type.Union([SlugSchema, Type.Null()]),
    duration_minutes: DurationMinutesSchema,
    duration_options_minutes: Type.Array(DurationMinutesSchema),
    questions: Type.Array(QuestionSchema),
    min_notice_minutes: MinNoticeSchema,
    max_days_ahead: MaxDaysAheadSchema,
    date_range: Type.Union([DateRangeSchema, Type.Null()]),
    host: Type.Object(
      { name: NameSchema, time_zone: TimeZoneSchema },
      { description: "The host's display name and IANA zone." },
    ),
    location: Type.Union(
      [
        Type.Object({ type: Type.Enum(LOCATION_TYPES) }, { additionalProperties: false }),
        Type.Null(),
      ],
      {
        description:
          "What kind of place the meeting is (its details come with the booking: the join link, the address, the number); null when not set. A phone meeting whose host gave no number adds the required question `location_phone` (the invitee's number) to `questions`.",
      },
    ),
  },
  {
    title: 'Public meeting type',
    description:
      'What an invitee may see: name, lengths, questions, booking window, host name and zone. Inactive types answer 404.',
  },
)

/** What an invitee may see of a meeting type. */
export type PublicMeetingType = Static<typeof PublicMeetingTypeSchema>
