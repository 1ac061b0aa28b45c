/**
 * The wire shapes of the Slotkit HTTP API, as this client sends and receives
 * them: snake_case fields exactly as on the wire.
 *
 * The source of truth is `@slotkit/core/api` (TypeBox schemas the server
 * validates with). These are the same shapes written out as plain
 * declarations, so that the published `.d.ts` is readable and needs no
 * dependency (neither `@slotkit/core` nor `typebox`). `types.test-d.ts` checks
 * each one against `Static<…>` of its schema, so the two cannot drift apart
 * without failing the type tests.
 *
 * Conventions: an instant is an RFC 3339 string with an offset
 * (`2027-03-14T09:00:00-04:00`); a date is `YYYY-MM-DD`; a wall-clock time
 * `HH:MM`; a zone an IANA id; every duration a whole number of minutes.
 */

import type { ErrorCode } from './error-codes'

/** Why a slot cannot be booked: the `reason` of a 409 `SLOT_UNAVAILABLE` (core's `SlotRejectionReason`). */
export type SlotRejectionReason =
  | 'OUTSIDE_AVAILABILITY'
  | 'MISALIGNED'
  | 'TOO_SOON'
  | 'TOO_FAR'
  | 'LIMIT_REACHED'
  | 'CONFLICT'

// ---------------------------------------------------------------- users

/** Body of `POST /api/users` (admin token): a new host. */
export interface CreateUserBody {
  email: string
  /** 1–200 characters. */
  name: string
  /** The host's IANA zone, e.g. `Europe/London`. */
  time_zone: string
}

/** Body of `PATCH /api/users/:id`: the fields to change, at least one. */
export interface PatchUserBody {
  email?: string
  name?: string
  time_zone?: string
}

/** A host, as `GET`/`PATCH /api/users/:id` return it. */
export interface User {
  id: string
  email: string
  name: string
  time_zone: string
}

/** Reply of `POST /api/users`: the host and its API key, shown this once. */
export interface CreateUserReply extends User {
  /** The host's API key (sent as `Authorization: Bearer …`). Only a hash is stored. */
  api_key: string
}

/** Body of `POST /api/users/:id/api-keys`. */
export interface CreateApiKeyBody {
  /** Also revoke every other key of the host, in the same transaction (default false). */
  revoke_others?: boolean
}

/** An active API key of a host, as `GET /api/users/:id/api-keys` lists it (never the key). */
export interface ApiKey {
  id: string
  /** The first characters of the key, to tell keys apart. */
  prefix: string
  /** RFC 3339, UTC. */
  created_at: string
  /** When the key last authenticated a request, to within about a minute; `null` if never. */
  last_used_at: string | null
}

/** Reply of `GET /api/users/:id/api-keys`: the active keys, oldest first. */
export interface ApiKeyList {
  api_keys: ApiKey[]
}

/** Reply of `POST /api/users/:id/api-keys`: the new key, shown this once. */
export interface CreateApiKeyReply {
  id: string
  prefix: string
  created_at: string
  /** The new API key (sent as `Authorization: Bearer …`). Only a hash is stored. */
  api_key: string
}

// ---------------------------------------------------------------- availability

/** A wall-clock window in the host's zone, `HH:MM`–`HH:MM` (end may be `24:00`). */
export interface TimeInterval {
  start_time: string
  end_time: string
}

/** A weekly rule: on `day_of_week` (0 = Sunday … 6 = Saturday), open from `start_time` to `end_time`. */
export interface AvailabilityRule {
  day_of_week: number
  start_time: string
  end_time: string
}

/** On `date` (host-local `YYYY-MM-DD`), `intervals` replace the weekly rules; `[]` makes it a day off. */
export interface DateOverride {
  date: string
  intervals: TimeInterval[]
}

/** Body of `PUT /api/users/:id/availability`: replaces the rules and overrides (absent overrides = none). */
export interface PutAvailabilityBody {
  rules: AvailabilityRule[]
  overrides?: DateOverride[]
}

/** What `GET`/`PUT /api/users/:id/availability` return: the stored rules, in the host's zone. */
export interface Availability {
  user_id: string
  time_zone: string
  rules: AvailabilityRule[]
  overrides: DateOverride[]
}

// ---------------------------------------------------------------- meeting types

/** The kind of a booking-form question. */
export type QuestionType = 'text' | 'textarea' | 'select' | 'checkbox' | 'phone'

/** A question the invitee answers when booking; its `id` keys the answer. */
export interface Question {
  id: string
  label: string
  type: QuestionType
  required: boolean
  /** The choices of a `select` question. */
  options?: string[]
}

/**
 * Where a meeting happens: `google_meet` and `teams` make their join link in the
 * host's connected calendar (Google, Microsoft) when a booking is written there.
 */
export type LocationType = 'google_meet' | 'teams' | 'link' | 'phone' | 'in_person'

/**
 * A meeting type's location (`location` of `POST`/`PATCH /api/meeting-types`).
 * `google_meet` needs a connected Google account and `teams` a Microsoft one,
 * and the host a write calendar (else 409 `LOCATION_UNAVAILABLE`). `phone` with a
 * `number`: the invitee calls the host; without one the booking form asks for
 * the invitee's number (the question `location_phone`) and the host calls.
 */
export type MeetingLocation =
  | { type: 'google_meet' }
  | { type: 'teams' }
  | { type: 'link'; url: string }
  | { type: 'phone'; number?: string }
  | { type: 'in_person'; address: string }

/**
 * A booking's location, resolved when it was booked. A phone call carries the
 * number to dial and who dials (`caller`); a video meeting's join link is the
 * booking's `meeting_url`.
 */
export type BookingLocation =
  | { type: 'google_meet' }
  | { type: 'teams' }
  | { type: 'link'; url: string }
  | { type: 'phone'; number: string; caller: 'invitee' | 'host' }
  | { type: 'in_person'; address: string }

/** A fixed booking window: host-local dates `YYYY-MM-DD`, both inclusive. */
export interface DateRange {
  start_date: string
  end_date: string
}

/** Body of `POST /api/meeting-types`. Left-out fields take the server's defaults. */
export interface CreateMeetingTypeBody {
  user_id: string
  name: string
  duration_minutes: number
  /** Default 0. */
  buffer_before_minutes?: number
  /** Default 0. */
  buffer_after_minutes?: number
  /** Step between slot starts. Default: `duration_minutes`. */
  slot_interval_minutes?: number
  /** Default 60. */
  min_notice_minutes?: number
  /** Rolling window in days. Default 60. Not applied while `date_range` is set. */
  max_days_ahead?: number
  max_bookings_per_day?: number
  max_bookings_per_week?: number
  date_range?: DateRange
  /** Other lengths an invitee may choose (the slots query then takes `duration`). */
  duration_options_minutes?: number[]
  questions?: Question[]
  slug?: string
  /** Default true. */
  is_active?: boolean
  /** Where its meetings happen (none by default). */
  location?: MeetingLocation
}

/** Body of `PATCH /api/meeting-types/:id`: at least one field; `null` clears an optional setting. */
export interface PatchMeetingTypeBody {
  name?: string
  duration_minutes?: number
  buffer_before_minutes?: number
  buffer_after_minutes?: number
  slot_interval_minutes?: number | null
  min_notice_minutes?: number
  max_days_ahead?: number
  max_bookings_per_day?: number | null
  max_bookings_per_week?: number | null
  date_range?: DateRange | null
  duration_options_minutes?: number[]
  questions?: Question[]
  slug?: string | null
  is_active?: boolean
  /** `null` removes it. */
  location?: MeetingLocation | null
}

/** A meeting type as its host sees it. */
export interface MeetingType {
  id: string
  user_id: string
  name: string
  slug: string | null
  duration_minutes: number
  duration_options_minutes: number[]
  buffer_before_minutes: number
  buffer_after_minutes: number
  /** The effective step between slot starts. */
  slot_interval_minutes: number
  min_notice_minutes: number
  max_days_ahead: number
  max_bookings_per_day: number | null
  max_bookings_per_week: number | null
  date_range: DateRange | null
  questions: Question[]
  is_active: boolean
  /** Where its meetings happen; null when not set. */
  location: MeetingLocation | null
}

/** Reply of `GET /api/meeting-types?user_id=`: a host's meeting types, active and inactive. */
export interface MeetingTypeList {
  meeting_types: MeetingType[]
}

/** What an invitee may see of a meeting type (public `GET /api/meeting-types/:id`). */
export interface PublicMeetingType {
  id: string
  name: string
  slug: string | null
  duration_minutes: number
  duration_options_minutes: number[]
  questions: Question[]
  min_notice_minutes: number
  max_days_ahead: number
  date_range: DateRange | null
  /** The host's display name and IANA zone. */
  host: { name: string; time_zone: string }
  /**
   * The kind of place only (the booking carries the details); null when not set.
   * A phone meeting without a host number puts the required question
   * `location_phone` (the invitee's number) in `questions`.
   */
  location: { type: LocationType } | null
}

// ---------------------------------------------------------------- slots

/** A bookable slot `[start, end)` on the wire: RFC 3339 with the requested zone's offset. */
export interface ApiSlot {
  start: string
  end: string
}

/** Query of `GET /api/availability/slots` for one day. */
export interface SlotsDayQuery {
  meeting_type_id: string
  /** A calendar day `YYYY-MM-DD` in `timezone`; slots starting on it are returned. */
  date: string
  /** The viewer's IANA zone; `start`/`end` carry its offset. */
  timezone: string
  /** One of the meeting type's lengths, in minutes (default its duration). */
  duration?: number
}

/** Query of `GET /api/availability/slots` for a range of days (at most 62, both inclusive). */
export interface SlotsRangeQuery {
  meeting_type_id: string
  /** First calendar day `YYYY-MM-DD` in `timezone`. */
  start_date: string
  /** Last calendar day `YYYY-MM-DD` in `timezone` (inclusive). */
  end_date: string
  timezone: string
  duration?: number
}

/** Reply of `GET /api/availability/slots?date=`. */
export interface SlotsDayReply {
  date: string
  timezone: string
  slots: ApiSlot[]
}

/** Slots starting on one calendar day of the requested zone. */
export interface SlotsDay {
  date: string
  slots: ApiSlot[]
}

/** Reply of `GET /api/availability/slots?start_date=&end_date=`: every day, empty ones included. */
export interface SlotsRangeReply {
  timezone: string
  days: SlotsDay[]
}

/**
 * Either reply of `GET /api/availability/slots`: {@link SlotsDayReply} for
 * `?date=`, {@link SlotsRangeReply} for `?start_date=&end_date=`. Tell them
 * apart with `'days' in reply`.
 */
export type SlotsReply = SlotsDayReply | SlotsRangeReply

// ---------------------------------------------------------------- bookings

/** A booking's state; `rescheduled` marks the old booking a reschedule replaced. */
export type BookingStatus = 'confirmed' | 'cancelled' | 'rescheduled'

/** One answer: a string, a boolean (checkbox) or a string list (multi-select). */
export type AnswerValue = string | boolean | string[]

/** Answers keyed by question id (at most 10 KB of JSON in total). */
export type Answers = Record<string, AnswerValue>

/** Body of public `POST /api/bookings`. */
export interface CreateBookingBody {
  meeting_type_id: string
  /** RFC 3339 with any offset, e.g. a slot's `start` as received. */
  start_time: string
  invitee_name: string
  invitee_email: string
  /** The invitee's IANA zone (e-mails show times in it). */
  invitee_timezone: string
  /** One of the meeting type's lengths (default its duration). */
  duration_minutes?: number
  answers?: Answers
  /**
   * The invitee's language, a BCP 47 tag such as `fr` or `pt-BR` (at most 35
   * characters): their e-mails and cancel/reschedule pages use it, English where
   * Slotkit has no translation.
   */
  locale?: string
}

/**
 * Where writing a booking to its host's calendar stands: `pending` (queued, or
 * retried after a provider failure), `synced` (the calendar matches the booking),
 * `failed` (given up) or `not_applicable` (no calendar to write to).
 */
export type CalendarSyncState = 'pending' | 'synced' | 'failed' | 'not_applicable'

/** A booking's `calendar_sync`. */
export interface CalendarSync {
  state: CalendarSyncState
  /** Why the last attempt failed (provider, operation, status); absent when it did not. */
  last_error?: string
  /** Failed attempts so far; absent when none. */
  attempts?: number
}

/** A booking. Times are UTC (`Z`). */
export interface Booking {
  id: string
  status: BookingStatus
  meeting_type_id: string
  user_id: string
  start_time: string
  end_time: string
  duration_minutes: number
  invitee_name: string
  invitee_email: string
  invitee_timezone: string
  answers: Answers
  /** The event in the host's external calendar once written; null until then. */
  calendar_event_id: string | null
  /** Where the meeting happens; null when its meeting type had no location. */
  location: BookingLocation | null
  /**
   * The join link: a `link` location's URL at once; a `google_meet` or `teams`
   * link once the host's calendar made it (then `calendar_sync.state` is
   * `synced`); null until then.
   */
  meeting_url: string | null
  /** Where writing the booking to the host's calendar stands. */
  calendar_sync: CalendarSync
  created_at: string
  /** Optimistic-locking version; grows on every change. */
  version?: number
  cancelled_at?: string
  cancel_reason?: string
  /** The booking this one replaced. */
  rescheduled_from_id?: string | null
  /** The booking that replaced this one. */
  rescheduled_to_id?: string | null
  /** Present only where the server has the invitee's token (on create, and with `?token=`). */
  cancel_url?: string
  /** Present only where the server has the invitee's token (on create, and with `?token=`). */
  reschedule_url?: string
}

/** Reply of `POST /api/bookings` (201): the booking with the invitee's cancel and reschedule links. */
export interface CreateBookingReply extends Booking {
  cancel_url: string
  reschedule_url: string
}

/** Query of `GET /api/bookings` (host key): bookings of `user_id` starting in `[from, to)`, in start order. */
export interface ListBookingsQuery {
  user_id: string
  /** RFC 3339. */
  from?: string
  /** RFC 3339 (exclusive). */
  to?: string
  status?: BookingStatus
  /** `next_cursor` of the previous page. */
  cursor?: string
  /** 1–100, default 50. */
  limit?: number
}

/** Reply of `GET /api/bookings`: one page. */
export interface BookingList {
  bookings: Booking[]
  /** Opaque; null on the last page. */
  next_cursor: string | null
}

/** Body of `POST /api/bookings/:id/cancel`. */
export interface CancelBookingBody {
  reason?: string
  /** The version you last saw: if the booking changed since, 409 CONCURRENT_MODIFICATION. */
  version?: number
}

/** Body of `POST /api/bookings/:id/reschedule`: the new start (same length). */
export interface RescheduleBookingBody {
  start_time: string
  /** The version you last saw: if the booking changed since, 409 CONCURRENT_MODIFICATION. */
  version?: number
}

// ---------------------------------------------------------------- webhooks

/** An event a webhook can subscribe to. */
export type WebhookEvent =
  | 'booking.created'
  | 'booking.cancelled'
  | 'booking.rescheduled'
  | 'integration.disconnected'
  /** A change that keeps the time: today, the join link (`meeting_url`) arriving. */
  | 'booking.updated'

/** Body of `POST /api/webhooks`: subscribe `url` to `events` of host `user_id`. */
export interface CreateWebhookBody {
  user_id: string
  /** An absolute http(s) URL. */
  url: string
  events: WebhookEvent[]
}

/** Body of `PATCH /api/webhooks/:id`: at least one field. */
export interface PatchWebhookBody {
  url?: string
  events?: WebhookEvent[]
  is_active?: boolean
}

/** A webhook subscription (never with its secret). */
export interface Webhook {
  id: string
  user_id: string
  url: string
  events: WebhookEvent[]
  is_active: boolean
  created_at: string
}

/** Reply of `POST /api/webhooks` (201): the subscription and its signing secret, shown once. */
export interface CreateWebhookReply extends Webhook {
  /** HMAC-SHA256 key that signs each delivery. */
  secret: string
}

/** Reply of `GET /api/webhooks?user_id=`. */
export interface WebhookList {
  webhooks: Webhook[]
}

/** The state of one webhook delivery. */
export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed'

/** One entry of a webhook's delivery log. */
export interface WebhookDelivery {
  id: string
  webhook_id: string
  event: WebhookEvent
  booking_id: string | null
  status: WebhookDeliveryStatus
  attempts: number
  /** HTTP status of the last attempt; null if none got a reply. */
  response_status: number | null
  error: string | null
  created_at: string
  last_attempt_at: string | null
  next_attempt_at: string | null
}

/** Reply of `GET /api/webhooks/:id/deliveries`: one page, newest first. */
export interface WebhookDeliveryList {
  deliveries: WebhookDelivery[]
  next_cursor: string | null
}

// ---------------------------------------------------------------- integrations

/**
 * A calendar provider a host can connect: Google Calendar, Microsoft 365 /
 * Outlook.com, or a CalDAV server (iCloud, Fastmail, Nextcloud…).
 */
export type IntegrationProvider = 'google' | 'microsoft' | 'caldav'

/**
 * `active` (syncing), `error` (the last sync failed; retried with backoff) or
 * `disconnected` (the provider refused the credentials: reconnect). Stored busy
 * times stay in use in every state.
 */
export type IntegrationStatus = 'active' | 'error' | 'disconnected'

/** Body of `POST /api/integrations/{google,microsoft}/authorize`. */
export interface AuthorizeIntegrationBody {
  /** The host; default the owner of the key (the admin token must name one). */
  user_id?: string
  /** Where the browser goes after connecting, with `?integration_id=…` added. */
  return_url?: string
}

/** Body of `POST /api/integrations/caldav`. */
export interface ConnectCaldavBody {
  /** The host; default the owner of the key (the admin token must name one). */
  user_id?: string
  /**
   * The CalDAV server: iCloud `https://caldav.icloud.com/`, Fastmail
   * `https://caldav.fastmail.com/`, Nextcloud `https://<host>/remote.php/dav/`.
   */
  server_url: string
  /** The account name (iCloud: the Apple ID e-mail address). */
  username: string
  /** The account's password; for iCloud and Fastmail an app-specific one. Stored encrypted, never returned. */
  password: string
}

/** Reply of `POST /api/integrations/{google,microsoft}/authorize`. */
export interface AuthorizeIntegrationReply {
  /** The provider's consent page (valid 10 minutes, once): send the host's browser there. */
  authorization_url: string
}

/** One calendar of a connected account; `id` is the provider's calendar id. */
export interface IntegrationCalendar {
  id: string
  name: string
  /** The account's main calendar. */
  primary: boolean
  /** Its events block the host's time. */
  busy: boolean
  /** Bookings are written to it. */
  write: boolean
}

/** A connected calendar account (tokens never leave the server). */
export interface Integration {
  id: string
  user_id: string
  provider: IntegrationProvider
  account_email: string
  status: IntegrationStatus
  calendars: IntegrationCalendar[]
  /** The end of the last successful sync; null before the first. */
  last_synced_at: string | null
  /** Why the last sync failed or the account was disconnected. */
  last_error: string | null
  created_at: string
}

/** Query of `GET /api/integrations`. */
export interface ListIntegrationsQuery {
  /** The host; default the owner of the key (the admin token must name one). */
  user_id?: string
}

/** Reply of `GET /api/integrations`. */
export interface IntegrationList {
  integrations: Integration[]
}

/** Body of `PATCH /api/integrations/:id`: at least one field. */
export interface PatchIntegrationBody {
  /** The calendars whose events block the host's time. */
  busy_calendar_ids?: string[]
  /**
   * The host's one write calendar, which every booking is written to (choosing it
   * here takes the role from the host's other calendars, on any account); null:
   * this account's calendars receive none.
   */
  write_calendar_id?: string | null
}

/** What a sync did (see `SyncResult.status`). */
export type SyncStatus = 'synced' | 'deferred' | 'failed' | 'disconnected'

/** Reply of `POST /api/integrations/:id/sync`. */
export interface SyncResult {
  integration_id: string
  /**
   * `synced` (the provider answered), `deferred` (not tried now: backoff, an open
   * circuit breaker, or another sync running), `failed` or `disconnected`.
   */
  status: SyncStatus
  /** Busy times added, changed or removed. */
  changes: number
  last_synced_at: string | null
  /** No sync before this instant (backoff); null when none is pending. */
  next_attempt_at: string | null
  /** Why it was deferred or failed. */
  error: string | null
}

// ---------------------------------------------------------------- admin

/** The states of a background job. */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

/** Query of admin `GET /api/admin/jobs` (default state: `failed`). */
export interface ListJobsQuery {
  state?: JobState
  limit?: number
}

/** A background job (e-mail, reminder, webhook delivery) as an operator sees it. */
export interface Job {
  id: string
  name: string
  state: JobState
  data: unknown
  retry_count: number
  retry_limit: number
  created_at: string
  start_after: string
  completed_at: string | null
  output: unknown
}

/** Job counts per state. */
export type JobCounts = { [TState in JobState]: number }

/** Reply of admin `GET /api/admin/jobs`. */
export interface JobList {
  counts: JobCounts
  jobs: Job[]
  /**
   * Invitee e-mails the server's mail limits left out (per recipient, per client
   * address): since that process started, or across every process sharing its
   * Redis; `null` when Redis could not be read.
   */
  suppressed_emails: number | null
}

/** Reply of admin `POST /api/admin/jobs/:id/retry`. */
export interface RetryJobReply {
  id: string
  state: 'retry'
}

// ---------------------------------------------------------------- errors

/** Every error reply: `{ error, message, details? }`. */
export interface ErrorReply {
  error: ErrorCode
  message: string
  details?: Record<string, unknown>
}

/** The 409 reply of booking and rescheduling when the slot cannot be had. */
export interface SlotUnavailableReply {
  error: 'SLOT_UNAVAILABLE'
  message: string
  reason: SlotRejectionReason
  alternatives: ApiSlot[]
  details?: Record<string, unknown>
}
