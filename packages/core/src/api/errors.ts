import { type Static, Type } from 'typebox'
import { ERROR_CODES, SLOT_REJECTION_REASONS } from '../errors/codes'
import { ApiSlotSchema } from './primitives'

/** Any code of the error list (`ERROR_CODES`). */
export const ErrorCodeSchema = Type.Enum(ERROR_CODES, {
  title: 'Error code',
  description: 'A stable UPPER_SNAKE code; see docs/errors.md.',
})

/** Why a slot cannot be booked (`SLOT_REJECTION_REASONS`). */
export const SlotRejectionReasonSchema = Type.Enum(SLOT_REJECTION_REASONS, {
  title: 'Slot rejection reason',
})

/** Every error reply: `{ error, message, details? }`; switch on `error`. */
export const ErrorReplySchema = Type.Object(
  {
    error: ErrorCodeSchema,
    message: Type.String({
      description: 'For humans; may change. Names the field where there is one.',
    }),
    details: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Machine-readable context, e.g. { field: "invitee_email" }.',
      }),
    ),
  },
  { title: 'Error', description: 'Every error reply has this shape.' },
)

/** Every error reply. */
export type ErrorReply = Static<typeof ErrorReplySchema>

/** The 409 of booking and rescheduling: the slot is not bookable, with up to 5 next open slots. */
export const SlotUnavailableReplySchema = Type.Object(
  {
    error: Type.Literal('SLOT_UNAVAILABLE'),
    message: Type.String(),
    reason: SlotRejectionReasonSchema,
    alternatives: Type.Array(ApiSlotSchema, {
      maxItems: 5,
      description: "The next open slots (up to 5), in the request's offset or the invitee's zone.",
    }),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  {
    title: 'Slot unavailable',
    description:
      "409: taken (CONFLICT, also when the database's exclusion constraint fired), outside availability, too soon, too far or over a limit.",
  },
)

/** The 409 SLOT_UNAVAILABLE reply. */
export type SlotUnavailableReply = Static<typeof SlotUnavailableReplySchema>
