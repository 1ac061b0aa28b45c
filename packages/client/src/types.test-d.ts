// The client's wire declarations (src/types.ts) must stay the same shapes as
// core's TypeBox schemas (`@slotkit/core/api`), the server's source of truth.
// `toEqualTypeOf` is exact: an added, removed, renamed, optional-vs-required or
// nullable field on either side fails here.
import type * as Core from '@slotkit/core/api'
import { describe, expectTypeOf, test } from 'vitest'
import type { ERROR_CODES } from './error-codes'
import type * as Client from './index'

describe('wire types match @slotkit/core/api', () => {
  test('error codes and reasons', () => {
    expectTypeOf<Client.ErrorCode>().toEqualTypeOf<Core.ErrorCode>()
    expectTypeOf<(typeof ERROR_CODES)[number]>().toEqualTypeOf<Core.ErrorCode>()
    expectTypeOf<Client.SlotRejectionReason>().toEqualTypeOf<Core.SlotRejectionReason>()
    expectTypeOf<Client.ErrorReply>().toEqualTypeOf<Core.ErrorReply>()
    expectTypeOf<Client.SlotUnavailableReply>().toEqualTypeOf<Core.SlotUnavailableReply>()
  })

  test('users', () => {
    expectTypeOf<Client.CreateUserBody>().toEqualTypeOf<Core.CreateUserBody>()
    expectTypeOf<Client.PatchUserBody>().toEqualTypeOf<Core.PatchUserBody>()
    expectTypeOf<Client.User>().toEqualTypeOf<Core.User>()
    expectTypeOf<Client.CreateUserReply>().toEqualTypeOf<Core.CreateUserReply>()
    expectTypeOf<Client.CreateApiKeyBody>().toEqualTypeOf<Core.CreateApiKeyBody>()
    expectTypeOf<Client.ApiKey>().toEqualTypeOf<Core.ApiKey>()
    expectTypeOf<Client.ApiKeyList>().toEqualTypeOf<Core.ApiKeyList>()
    expectTypeOf<Client.CreateApiKeyReply>().toEqualTypeOf<Core.CreateApiKeyReply>()
  })

  test('availability', () => {
    expectTypeOf<Client.TimeInterval>().toEqualTypeOf<Core.TimeInterval>()
    expectTypeOf<Client.AvailabilityRule>().toEqualTypeOf<Core.AvailabilityRule>()
    expectTypeOf<Client.DateOverride>().toEqualTypeOf<Core.DateOverride>()
    expectTypeOf<Client.PutAvailabilityBody>().toEqualTypeOf<Core.PutAvailabilityBody>()
    expectTypeOf<Client.Availability>().toEqualTypeOf<Core.Availability>()
  })

  test('meeting types', () => {
    expectTypeOf<Client.QuestionType>().toEqualTypeOf<Core.QuestionType>()
    expectTypeOf<Client.Question>().toEqualTypeOf<Core.Question>()
    expectTypeOf<Client.DateRange>().toEqualTypeOf<Core.DateRange>()
    expectTypeOf<Client.CreateMeetingTypeBody>().toEqualTypeOf<Core.CreateMeetingTypeBody>()
    expectTypeOf<Client.PatchMeetingTypeBody>().toEqualTypeOf<Core.PatchMeetingTypeBody>()
    expectTypeOf<Client.MeetingType>().toEqualTypeOf<Core.MeetingType>()
    expectTypeOf<Client.MeetingTypeList>().toEqualTypeOf<Core.MeetingTypeList>()
    expectTypeOf<Client.PublicMeetingType>().toEqualTypeOf<Core.PublicMeetingType>()
    expectTypeOf<{ user_id: string }>().toEqualTypeOf<Core.ListMeetingTypesQuery>()
  })

  test('slots', () => {
    expectTypeOf<Client.ApiSlot>().toEqualTypeOf<Core.ApiSlot>()
    expectTypeOf<Client.SlotsDay>().toEqualTypeOf<Core.SlotsDay>()
    expectTypeOf<Client.SlotsDayReply>().toEqualTypeOf<Core.SlotsDayReply>()
    expectTypeOf<Client.SlotsRangeReply>().toEqualTypeOf<Core.SlotsRangeReply>()
    expectTypeOf<Client.SlotsReply>().toEqualTypeOf<Core.SlotsReply>()
    // The client splits core's one query object into its two valid forms.
    expectTypeOf<Client.SlotsDayQuery>().toExtend<Core.SlotsQuery>()
    expectTypeOf<Client.SlotsRangeQuery>().toExtend<Core.SlotsQuery>()
  })

  test('locations and calendar sync', () => {
    expectTypeOf<Client.LocationType>().toEqualTypeOf<Core.LocationType>()
    expectTypeOf<Client.MeetingLocation>().toEqualTypeOf<Core.MeetingLocation>()
    expectTypeOf<Client.BookingLocation>().toEqualTypeOf<Core.BookingLocation>()
    expectTypeOf<Client.CalendarSyncState>().toEqualTypeOf<Core.CalendarSyncState>()
    expectTypeOf<Client.CalendarSync>().toEqualTypeOf<Core.CalendarSync>()
  })

  test('bookings', () => {
    expectTypeOf<Client.BookingStatus>().toEqualTypeOf<Core.BookingStatus>()
    expectTypeOf<Client.AnswerValue>().toEqualTypeOf<Core.AnswerValue>()
    expectTypeOf<Client.Answers>().toEqualTypeOf<Core.Answers>()
    expectTypeOf<Client.CreateBookingBody>().toEqualTypeOf<Core.CreateBookingBody>()
    expectTypeOf<Client.Booking>().toEqualTypeOf<Core.Booking>()
    expectTypeOf<Client.CreateBookingReply>().toEqualTypeOf<Core.CreateBookingReply>()
    expectTypeOf<Client.ListBookingsQuery>().toEqualTypeOf<Core.ListBookingsQuery>()
    expectTypeOf<Client.BookingList>().toEqualTypeOf<Core.BookingList>()
    expectTypeOf<Client.CancelBookingBody>().toEqualTypeOf<Core.CancelBookingBody>()
    expectTypeOf<Client.RescheduleBookingBody>().toEqualTypeOf<Core.RescheduleBookingBody>()
  })

  test('webhooks', () => {
    expectTypeOf<Client.WebhookEvent>().toEqualTypeOf<Core.WebhookEvent>()
    expectTypeOf<Client.CreateWebhookBody>().toEqualTypeOf<Core.CreateWebhookBody>()
    expectTypeOf<Client.PatchWebhookBody>().toEqualTypeOf<Core.PatchWebhookBody>()
    expectTypeOf<Client.Webhook>().toEqualTypeOf<Core.Webhook>()
    expectTypeOf<Client.CreateWebhookReply>().toEqualTypeOf<Core.CreateWebhookReply>()
    expectTypeOf<Client.WebhookList>().toEqualTypeOf<Core.WebhookList>()
    expectTypeOf<Client.WebhookDeliveryStatus>().toEqualTypeOf<Core.WebhookDeliveryStatus>()
    expectTypeOf<Client.WebhookDelivery>().toEqualTypeOf<Core.WebhookDelivery>()
    expectTypeOf<Client.WebhookDeliveryList>().toEqualTypeOf<Core.WebhookDeliveryList>()
  })

  test('integrations', () => {
    expectTypeOf<Client.IntegrationProvider>().toEqualTypeOf<Core.IntegrationProvider>()
    expectTypeOf<Client.IntegrationStatus>().toEqualTypeOf<Core.IntegrationStatus>()
    expectTypeOf<Client.AuthorizeIntegrationBody>().toEqualTypeOf<Core.AuthorizeIntegrationBody>()
    expectTypeOf<Client.AuthorizeIntegrationReply>().toEqualTypeOf<Core.AuthorizeIntegrationReply>()
    expectTypeOf<Client.ConnectCaldavBody>().toEqualTypeOf<Core.ConnectCaldavBody>()
    expectTypeOf<Client.IntegrationCalendar>().toEqualTypeOf<Core.IntegrationCalendar>()
    expectTypeOf<Client.Integration>().toEqualTypeOf<Core.Integration>()
    expectTypeOf<Client.ListIntegrationsQuery>().toEqualTypeOf<Core.ListIntegrationsQuery>()
    expectTypeOf<Client.IntegrationList>().toEqualTypeOf<Core.IntegrationList>()
    expectTypeOf<Client.PatchIntegrationBody>().toEqualTypeOf<Core.PatchIntegrationBody>()
    expectTypeOf<Client.SyncStatus>().toEqualTypeOf<Core.SyncStatus>()
    expectTypeOf<Client.SyncResult>().toEqualTypeOf<Core.SyncResult>()
  })

  test('admin jobs', () => {
    expectTypeOf<Client.JobState>().toEqualTypeOf<Core.JobState>()
    expectTypeOf<Client.ListJobsQuery>().toEqualTypeOf<Core.ListJobsQuery>()
    expectTypeOf<Client.Job>().toEqualTypeOf<Core.Job>()
    expectTypeOf<Client.JobCounts>().toEqualTypeOf<Core.JobCounts>()
    expectTypeOf<Client.JobList>().toEqualTypeOf<Core.JobList>()
    expectTypeOf<Client.RetryJobReply>().toEqualTypeOf<Core.RetryJobReply>()
  })
})
