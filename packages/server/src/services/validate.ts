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
  return isoDateOf(epochDayOf(date) + days)
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  return epochDayOf(b) - epochDayOf(a)
}

// Integer civil-calendar arithmetic (H. Hinnant's days_from_civil): the slots
// endpoint steps through dates for every uncached request, and a Date plus
// toISOString per step cost more than the step.
function epochDayOf(date: string): number {
  const y0 = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7))
  const d = Number(date.slice(8, 10))
  const y = m <= 2 ? y0 - 1 : y0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function isoDateOf(epochDay: number): string {
  const z = epochDay + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`
}
