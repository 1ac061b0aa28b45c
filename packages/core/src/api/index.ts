/**
 * `@slotkit/core/api`: the request and reply shapes of the Slotkit HTTP API, as
 * TypeBox schemas (for the server's validation and OpenAPI) and their `Static`
 * types (for the client, which imports types only). Snake_case on the wire.
 *
 * Formats are explicit `pattern`s plus `maxLength` (no `format` keyword), so any
 * JSON Schema validator accepts them without format plugins. Schemas carry a
 * `title`/`description` and no `$id`.
 *
 * @example
 * ```ts
 * import { CreateBookingBodySchema, type CreateBookingBody } from '@slotkit/core/api'
 * import { Value } from 'typebox/value'
 *
 * const body: CreateBookingBody = {
 *   meeting_type_id: '3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b',
 *   start_time: '2027-03-14T09:00:00-04:00',
 *   invitee_name: 'Ada Lovelace',
 *   invitee_email: 'ada@example.com',
 *   invitee_timezone: 'America/New_York',
 * }
 * Value.Check(CreateBookingBodySchema, body) // true
 * ```
 *
 * Notes for servers validating with these schemas (Fastify + @fastify/type-provider-typebox 6):
 * - Use `TypeBoxValidatorCompiler` (`app.setValidatorCompiler(TypeBoxValidatorCompiler)`), not
 *   Fastify's default ajv: ajv's defaults silently drop unknown fields (so
 *   `additionalProperties: false` never yields a 400) and coerce answers (`true` -> "true").
 * - That compiler does not fill `default`s: apply `Value.Default(Schema, structuredClone(body))`
 *   or {@link MEETING_TYPE_DEFAULTS}; `slot_interval_minutes` defaults to the duration.
 * - Query strings arrive converted to numbers (`duration=30` -> 30).
 * - What schemas cannot check, the server must: real dates (2027-02-30), that zones exist,
 *   windows ordered and not overlapping, `date` versus `start_date` + `end_date` (<= 62 days),
 *   the answers' total size ({@link MAX_ANSWERS_BYTES}, UTF-8 JSON) and their fit to the
 *   questions, `duration` being an allowed length, `date_range` start <= end.
 * - Ids accept any 1-64 character string so that unknown ids get a 404: test `UUID_PATTERN`
 *   before querying PostgreSQL (a bad uuid cast would raise an error).
 * - A POST without a body (cancel) fails "body must be object": default `request.body ??= {}`.
 *
 * @packageDocumentation
 */

export type { ErrorCode, SlotRejectionReason } from '../errors/codes'
export type { Job, JobCounts, JobList, JobState, ListJobsQuery, RetryJobReply } from './admin'
export {
  JOB_STATES,
  JobCountsSchema,
  JobListSchema,
  JobSchema,
  JobStateSchema,
  ListJobsQuerySchema,
  RetryJobReplySchema,
} from './admin'
export type {
  Availability,
  AvailabilityRule,
  DateOverride,
  PutAvailabilityBody,
  TimeInterval,
} from './availability'
export {
  AvailabilityRuleSchema,
  AvailabilitySchema,
  DateOverrideSchema,
  PutAvailabilityBodySchema,
  TimeIntervalSchema,
} from './availability'
export type {
  Answers,
  AnswerValue,
  Booking,
  BookingList,
  BookingStatus,
  BookingTokenQuery,
  CancelBookingBody,
  CreateBookingBody,
  CreateBookingHeaders,
  CreateBookingReply,
  ListBookingsQuery,
  RescheduleBookingBody,
} from './bookings'
export {
  AnswersSchema,
  AnswerValueSchema,
  BOOKING_STATUSES,
  BookingListSchema,
  BookingSchema,
  BookingStatusSchema,
  BookingTokenQuerySchema,
  CancelBookingBodySchema,
  CreateBookingBodySchema,
  CreateBookingHeadersSchema,
  CreateBookingReplySchema,
  ListBookingsQuerySchema,
  RescheduleBookingBodySchema,
} from './bookings'
export type { ErrorReply, SlotUnavailableReply } from './errors'
export {
  ErrorCodeSchema,
  ErrorReplySchema,
  SlotRejectionReasonSchema,
  SlotUnavailableReplySchema,
} from './errors'
export type {
  AuthorizeIntegrationBody,
  AuthorizeIntegrationReply,
  ConnectCaldavBody,
  Integration,
  IntegrationCalendar,
  IntegrationList,
  IntegrationProvider,
  IntegrationStatus,
  ListIntegrationsQuery,
  PatchIntegrationBody,
  SyncResult,
  SyncStatus,
} from './integrations'
export {
  AuthorizeIntegrationBodySchema,
  AuthorizeIntegrationReplySchema,
  CalendarIdSchema,
  ConnectCaldavBodySchema,
  INTEGRATION_PROVIDERS,
  INTEGRATION_STATUSES,
  IntegrationCalendarSchema,
  IntegrationListSchema,
  IntegrationSchema,
  ListIntegrationsQuerySchema,
  PatchIntegrationBodySchema,
  SYNC_STATUSES,
  SyncResultSchema,
} from './integrations'
export type {
  BookingLocation,
  CalendarSync,
  CalendarSyncState,
  LocationType,
  MeetingLocation,
} from './locations'
export {
  AddressSchema,
  BookingLocationSchema,
  CALENDAR_SYNC_STATES,
  CalendarSyncSchema,
  CONFERENCE_LOCATION_TYPES,
  LOCATION_PHONE_QUESTION_ID,
  LOCATION_TYPES,
  MeetingLocationInputSchema,
  MeetingLocationSchema,
  PHONE_NUMBER_PATTERN,
  PhoneNumberSchema,
} from './locations'
export type {
  CreateMeetingTypeBody,
  DateRange,
  ListMeetingTypesQuery,
  MeetingType,
  MeetingTypeList,
  PatchMeetingTypeBody,
  PublicMeetingType,
  Question,
  QuestionType,
} from './meeting-types'
export {
  CreateMeetingTypeBodySchema,
  DateRangeSchema,
  ListMeetingTypesQuerySchema,
  MEETING_TYPE_DEFAULTS,
  MeetingTypeListSchema,
  MeetingTypeSchema,
  PatchMeetingTypeBodySchema,
  PublicMeetingTypeSchema,
  QUESTION_TYPES,
  QuestionSchema,
  QuestionTypeSchema,
} from './meeting-types'
export type { ApiSlot, IdParams } from './primitives'
export {
  ApiSlotSchema,
  DATE_TIME_PATTERN,
  DateTimeSchema,
  DurationMinutesSchema,
  EMAIL_PATTERN,
  EmailSchema,
  END_TIME_PATTERN,
  EndTimeSchema,
  FREE_TEXT_PATTERN,
  IdParamsSchema,
  ISO_DATE_PATTERN,
  IsoDateSchema,
  LOCALE_PATTERN,
  LocaleSchema,
  MAX_ANSWERS_BYTES,
  MAX_DURATION_MINUTES,
  MAX_EMAIL_LENGTH,
  MAX_LOCALE_LENGTH,
  MAX_NAME_LENGTH,
  NameSchema,
  QUESTION_ID_PATTERN,
  SINGLE_LINE_TEXT_PATTERN,
  SLUG_PATTERN,
  START_TIME_PATTERN,
  StartTimeSchema,
  TIME_ZONE_PATTERN,
  TimeZoneSchema,
  UrlSchema,
  UUID_PATTERN,
  UuidSchema,
} from './primitives'
export type { SlotsDay, SlotsDayReply, SlotsQuery, SlotsRangeReply, SlotsReply } from './slots'
export {
  MAX_SLOT_QUERY_DAYS,
  SlotsDayReplySchema,
  SlotsDaySchema,
  SlotsQuerySchema,
  SlotsRangeReplySchema,
  SlotsReplySchema,
} from './slots'
export type {
  ApiKey,
  ApiKeyList,
  ApiKeyParams,
  CreateApiKeyBody,
  CreateApiKeyReply,
  CreateUserBody,
  CreateUserReply,
  PatchUserBody,
  User,
} from './users'
export {
  ApiKeyListSchema,
  ApiKeyParamsSchema,
  ApiKeySchema,
  CreateApiKeyBodySchema,
  CreateApiKeyReplySchema,
  CreateUserBodySchema,
  CreateUserReplySchema,
  PatchUserBodySchema,
  UserSchema,
} from './users'
export type {
  CreateWebhookBody,
  CreateWebhookReply,
  PatchWebhookBody,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryStatus,
  WebhookEvent,
  WebhookList,
} from './webhooks'
export {
  CreateWebhookBodySchema,
  CreateWebhookReplySchema,
  PatchWebhookBodySchema,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENTS,
  WebhookDeliveryListSchema,
  WebhookDeliverySchema,
  WebhookEventSchema,
  WebhookListSchema,
  WebhookSchema,
} from './webhooks'
