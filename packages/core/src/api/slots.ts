import { type Static, Type } from 'typebox'
import {
  ApiSlotSchema,
  DurationMinutesSchema,
  IsoDateSchema,
  TimeZoneSchema,
  UuidSchema,
} from './primitives'

/** Longest `start_date`..`end_date` span of one slots query, in days (both inclusive). */
export const MAX_SLOT_QUERY_DAYS = 62

/**
 * Query of public `GET /api/availability/slots`. Give either `date`, or
 * `start_date` and `end_date` (≤ 62 days, both inclusive), all calendar days in
 * `timezone`. The server rejects other combinations with 400 VALIDATION_FAILED
 * (one object rather than a union keeps query coercion and OpenAPI simple).
 */
export const SlotsQuerySchema = Type.Object(
  {
    meeting_type_id: UuidSchema,
    date: Type.Optional(IsoDateSchema),
    start_date: Type.Optional(IsoDateSchema),
    end_date: Type.Optional(IsoDateSchema),
    timezone: TimeZoneSchema,
    duration: Type.Optional(DurationMinutesSchema),
  },
  {
    title: 'Slots query',
    description:
      "Either date, or start_date + end_date (at most 62 days), as calendar days in timezone. duration: one of the meeting type's lengths (default duration_minutes).",
  },
)

/** Query of `GET /api/availability/slots`. */
export type SlotsQuery = Static<typeof SlotsQuerySchema>

/** Slots whose start falls on one calendar day of the requested zone. */
export const SlotsDaySchema = Type.Object(
  {
    date: IsoDateSchema,
    slots: Type.Array(ApiSlotSchema),
  },
  {
    title: 'Slots of a day',
    description: 'The slots starting on this date in the requested zone.',
  },
)

/** Slots of one day. */
export type SlotsDay = Static<typeof SlotsDaySchema>

/** Reply of `GET /api/availability/slots?date=`: one day. */
export const SlotsDayReplySchema = Type.Object(
  {
    date: IsoDateSchema,
    timezone: TimeZoneSchema,
    slots: Type.Array(ApiSlotSchema),
  },
  {
    title: 'Slots (one day)',
    description:
      "The slots whose start falls on date in timezone; start/end carry timezone's offset at each instant.",
  },
)

/** Reply of `GET /api/availability/slots?date=`. */
export type SlotsDayReply = Static<typeof SlotsDayReplySchema>

/** Reply of `GET /api/availability/slots?start_date=&end_date=`: every day of the range, empty days included. */
export const SlotsRangeReplySchema = Type.Object(
  {
    timezone: TimeZoneSchema,
    days: Type.Array(SlotsDaySchema),
  },
  {
    title: 'Slots (date range)',
    description:
      'One entry per calendar day of the range in timezone, in order, empty days included.',
  },
)

/** Reply of `GET /api/availability/slots?start_date=&end_date=`. */
export type SlotsRangeReply = Static<typeof SlotsRangeReplySchema>

/** Either slots reply (use as the 200 response schema of the route). */
export const SlotsReplySchema = Type.Union([SlotsDayReplySchema, SlotsRangeReplySchema], {
  title: 'Slots',
})

/** Either slots reply; tell them apart with `'days' in reply`. */
export type SlotsReply = Static<typeof SlotsReplySchema>
