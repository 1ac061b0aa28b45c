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
 * hand in any object of this shape through the `api` property.
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
  readonly status: number
  readonly reason?: string | undefined
  readonly alternatives: readonly ApiSlot[]
}

/** Normalises a rejection into {@link WidgetError}; duck-typed so two copies of the client both work. */
export function toWidgetError(error: unknown): WidgetError {
  const e = (error ?? {}) as {
    code?: unknown
    message?: unknown
    status?: unknown
    reason?: unknown
    alternatives?: unknown
    name?: unknown
  }
  const code = typeof e.code === 'string' ? e.code : e.name === 'AbortError' ? 'ABORTED' : 'UNKNOWN'
  const alternatives = Array.isArray(e.alternatives)
    ? (e.alternatives as Array<{ start: string; end: string }>).map(({ start, end }) => ({
        start,
        end,
      }))
    : []
  return {
    code,
    message: typeof e.message === 'string' ? e.message : String(error),
    status: typeof e.status === 'number' ? e.status : 0,
    reason: typeof e.reason === 'string' ? e.reason : undefined,
    alternatives,
  }
}
