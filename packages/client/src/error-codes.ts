// A leaf module: it imports nothing, so errors.ts and types.ts can both use the
// code list without importing each other.

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
  'BOOKING_IN_PAST',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
  'INTEGRATION_NOT_CONFIGURED',
  'ENCRYPTION_KEY_MISSING',
  'OAUTH_STATE_INVALID',
  'OAUTH_ACCESS_DENIED',
  'PROVIDER_ERROR',
  'CREDENTIALS_REJECTED',
  'CALENDAR_SERVER_UNREACHABLE',
  'LOCATION_UNAVAILABLE',
] as const

/** A stable error code the server sends in `{ error: CODE }` (core's `ErrorCode`). */
export type ErrorCode = (typeof ERROR_CODES)[number]
