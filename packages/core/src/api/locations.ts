import { type Static, Type } from 'typebox'
import { SINGLE_LINE_TEXT_PATTERN, UrlSchema } from './primitives'

/**
 * Where a meeting happens: a video meeting the host's calendar creates
 * (`google_meet` through a connected Google calendar, `teams` through a
 * connected Microsoft one), a fixed `link`, a `phone` call, or `in_person`.
 */
export const LOCATION_TYPES = ['google_meet', 'teams', 'link', 'phone', 'in_person'] as const

/** One of {@link LOCATION_TYPES}. */
export type LocationType = (typeof LOCATION_TYPES)[number]

/**
 * The id of the question a `phone` meeting type without a host number adds to
 * its public `questions`: the invitee's number, required, answered in
 * `answers.location_phone`. A host's own question may not use this id then.
 */
export const LOCATION_PHONE_QUESTION_ID = 'location_phone'

/**
 * The location types whose join link the host's calendar provider makes when
 * the booking is written to it (a booking's `meeting_url` arrives then).
 */
export const CONFERENCE_LOCATION_TYPES = [
  'google_meet',
  'teams',
] as const satisfies readonly LocationType[]

/**
 * A phone number as people write it: an optional `+`, digits, and spaces, dots,
 * dashes or parentheses between them. The server also checks it has 7 to 15
 * digits (E.164's range).
 */
export const PHONE_NUMBER_PATTERN = '^\\+?[0-9(][0-9 ().-]{5,30}[0-9]$'

/** A phone number (E.164-ish: 7–15 digits, `+` and separators allowed). */
export const PhoneNumberSchema = Type.String({
  pattern: PHONE_NUMBER_PATTERN,
  maxLength: 32,
  title: 'Phone number',
  description:
    'A phone number, best with its country code (+44 20 7946 0000): 7 to 15 digits, spaces, dots, dashes and parentheses allowed.',
  examples: ['+1 212 555 0100'],
})

/** A street address on one line, 1–500 characters. */
export const AddressSchema = Type.String({
  pattern: SINGLE_LINE_TEXT_PATTERN,
  minLength: 1,
  maxLength: 500,
  title: 'Address',
  description: 'Where to meet, on one line (1–500 characters).',
  examples: ['221B Baker Street, London NW1 6XE'],
})

const GoogleMeetSchema = Type.Object(
  { type: Type.Literal('google_meet') },
  {
    additionalProperties: false,
    description:
      "A Google Meet link, made by the host's connected Google calendar when the booking is written to it. Needs a connected Google account and a write calendar; the booking is written to the write calendar if it is Google's, else to the Google account's primary calendar.",
  },
)
const TeamsSchema = Type.Object(
  { type: Type.Literal('teams') },
  {
    additionalProperties: false,
    description:
      "A Microsoft Teams meeting, made by the host's connected Microsoft calendar. Needs a connected Microsoft account and a write calendar; the booking is written to the write calendar if it is Microsoft's, else to the Microsoft account's primary calendar.",
  },
)
const LinkSchema = Type.Object(
  { type: Type.Literal('link'), url: UrlSchema },
  { additionalProperties: false, description: 'A fixed video or web link, shown as it is.' },
)
const InPersonSchema = Type.Object(
  { type: Type.Literal('in_person'), address: AddressSchema },
  { additionalProperties: false, description: 'An address to meet at.' },
)

/**
 * A meeting type's location (`location` of `POST`/`PATCH /api/meeting-types`).
 * `phone` with a `number`: the invitee calls the host there; without one the
 * booking form asks the invitee for theirs (a required question) and the host calls.
 */
export const MeetingLocationSchema = Type.Union(
  [
    GoogleMeetSchema,
    TeamsSchema,
    LinkSchema,
    Type.Object(
      { type: Type.Literal('phone'), number: Type.Optional(PhoneNumberSchema) },
      {
        additionalProperties: false,
        description:
          "A phone call: with `number`, the invitee calls the host's number; without, the invitee's number is asked in the booking form and the host calls.",
      },
    ),
    InPersonSchema,
  ],
  {
    title: 'Meeting location',
    description:
      'Where meetings of this type happen: google_meet, teams, link {url}, phone {number?} or in_person {address}.',
  },
)

/** A meeting type's location. */
export type MeetingLocation = Static<typeof MeetingLocationSchema>

/**
 * {@link MeetingLocationSchema} as requests send it: one object whose fields the
 * server checks against `type` (`url` for a link, `address` in person, an
 * optional `number` for a phone call, nothing else), so a wrong combination gets
 * a 400 naming the field ("location.url: is required for a link location")
 * rather than a union's "must match a schema in anyOf". Its type is the union.
 */
export const MeetingLocationInputSchema = Type.Unsafe<MeetingLocation>(
  Type.Object(
    {
      type: Type.Enum(LOCATION_TYPES, {
        description:
          'google_meet, teams (a join link made by the connected calendar), link, phone or in_person.',
      }),
      url: Type.Optional(UrlSchema),
      number: Type.Optional(PhoneNumberSchema),
      address: Type.Optional(AddressSchema),
    },
    {
      additionalProperties: false,
      title: 'Meeting location',
      description:
        'Where meetings of this type happen: {type: "google_meet"}, {type: "teams"}, {type: "link", url} (required), {type: "phone", number?} (the host\'s number the invitee calls; without one the invitee\'s number is asked) or {type: "in_person", address} (required). Fields another type does not use are refused.',
    },
  ),
)

/**
 * A booking's location, resolved when it was booked: a phone call always
 * carries the number to dial and who dials it (`caller`).
 */
export const BookingLocationSchema = Type.Union(
  [
    GoogleMeetSchema,
    TeamsSchema,
    LinkSchema,
    Type.Object(
      {
        type: Type.Literal('phone'),
        number: PhoneNumberSchema,
        caller: Type.Enum(['invitee', 'host'], {
          description:
            "invitee: the invitee calls the host's number; host: the host calls the number the invitee gave.",
        }),
      },
      { additionalProperties: false, description: 'A phone call.' },
    ),
    InPersonSchema,
  ],
  {
    title: 'Booking location',
    description:
      "Where this booking's meeting happens. For google_meet and teams the join link is the booking's meeting_url, once the host's calendar has made it.",
  },
)

/** A booking's location. */
export type BookingLocation = Static<typeof BookingLocationSchema>

/**
 * The states of writing a booking to its host's calendar:
 * `pending` (queued, or retried after a provider failure: see `last_error`),
 * `synced` (the calendar matches the booking: the event is written, moved, or
 * deleted after a cancel), `failed` (given up: refused, or the account is
 * disconnected) and `not_applicable` (the host has no calendar to write to).
 */
export const CALENDAR_SYNC_STATES = ['pending', 'synced', 'failed', 'not_applicable'] as const

/** One of {@link CALENDAR_SYNC_STATES}. */
export type CalendarSyncState = (typeof CALENDAR_SYNC_STATES)[number]

/** Where writing a booking to its host's calendar stands (`calendar_sync` of a booking). */
export const CalendarSyncSchema = Type.Object(
  {
    state: Type.Enum(CALENDAR_SYNC_STATES),
    last_error: Type.Optional(
      Type.String({
        maxLength: 1000,
        description:
          'Why the last attempt failed (provider, operation, status); absent when it did not. Never a token.',
      }),
    ),
    attempts: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Failed attempts so far; absent when none.' }),
    ),
  },
  {
    title: 'Calendar sync',
    description:
      "Where writing the booking to the host's calendar stands: pending, synced, failed or not_applicable.",
  },
)

/** Where writing a booking to its host's calendar stands. */
export type CalendarSync = Static<typeof CalendarSyncSchema>
