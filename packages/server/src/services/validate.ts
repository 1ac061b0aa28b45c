import { assertValidTimeZone, isSchedulingError, parseRfc3339 } from '@slotkit/core'
import { ApiError } from '../http/api-error'

/** 400 INVALID_TIME_ZONE naming `field` unless `zone` is a known IANA zone. */
export function checkTimeZone(zone: string, field: string): void {
  try {
    assertValidTimeZone(zone, field)
  } catch (error) {
    if (isSchedulingError(error))
      throw new ApiError('INVALID_TIME_ZONE', `${field}: unknown time zone "${zone}"`, { field })
    throw error
  }
}

/** True when `date` (`YYYY-MM-DD`) is a real calendar day (no 2027-02-30). */
export function isRealDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const probe = new Date(Date.UTC(year, month - 1, day))
  return (
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day
  )
}

/** 400 INVALID_DATE naming `field` unless `date` is a real calendar day. */
export function checkDate(date: string, field: string): void {
  if (!isRealDate(date))
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
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  const [ay, am, ad] = a.split('-').map(Number) as [number, number, number]
  const [by, bm, bd] = b.split('-').map(Number) as [number, number, number]
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000)
}
