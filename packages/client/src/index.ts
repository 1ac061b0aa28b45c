/**
 * `@slotkit/client`: a typed SDK over `fetch` for the Slotkit HTTP API.
 * No runtime dependencies. Wire fields are snake_case exactly as on the wire;
 * what the client adds (`startsAt`, `endsAt`, option names) is camelCase.
 */

export type { InviteeClient, RawRequestOptions, SlotkitClient } from './create-client'
export { createClient, createInviteeClient } from './create-client'
export type { ErrorCode } from './error-codes'
export type { ClientErrorCode, SlotkitApiErrorOptions, SlotkitErrorCode } from './errors'

export {
  isSlotkitAbortError,
  isSlotkitApiError,
  isSlotkitNetworkError,
  isSlotkitTimeoutError,
  isSlotUnavailableError,
  SlotkitAbortError,
  SlotkitApiError,
  SlotkitNetworkError,
  SlotkitTimeoutError,
  SlotUnavailableError,
} from './errors'
export type { Slot, SlotsDayEntry, SlotsDayResult, SlotsRangeResult } from './instants'

export { toSlot } from './instants'
export type { ClientOptions, FetchLike, RequestOptions, RetryOptions } from './request'

export type { AdminResource } from './resources/admin'
export type { AvailabilityResource } from './resources/availability'
export type {
  BookingAccessOptions,
  BookingsResource,
  CreateBookingOptions,
  InviteeBookingsResource,
} from './resources/bookings'
export type { IntegrationsResource } from './resources/integrations'
export type {
  MeetingTypesResource,
  PublicMeetingTypesResource,
} from './resources/meeting-types'
export type { SlotsResource } from './resources/slots'
export type { UsersResource } from './resources/users'
export type { WebhooksResource } from './resources/webhooks'

export type {
  Answers,
  AnswerValue,
  ApiKey,
  ApiKeyList,
  ApiSlot,
  AuthorizeIntegrationBody,
  AuthorizeIntegrationReply,
  Availability,
  AvailabilityRule,
  Booking,
  BookingList,
  BookingLocation,
  BookingStatus,
  CalendarSync,
  CalendarSyncState,
  CancelBookingBody,
  ConnectCaldavBody,
  CreateApiKeyBody,
  CreateApiKeyReply,
  CreateBookingBody,
  CreateBookingReply,
  CreateMeetingTypeBody,
  CreateUserBody,
  CreateUserReply,
  CreateWebhookBody,
  CreateWebhookReply,
  DateOverride,
  DateRange,
  ErrorReply,
  Integration,
  IntegrationCalendar,
  IntegrationList,
  IntegrationProvider,
  IntegrationStatus,
  Job,
  JobCounts,
  JobList,
  JobState,
  ListBookingsQuery,
  ListIntegrationsQuery,
  ListJobsQuery,
  LocationType,
  MeetingLocation,
  MeetingType,
  MeetingTypeList,
  PatchIntegrationBody,
  PatchMeetingTypeBody,
  PatchUserBody,
  PatchWebhookBody,
  PublicMeetingType,
  PutAvailabilityBody,
  Question,
  QuestionType,
  RescheduleBookingBody,
  RetryJobReply,
  SlotRejectionReason,
  SlotsDay,
  SlotsDayQuery,
  SlotsDayReply,
  SlotsRangeQuery,
  SlotsRangeReply,
  SlotsReply,
  SlotUnavailableReply,
  SyncResult,
  SyncStatus,
  TimeInterval,
  User,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryStatus,
  WebhookEvent,
  WebhookList,
} from './types'
