import { SchedulingError } from '../errors/scheduling-error'
import { DAY_MS, daysFromCivil, parseIsoDate } from '../time/epoch-day'
import {
  DEFAULT_LOCALE,
  getDateTimeFormat,
  type InstantInput,
  normalizeSpaces,
  toEpochMs,
  zonedFields,
} from './intl-cache'

/** Noon UTC of a `YYYY-MM-DD` date, or INVALID_DATE for a malformed or impossible date. */
function noonUtcOf(date: string): number {
  return parseIsoDate(date, 'date') * DAY_MS + DAY_MS / 2
}

/** Options of {@link formatDateHeading}. */
export interface DateHeadingOptions {
  /** Weekday name; default `'long'`, `false` to leave it out. */
  readonly weekday?: 'long' | 'short' | false
  /** Month name; default `'long'`. */
  readonly month?: 'long' | 'short'
  /** Show the year; default true. */
  readonly year?: boolean
}

/**
 * Formats a calendar date (no zone involved: a date is a date) as a heading,
 * e.g. "Monday, January 15, 2024" (en-US) or "Montag, 15. Januar 2024" (de-DE).
 *
 * @example
 * ```ts
 * formatDateHeading('2024-01-15') // 'Monday, January 15, 2024'
 * formatDateHeading('2024-01-15', 'en-GB', { year: false, month: 'short' }) // 'Monday 15 Jan'
 * ```
 */
export function formatDateHeading(
  date: string,
  locale: string = DEFAULT_LOCALE,
  options: DateHeadingOptions = {},
): string {
  const weekday = options.weekday ?? 'long'
  const formatter = getDateTimeFormat(locale, {
    timeZone: 'UTC',
    ...(weekday === false ? {} : { weekday }),
    ...(options.year === false ? {} : { year: 'numeric' }),
    month: options.month ?? 'long',
    day: 'numeric',
  })
  return normalizeSpaces(formatter.format(noonUtcOf(date)))
}

// 2024-01-07 was a Sunday: the reference week for weekday names.
const REFERENCE_SUNDAY_NOON_UTC = daysFromCivil(2024, 1, 7) * DAY_MS + DAY_MS / 2

/**
 * The seven weekday names of `locale`, starting at `firstDayOfWeek`
 * (0 = Sunday … 6 = Saturday, as in the API), for calendar headers.
 *
 * @example
 * ```ts
 * weekdayNames('en-US', 0) // ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
 * weekdayNames('de-DE', 1, 'long')[0] // 'Montag'
 * ```
 */
export function weekdayNames(
  locale: string = DEFAULT_LOCALE,
  firstDayOfWeek = 0,
  style: 'long' | 'short' | 'narrow' = 'short',
): string[] {
  if (!Number.isInteger(firstDayOfWeek) || firstDayOfWeek < 0 || firstDayOfWeek > 6) {
    throw new SchedulingError(
      'VALIDATION_FAILED',
      `firstDayOfWeek must be an integer 0 (Sunday) to 6 (Saturday), got ${firstDayOfWeek}`,
      { field: 'firstDayOfWeek', value: firstDayOfWeek },
    )
  }
  const formatter = getDateTimeFormat(locale, { timeZone: 'UTC', weekday: style })
  return Array.from({ length: 7 }, (_, i) =>
    normalizeSpaces(
      formatter.format(REFERENCE_SUNDAY_NOON_UTC + ((firstDayOfWeek + i) % 7) * DAY_MS),
    ),
  )
}

/**
 * The calendar date `YYYY-MM-DD` on which `instant` falls in `timeZone` (via
 * Intl), e.g. to group slots under a day heading in the viewer's zone.
 *
 * @example
 * ```ts
 * localDateOf('2024-01-16T03:00:00Z', 'America/New_York') // '2024-01-15'
 * localDateOf('2024-01-16T03:00:00Z', 'Asia/Kathmandu') // '2024-01-16'
 * ```
 */
export function localDateOf(instant: InstantInput, timeZone: string): string {
  const f = zonedFields(toEpochMs(instant), timeZone)
  const year =
    f.year < 0
      ? `-${String(-f.year).padStart(6, '0')}`
      : f.year > 9999
        ? `+${f.year}`
        : String(f.year).padStart(4, '0')
  return `${year}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`
}
