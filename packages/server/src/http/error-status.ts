import type { ErrorCode } from '@slotkit/core'

/**
 * HTTP status of every error code. `satisfies` makes a new code in core's list
 * fail to compile here until it has a status.
 */
export const ERROR_STATUS = {
  INVALID_TIME_ZONE: 400,
  INVALID_DATE: 400,
  INVALID_TIME: 400,
  INVALID_RANGE: 400,
  INVALID_DURATION: 400,
  INVALID_RULES: 400,
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  SLOT_UNAVAILABLE: 409,
  CONCURRENT_MODIFICATION: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  BOOKING_NOT_ACTIVE: 409,
  BOOKING_IN_PAST: 409,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 409,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
  INTEGRATION_NOT_CONFIGURED: 501,
  ENCRYPTION_KEY_MISSING: 503,
  OAUTH_STATE_INVALID: 400,
  OAUTH_ACCESS_DENIED: 400,
  PROVIDER_ERROR: 502,
} as const satisfies Record<ErrorCode, number>

/** The status for `code`. */
export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code]
}
