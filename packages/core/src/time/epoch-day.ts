/**
 * Proleptic-Gregorian calendar arithmetic on integer "epoch days" (days since
 * 1970-01-01), in pure integer math (H. Hinnant's days-from-civil /
 * civil-from-days). No Temporal, no Date: these run per day in hot paths. The
 * one copy for every package: core's engine, the server's date checks and the
 * widget's month grid (through `@slotkit/core/format`, which never loads Temporal).
 */
import { SchedulingError } from '../errors/scheduling-error'

/**
 * Milliseconds in a 24-hour day: epoch day × `DAY_MS` is that date's UTC midnight.
 * Not the length of a local day, which DST makes 23 or 25 hours in many zones.
 *
 * @example
 * ```ts
 * new Date(daysFromCivil(2026, 11, 1) * DAY_MS).toISOString() // '2026-11-01T00:00:00.000Z'
 * ```
 */
export const DAY_MS = 86_400_000
/**
 * Milliseconds in a minute: turns the API's integer minutes into instants' milliseconds.
 *
 * @example
 * ```ts
 * const endsAt = Date.UTC(2026, 10, 2, 14) + 30 * MINUTE_MS // a 30-minute slot's end
 * ```
 */
export const MINUTE_MS = 60_000

/**
 * Epoch day (days since 1970-01-01) of a proleptic-Gregorian `year-month-day`,
 * month 1–12. Total over integers, with no check: a day past the month's end
 * counts on into the next month (use {@link parseIsoDate} to validate text).
 *
 * @example
 * ```ts
 * daysFromCivil(1970, 1, 1) // 0
 * daysFromCivil(2026, 11, 1) // 20758
 * ```
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = month > 2 ? month - 3 : month + 9
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/**
 * `[year, month (1–12), day]` of an epoch day: the inverse of {@link daysFromCivil}.
 *
 * @example
 * ```ts
 * civilFromDays(20758) // [2026, 11, 1]
 * ```
 */
export function civilFromDays(epochDay: number): [number, number, number] {
  const z = epochDay + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return [month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day]
}

/**
 * Day of week of an epoch day: 0 = Sunday … 6 = Saturday, the API's convention
 * (1970-01-01 was a Thursday).
 *
 * @example
 * ```ts
 * dayOfWeekOf(daysFromCivil(2026, 11, 1)) // 0 (a Sunday)
 * ```
 */
export function dayOfWeekOf(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * True when `text` is a real calendar date `YYYY-MM-DD` (no 2027-02-29): the
 * check of {@link parseIsoDate} without its error, for callers that answer a
 * bad date their own way.
 *
 * @example
 * ```ts
 * isIsoDate('2028-02-29') // true
 * isIsoDate('2027-02-29') // false
 * isIsoDate('2027-2-1') // false
 * ```
 */
export function isIsoDate(text: unknown): text is string {
  return !Number.isNaN(epochDayOrNaN(text))
}

/**
 * Epoch day of a `YYYY-MM-DD` string; throws a `SchedulingError` `INVALID_DATE`
 * (with `details.field` set to `field`) when it is not a real calendar date.
 *
 * @example
 * ```ts
 * parseIsoDate('2028-02-29', 'date') // 21243
 * parseIsoDate('2027-02-29', 'date') // throws INVALID_DATE
 * ```
 */
export function parseIsoDate(text: unknown, field: string): number {
  const epochDay = epochDayOrNaN(text)
  if (!Number.isNaN(epochDay)) return epochDay
  throw new SchedulingError(
    'INVALID_DATE',
    `${field} must be a real date YYYY-MM-DD, got ${JSON.stringify(text)}`,
    {
      field,
      value: text,
    },
  )
}

// NaN rather than undefined or an exception: the one check, allocation-free.
function epochDayOrNaN(text: unknown): number {
  const match = typeof text === 'string' ? ISO_DATE.exec(text) : null
  if (match) {
    const year = Number(match[1])
    const month = Number(match[2])
    const day = Number(match[3])
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
      return daysFromCivil(year, month, day)
    }
  }
  return Number.NaN
}

/**
 * `YYYY-MM-DD` of an epoch day (years 0000–9999): the inverse of {@link parseIsoDate}.
 *
 * @example
 * ```ts
 * formatIsoDate(parseIsoDate('2026-12-31', 'date') + 1) // '2027-01-01'
 * ```
 */
export function formatIsoDate(epochDay: number): string {
  const [year, month, day] = civilFromDays(epochDay)
  // Conditional zeros rather than padStart: this runs once per day of every slots reply.
  return `${year < 1000 ? pad(year, 4) : year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`
}

/** Zero-padded decimal of a non-negative integer. */
export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}

/**
 * Days in `month` (1–12) of a proleptic-Gregorian `year`: 28 to 31.
 *
 * @example
 * ```ts
 * daysInMonth(2028, 2) // 29
 * daysInMonth(2100, 2) // 28
 * ```
 */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}
