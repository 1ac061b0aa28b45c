import type { ErrorCode } from '@slotkit/core'

/**
 * An error a service or route throws on purpose; the error handler turns it into
 * core's `ErrorReply` (`{error, message, details?}`, plus `...extra`) with the
 * code's status.
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
