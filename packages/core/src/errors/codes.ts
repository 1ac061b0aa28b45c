/**
 * Every error code Slotkit uses, in core, the server's HTTP API and the client.
 * Append-only: a code is never renamed or reused (deprecate it instead).
 * `docs/errors.md` documents each one; a test keeps the list, the docs and the
 * server's status table in step.
 */
export const ERROR_CODES = [
  // Invalid input to core (and, through validation, to the API).
  'INVALID_TIME_ZONE',
  'INVALID_DATE',
  'INVALID_TIME',
  'INVALID_RANGE',
  'INVALID_DURATION',
  'INVALID_RULES',
  'VALIDATION_FAILED',
  // HTTP API.
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
  // Calendar integrations (issue 12).
  'INTEGRATION_NOT_CONFIGURED',
  'ENCRYPTION_KEY_MISSING',
  'OAUTH_STATE_INVALID',
  'OAUTH_ACCESS_DENIED',
  'PROVIDER_ERROR',
  // CalDAV (issue 13).
  'CREDENTIALS_REJECTED',
  'CALENDAR_SERVER_UNREACHABLE',
  // Meeting locations (issue 12, stage B).
  'LOCATION_UNAVAILABLE',
] as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Why a requested slot cannot be booked (the `reason` of a 409 SLOT_UNAVAILABLE). */
export const SLOT_REJECTION_REASONS = [
  'OUTSIDE_AVAILABILITY',
  'MISALIGNED',
  'TOO_SOON',
  'TOO_FAR',
  'LIMIT_REACHED',
  'CONFLICT',
] as const

/** One of {@link SLOT_REJECTION_REASONS}. */
export type SlotRejectionReason = (typeof SLOT_REJECTION_REASONS)[number]

/** True when `value` is one of {@link ERROR_CODES}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
