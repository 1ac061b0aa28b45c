import { SchedulingError } from '../errors/scheduling-error'
import type { Instant } from '../types'

/** Earliest instant core accepts: 0001-01-01T00:00:00Z. */
export const MIN_INSTANT = -62_135_596_800_000
/** Latest instant core accepts: 9999-12-31T23:59:59.999Z. */
export const MAX_INSTANT = 253_402_300_799_999

/**
 * Throws `INVALID_RANGE` (with `details.field`) unless `value` is a finite
 * epoch-millisecond number between years 0001 and 9999.
 */
export function assertInstant(value: unknown, field: string): asserts value is Instant {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < MIN_INSTANT ||
    value > MAX_INSTANT
  ) {
    throw new SchedulingError(
      'INVALID_RANGE',
      `${field} must be a finite instant in epoch milliseconds (years 0001–9999), got ${String(value)}`,
      { field, value: typeof value === 'number' ? String(value) : value },
    )
  }
}
