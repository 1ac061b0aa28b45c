/**
 * The wire shapes the widget reads, as the server sends them (snake_case):
 * `@slotkit/client`'s plain interfaces (ADR 0006), so the widget's published
 * types carry no TypeBox and no `@slotkit/core/api`.
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
} from '@slotkit/client'
