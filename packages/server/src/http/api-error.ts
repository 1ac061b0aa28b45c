import type { ErrorCode } from '@slotkit/core'

/** The body of every error reply. */
export interface ErrorReply {
  error: ErrorCode
  message: string
  details?: Record<string, unknown>
  [extra: string]: unknown
}

/**
 * An error a service or route throws on purpose; the error handler turns it into
 * `{error, message, details?, ...extra}` with the code's status.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Top-level fields besides error/message/details (e.g. `reason`, `alternatives` of a 409). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message)
  }
}

/** 429 RATE_LIMITED that tells the client when to retry (the `Retry-After` header). */
export class RateLimitedError extends ApiError {
  constructor(
    message: string,
    /** Whole seconds until a retry can succeed (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message)
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

/** 400 VALIDATION_FAILED naming `field`. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', `${field}: ${message}`, { field })
}

export function notFound(what: string): ApiError {
  return new ApiError('NOT_FOUND', `${what} not found`)
}
