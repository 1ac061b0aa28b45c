/**
 * The wire shapes the widget reads, as the server sends them (snake_case),
 * from `@slotkit/core/api` (types only: nothing of core's runtime comes along).
 */
export type {
  Answers,
  AnswerValue,
  ApiSlot,
  Booking,
  CreateBookingBody,
  PublicMeetingType,
  Question,
  SlotsDay,
  SlotsRangeReply,
} from '@slotkit/core/api'
