/**
 * Reusable wire formats of the HTTP API (strings with explicit `pattern`s, so
 * validation needs no `ajv-formats` and no TypeBox format registry).
 *
 * Patterns check the shape only. Values a pattern cannot judge (2024-02-30, an
 * unknown IANA zone, an end before its start) are checked by the server through
 * core, and answered with 400 and a code such as INVALID_DATE.
 */
import { type Static, Type } from 'typebox'

/**
 * The years the API accepts: 1900–2199. A scheduling API has no use for others, and
 * bounding them keeps every derived date (a window padded by a few days, a week
 * start) inside what PostgreSQL and RFC 3339 can write.
 */
const YEAR = '(19[0-9]{2}|2[01][0-9]{2})'

/** `YYYY-MM-DD`, years 1900–2199, month 01–12 and day 01–31 (the real calendar is checked by the server). */
export const ISO_DATE_PATTERN = `^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`

/** `HH:MM` from 00:00 to 23:59: a window start. */
export const START_TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$'

/** `HH:MM` from 00:00 to 24:00: a window end ("24:00" is the end of the local day). */
export const END_TIME_PATTERN = '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'

/**
 * RFC 3339 date-time with a mandatory offset (`Z` or `±HH:MM`), optional
 * fractional seconds (up to 9 digits). Leap seconds (`:60`) are not accepted.
 */
export const DATE_TIME_PATTERN =
  '^' +
  YEAR +
  '-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$'

/** A UUID in its canonical 8-4-4-4-12 hex form (any case). */
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

/** The shape of an IANA zone id (`America/New_York`, `UTC`, `Etc/GMT+5`); whether it exists is checked by the server. */
export const TIME_ZONE_PATTERN = '^[A-Za-z][A-Za-z0-9_+/-]*$'

/**
 * The shape of a BCP 47 language tag (`fr`, `pt-BR`, `zh-Hans-CN`): a language
 * subtag, then subtags of 1–8 letters or digits. Whether it is well formed
 * (`en-US-US` is not) is checked by the server.
 */
export const LOCALE_PATTERN = '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'

/** Longest accepted locale tag, in characters (RFC 5646 §4.4.1 asks tag buffers to hold 35). */
export const MAX_LOCALE_LENGTH = 35

/** A pragmatic e-mail shape: something@domain.tld, no spaces or control characters. Length is capped separately (254). */
export const EMAIL_PATTERN =
  '^[^\\s@\\u0000-\\u001f\\u007f]+@[^\\s@\\u0000-\\u001f\\u007f]+\\.[^\\s@\\u0000-\\u001f\\u007f]+$'

/** Single-line text: no control characters (NUL, tabs, line breaks), and not only white space. */
export const SINGLE_LINE_TEXT_PATTERN =
  '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$'

/** Free text (answers, reasons): any characters but NUL, which PostgreSQL cannot store. */
export const FREE_TEXT_PATTERN = '^[^\\u0000]*$'

/** A question id: 1–64 letters, digits, `_` or `-`. */
export const QUESTION_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$'

/** A URL slug: lower-case words of letters and digits joined by single hyphens. */
export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$'

/** Longest accepted name (user, meeting type, invitee), in characters. */
export const MAX_NAME_LENGTH = 200

/** Longest accepted e-mail address, in characters (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254

/**
 * Largest accepted `answers` object of a booking, in bytes of its UTF-8 JSON.
 * The schema caps each string; the server enforces this total.
 */
export const MAX_ANSWERS_BYTES = 10 * 1024

/** Longest meeting, buffer or step, in minutes (one day). */
export const MAX_DURATION_MINUTES = 1440

/** A resource id (UUID). */
export const UuidSchema = Type.String({
  pattern: UUID_PATTERN,
  maxLength: 36,
  title: 'UUID',
  description: 'A resource id (UUID, 8-4-4-4-12 hex).',
  examples: ['3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b'],
})

/** A calendar date `YYYY-MM-DD`. */
export const IsoDateSchema = Type.String({
  pattern: ISO_DATE_PATTERN,
  maxLength: 10,
  title: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  examples: ['2027-03-14'],
})

/** A wall-clock window start `HH:MM` (00:00–23:59). */
export const StartTimeSchema = Type.String({
  pattern: START_TIME_PATTERN,
  maxLength: 5,
  title: 'Start time',
  description: 'A local wall-clock time, HH:MM, 00:00 to 23:59.',
  examples: ['09:00'],
})

/** A wall-clock window end `HH:MM` (00:00–24:00). */
export const EndTimeSchema = Type.String({
  pattern: END_TIME_PATTERN,
  maxLength: 5,
  title: 'End time',
  description: 'A local wall-clock time, HH:MM, 00:00 to 24:00 ("24:00" = end of the day).',
  examples: ['17:00', '24:00'],
})

/** An RFC 3339 date-time with offset. */
export const DateTimeSchema = Type.String({
  pattern: DATE_TIME_PATTERN,
  maxLength: 40,
  title: 'Date-time',
  description:
    'An RFC 3339 date-time with an offset, e.g. 2027-03-14T09:00:00-04:00 or 2027-03-14T13:00:00Z.',
  examples: ['2027-03-14T09:00:00-04:00'],
})

/** An IANA time-zone id. */
export const TimeZoneSchema = Type.String({
  pattern: TIME_ZONE_PATTERN,
  minLength: 1,
  maxLength: 64,
  title: 'Time zone',
  description: 'An IANA time-zone id, e.g. America/New_York. Unknown zones are rejected (400).',
  examples: ['America/New_York'],
})

/** A BCP 47 language tag (≤ 35 characters). */
export const LocaleSchema = Type.String({
  pattern: LOCALE_PATTERN,
  minLength: 2,
  maxLength: MAX_LOCALE_LENGTH,
  title: 'Locale',
  description:
    'A BCP 47 language tag, e.g. fr, pt-BR or zh-Hans-CN (at most 35 characters). Ill-formed tags are rejected (400).',
  examples: ['fr-FR'],
})

/** An e-mail address (≤ 254 characters). */
export const EmailSchema = Type.String({
  pattern: EMAIL_PATTERN,
  minLength: 3,
  maxLength: MAX_EMAIL_LENGTH,
  title: 'E-mail',
  description: 'An e-mail address, at most 254 characters.',
  examples: ['ada@example.com'],
})

/** A display name: 1–200 characters on one line, not only white space. */
export const NameSchema = Type.String({
  pattern: SINGLE_LINE_TEXT_PATTERN,
  minLength: 1,
  maxLength: MAX_NAME_LENGTH,
  title: 'Name',
  description: 'A display name, 1 to 200 characters, not only white space.',
  examples: ['Ada Lovelace'],
})

/** An absolute http(s) URL. */
export const UrlSchema = Type.String({
  pattern: '^https?://[^\\s]+$',
  maxLength: 2048,
  title: 'URL',
  description: 'An absolute http or https URL.',
})

/** A whole number of minutes, 1 to 1440. */
export const DurationMinutesSchema = Type.Integer({
  minimum: 1,
  maximum: MAX_DURATION_MINUTES,
  title: 'Duration (minutes)',
  description: 'A whole number of minutes, 1 to 1440.',
  examples: [30],
})

/** A bookable slot on the wire: RFC 3339 instants in the viewer's zone. */
export const ApiSlotSchema = Type.Object(
  {
    start: DateTimeSchema,
    end: DateTimeSchema,
  },
  {
    title: 'Slot',
    description:
      "A bookable slot [start, end), RFC 3339 with the requested zone's offset at each instant.",
  },
)

/** A bookable slot on the wire (`start`/`end` RFC 3339 strings; core's `Slot` holds epoch ms). */
export type ApiSlot = Static<typeof ApiSlotSchema>

/** Path parameters of every `/:id` route (any non-empty string; unknown ids answer 404). */
export const IdParamsSchema = Type.Object(
  {
    // Deliberately not the UUID pattern: an id that is not a UUID is an unknown
    // id (404 NOT_FOUND, issue 3), not invalid input (400). The server tests
    // UUID_PATTERN before querying, so Postgres never sees a malformed uuid.
    id: Type.String({ minLength: 1, maxLength: 64, description: 'A resource id (UUID).' }),
  },
  {
    title: 'Id parameters',
    description: 'The id in the path; an id that is not a known UUID answers 404.',
  },
)

/** Path parameters of every `/:id` route. */
export type IdParams = Static<typeof IdParamsSchema>
