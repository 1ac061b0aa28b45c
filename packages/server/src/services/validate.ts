import {
  assertValidTimeZone,
  canonicalTimeZone,
  daysFromCivil,
  formatIsoDate,
  isIsoDate,
  isSchedulingError,
  parseRfc3339,
} from '@slotkit/core'
import { MAX_LOCALE_LENGTH } from '@slotkit/core/api'
import { canonicalLocale } from '@slotkit/core/format'
import { ApiError, invalidField } from '../http/api-error'

/**
 * The zone's current IANA name, or 400 INVALID_TIME_ZONE naming `field` unless
 * `zone` is a known IANA zone. Old names are accepted and answered with the
 * current one (`Asia/Katmandu` → `Asia/Kathmandu`), so one zone is stored,
 * cached and sent back under one name whatever the caller's browser reports.
 */
export function checkTimeZone(zone: string, field: string): string {
  try {
    assertValidTimeZone(zone, field)
  } catch (error) {
    if (isSchedulingError(error))
      throw new ApiError('INVALID_TIME_ZONE', `${field}: unknown time zone "${zone}"`, { field })
    throw error
  }
  return canonicalTimeZone(zone)
}

/**
 * The canonical form of a BCP 47 tag (`FR-fr` → `fr-FR`), or 400
 * VALIDATION_FAILED naming `field` when it is not well formed (`en-US-US`).
 * The schema has checked its shape and length already.
 */
export function checkLocale(tag: string, field: string): string {
  const canonical = canonicalLocale(tag)
  if (canonical === undefined || canonical.length > MAX_LOCALE_LENGTH)
    throw invalidField(field, `"${tag}" is not a well-formed BCP 47 language tag`)
  return canonical
}

/** 400 INVALID_DATE naming `field` unless `date` is a real calendar day (no 2027-02-30). */
export function checkDate(date: string, field: string): void {
  if (!isIsoDate(date))
    throw new ApiError('INVALID_DATE', `${field}: "${date}" is not a real calendar date`, { field })
}

/** The instant of an RFC 3339 timestamp, or 400 INVALID_DATE naming `field`. */
export function parseInstant(text: string, field: string): number {
  const datePart = text.slice(0, 10)
  checkDate(datePart, field)
  try {
    return parseRfc3339(text, field)
  } catch (error) {
    if (isSchedulingError(error))
      throw new ApiError('INVALID_DATE', `${field}: "${text}" is not an RFC 3339 date-time`, {
        field,
      })
    throw error
  }
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return formatIsoDate(epochDayOf(date) + days)
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  return epochDayOf(b) - epochDayOf(a)
}

// Core's integer days-from-civil on an already checked `YYYY-MM-DD`: the slots
// endpoint steps through dates for every uncached request, and a Date plus
// toISOString per step cost more than the step (so does a regex per step).
function epochDayOf(date: string): number {
  return daysFromCivil(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)),
    Number(date.slice(8, 10)),
  )
}
