import { type Slot, toSlot } from './instants'
import type { ApiSlot, SlotRejectionReason } from './types'

/**
 * Every error code the server may send: core's `ERROR_CODES`, copied so the
 * client has no runtime dependency (`errors.test.ts` and `types.test-d.ts`
 * check that the copy matches). Append-only, like core's.
 */
export const ERROR_CODES = [
  'INVALID_TIME_ZONE',
  'INVALID_DATE',
  'INVALID_TIME',
  'INVALID_RANGE',
  'INVALID_DURATION',
  'INVALID_RULES',
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'SLOT_UNAVAILABLE',
  'CONCURRENT_MODIFICATION',
  'IDEMPOTENCY_KEY_REUSED',
  'BOOKING_NOT_ACTIVE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
  'INTEGRATION_NOT_CONFIGURED',
  'ENCRYPTION_KEY_MISSING',
  'OAUTH_STATE_INVALID',
  'OAUTH_ACCESS_DENIED',
  'PROVIDER_ERROR',
] as const

/** A stable error code the server sends in `{ error: CODE }` (core's `ErrorCode`). */
export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * Codes for failures that never got an answer from the server: the request
 * could not be sent or its reply could not be read (`NETWORK_ERROR`), the
 * call's deadline passed (`TIMEOUT`), or the caller's `AbortSignal` fired
 * (`ABORTED`). Their errors have `status` 0.
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED'

/**
 * The `code` of a {@link SlotkitApiError}: a server {@link ErrorCode}, a
 * {@link ClientErrorCode}, or `UNKNOWN` for a reply this client cannot read as a
 * Slotkit error (a code it does not know, a proxy's HTML page, a non-JSON body).
 */
export type SlotkitErrorCode = ErrorCode | ClientErrorCode | 'UNKNOWN'

/** Extra fields a {@link SlotkitApiError} may be constructed with. */
export interface SlotkitApiErrorOptions extends ErrorOptions {
  /** Serializable details from the reply (for example the offending field). */
  details?: Readonly<Record<string, unknown>> | undefined
  /** The code exactly as the server sent it, when it differs from `code` (`code` is then `UNKNOWN`). */
  rawCode?: string | undefined
}

/**
 * Every error a client call rejects with. `status` is the HTTP status, or 0
 * when no reply arrived; `code` is the stable machine-readable code to switch
 * on; `details` holds whatever structured context the server sent.
 *
 * @example
 * ```ts
 * try {
 *   await client.bookings.cancel(id)
 * } catch (error) {
 *   if (isSlotkitApiError(error) && error.code === 'BOOKING_NOT_ACTIVE') {
 *     // already cancelled or rescheduled
 *   } else throw error
 * }
 * ```
 */
export class SlotkitApiError extends Error {
  override readonly name: string = 'SlotkitApiError'
  /** HTTP status of the reply; 0 when the request never got one (network, timeout, abort). */
  readonly status: number
  /** Stable code: one of core's `ERROR_CODES`, a client-only code, or `UNKNOWN`. */
  readonly code: SlotkitErrorCode
  /** Serializable details from the reply, if any. */
  readonly details: Readonly<Record<string, unknown>> | undefined
  /** The server's code as sent, when this client did not recognise it (`code` is then `UNKNOWN`). */
  readonly rawCode: string | undefined

  constructor(
    status: number,
    code: SlotkitErrorCode,
    message: string,
    options: SlotkitApiErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.status = status
    this.code = code
    this.details = options.details
    this.rawCode = options.rawCode
  }
}

/**
 * The 409 `SLOT_UNAVAILABLE` reply of booking or rescheduling: the slot is
 * taken, outside availability, too soon, too far ahead or over a limit.
 * `alternatives` are the next open slots the server suggests (up to 5), with
 * parsed instants.
 *
 * @example
 * ```ts
 * try {
 *   await client.bookings.create(input)
 * } catch (error) {
 *   if (isSlotUnavailableError(error)) {
 *     console.log(error.reason, error.alternatives.map((slot) => slot.start))
 *   }
 * }
 * ```
 */
export class SlotUnavailableError extends SlotkitApiError {
  override readonly name: string = 'SlotUnavailableError'
  declare readonly code: 'SLOT_UNAVAILABLE'
  /** Why the slot was refused (`CONFLICT` when another booking holds it). */
  readonly reason: SlotRejectionReason
  /** The next open slots (up to 5), as sent plus `startsAt`/`endsAt` epoch milliseconds. */
  readonly alternatives: readonly Slot[]

  constructor(
    message: string,
    reason: SlotRejectionReason,
    alternatives: readonly ApiSlot[],
    options?: SlotkitApiErrorOptions,
  ) {
    super(409, 'SLOT_UNAVAILABLE', message, options)
    this.reason = reason
    this.alternatives = alternatives.map(toSlot)
  }
}

/** The request could not be sent, or the connection failed before the reply was read. `status` 0. */
export class SlotkitNetworkError extends SlotkitApiError {
  override readonly name: string = 'SlotkitNetworkError'
  declare readonly code: 'NETWORK_ERROR'
  constructor(message: string, options?: ErrorOptions) {
    super(0, 'NETWORK_ERROR', message, options)
  }
}

/** The call's deadline (`timeoutMs`, covering every attempt) passed. `status` 0. */
export class SlotkitTimeoutError extends SlotkitApiError {
  override readonly name: string = 'SlotkitTimeoutError'
  declare readonly code: 'TIMEOUT'
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number
  constructor(timeoutMs: number) {
    super(0, 'TIMEOUT', `Request timed out after ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}

/** The caller's `AbortSignal` fired. `cause` is the signal's reason. `status` 0. */
export class SlotkitAbortError extends SlotkitApiError {
  override readonly name: string = 'SlotkitAbortError'
  declare readonly code: 'ABORTED'
  constructor(cause: unknown) {
    super(0, 'ABORTED', 'Request aborted', { cause })
  }
}

const NAMES = [
  'SlotkitApiError',
  'SlotUnavailableError',
  'SlotkitNetworkError',
  'SlotkitTimeoutError',
  'SlotkitAbortError',
]

/**
 * True when `error` is a {@link SlotkitApiError} (or a subclass). Also true for
 * one thrown by another copy of this package (the ESM and CJS builds loaded
 * side by side), which `instanceof` would miss.
 */
export function isSlotkitApiError(error: unknown): error is SlotkitApiError {
  return (
    error instanceof SlotkitApiError ||
    (error instanceof Error &&
      NAMES.includes(error.name) &&
      typeof (error as SlotkitApiError).status === 'number' &&
      typeof (error as SlotkitApiError).code === 'string')
  )
}

/** True when `error` is a 409 `SLOT_UNAVAILABLE` ({@link SlotUnavailableError}). */
export function isSlotUnavailableError(error: unknown): error is SlotUnavailableError {
  return isSlotkitApiError(error) && error.code === 'SLOT_UNAVAILABLE' && 'alternatives' in error
}

/** True when `error` is a {@link SlotkitNetworkError} (code `NETWORK_ERROR`). */
export function isSlotkitNetworkError(error: unknown): error is SlotkitNetworkError {
  return isSlotkitApiError(error) && error.code === 'NETWORK_ERROR'
}

/** True when `error` is a {@link SlotkitTimeoutError} (code `TIMEOUT`). */
export function isSlotkitTimeoutError(error: unknown): error is SlotkitTimeoutError {
  return isSlotkitApiError(error) && error.code === 'TIMEOUT'
}

/** True when `error` is a {@link SlotkitAbortError} (code `ABORTED`). */
export function isSlotkitAbortError(error: unknown): error is SlotkitAbortError {
  return isSlotkitApiError(error) && error.code === 'ABORTED'
}
