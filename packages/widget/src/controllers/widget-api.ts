import { isSlotkitApiError, isSlotUnavailableError } from '@slotkit/client'
import type { MessageKey } from '../i18n/catalog'
import type {
  ApiSlot,
  Booking,
  CreateBookingBody,
  PublicMeetingType,
  SlotsRangeReply,
} from '../types'

/**
 * The few calls the widget makes, as one narrow port. The element builds it
 * from a `@slotkit/client` instance ({@link fromClient}); tests and hosts may
 * hand in any object of this shape through the `api` property. Reject with a
 * `SlotkitApiError` (or a `SlotUnavailableError` for a taken slot) from
 * `@slotkit/client` so the widget can tell the failures apart.
 */
export interface WidgetApi {
  getMeetingType(id: string, signal: AbortSignal): Promise<PublicMeetingType>
  getSlotRange(
    query: {
      meetingTypeId: string
      startDate: string
      endDate: string
      timeZone: string
      durationMinutes?: number | undefined
    },
    signal: AbortSignal,
  ): Promise<SlotsRangeReply>
  createBooking(body: CreateBookingBody, signal: AbortSignal): Promise<Booking>
  getBooking(id: string, token: string, signal: AbortSignal): Promise<Booking>
  cancelBooking(
    id: string,
    token: string,
    reason: string | undefined,
    signal: AbortSignal,
  ): Promise<Booking>
  rescheduleBooking(
    id: string,
    token: string,
    startTime: string,
    signal: AbortSignal,
  ): Promise<Booking>
}

/** What the widget reads off any error a call rejects with (a `SlotkitApiError` or anything else). */
export interface WidgetError {
  readonly code: string
  readonly message: string
  /** The catalog string that explains it to the invitee, when the widget itself raised it. */
  readonly text?: MessageKey | undefined
  readonly status: number
  readonly reason?: string | undefined
  readonly alternatives: readonly ApiSlot[]
}

/**
 * Normalises a rejection into {@link WidgetError} through the client's own
 * guards (`isSlotkitApiError` also knows an error from a second copy of the
 * client). Anything else is `UNKNOWN`, or `ABORTED` for a DOM `AbortError`.
 */
export function toWidgetError(error: unknown): WidgetError {
  if (isSlotkitApiError(error)) {
    const unavailable = isSlotUnavailableError(error)
    return {
      code: error.code,
      message: error.message,
      status: error.status,
      reason: unavailable ? error.reason : undefined,
      // As sent: the parsed `startsAt`/`endsAt` the client adds are not needed here.
      alternatives: unavailable ? error.alternatives.map(({ start, end }) => ({ start, end })) : [],
    }
  }
  const aborted = error instanceof Error && error.name === 'AbortError'
  return {
    code: aborted ? 'ABORTED' : 'UNKNOWN',
    message: error instanceof Error ? error.message : String(error),
    status: 0,
    alternatives: [],
  }
}
