/**
 * Shared plumbing of the format entry: a cache of `Intl.DateTimeFormat`
 * instances, instant parsing and the white-space normalization. Intl only: this
 * entry never imports Temporal or the engine, so the widget stays small.
 */
import { SchedulingError } from '../errors/scheduling-error'
import { DAY_MS, daysFromCivil, MINUTE_MS } from '../time/epoch-day'

/** An instant: epoch milliseconds, or an RFC 3339 date-time string with an offset. */
export type InstantInput = number | string

/** The locale used when none is given; fixed (not the runtime's) so server output is stable. */
export const DEFAULT_LOCALE = 'en-US'

const RFC_3339 =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/

/** Turns an instant input into epoch ms, or throws INVALID_DATE. */
export function toEpochMs(instant: InstantInput, field = 'instant'): number {
  if (typeof instant === 'number') {
    if (Number.isFinite(instant)) return instant
  } else if (typeof instant === 'string' && RFC_3339.test(instant)) {
    const ms = Date.parse(instant)
    if (Number.isFinite(ms)) return ms
  }
  throw new SchedulingError(
    'INVALID_DATE',
    `${field} must be epoch milliseconds or an RFC 3339 date-time with offset, got ${JSON.stringify(instant)}`,
    { field, value: typeof instant === 'string' || typeof instant === 'number' ? instant : null },
  )
}

// ICU puts U+202F (narrow no-break space) before AM/PM, U+2009 (thin space)
// around the en dash of ranges and U+00A0 in some locales. E-mails, logs and
// snapshot tests want plain spaces, so every string this entry returns is
// normalized.
const SPECIAL_SPACES = /[\u00a0\u2009\u202f]/g

/** Replaces ICU's special spaces with a plain space. */
export function normalizeSpaces(text: string): string {
  return text.replace(SPECIAL_SPACES, ' ')
}

const MAX_CACHED = 500
const formatters = new Map<string, Intl.DateTimeFormat>()

/**
 * A cached `Intl.DateTimeFormat` (building one costs tens of microseconds; the
 * same few locale/zone/option sets are used over and over). Unknown zones and
 * locales become a {@link SchedulingError}.
 */
export function getDateTimeFormat(
  locale: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`
  let formatter = formatters.get(key)
  if (formatter === undefined) {
    formatter = createFormat(locale, options)
    // A plain bounded cache: when full, start over (the working set is small).
    if (formatters.size >= MAX_CACHED) formatters.clear()
    formatters.set(key, formatter)
  }
  return formatter
}

function createFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale, options)
  } catch (error) {
    if (
      error instanceof RangeError &&
      options.timeZone !== undefined &&
      !isKnownTimeZone(options.timeZone)
    ) {
      throw new SchedulingError(
        'INVALID_TIME_ZONE',
        `Unknown time zone ${JSON.stringify(options.timeZone)}`,
        { field: 'timeZone', value: options.timeZone },
        { cause: error },
      )
    }
    throw new SchedulingError(
      'VALIDATION_FAILED',
      `Invalid locale or format options (locale ${JSON.stringify(locale)})`,
      { field: 'locale', value: locale },
      { cause: error },
    )
  }
}

const knownZones = new Map<string, boolean>()

/**
 * True when the runtime's `Intl` knows `timeZone` (an IANA id such as
 * `Europe/Berlin`, old names included), false for anything else. Memoised
 * (bounded like the formatter cache): pickers and renders ask again and again.
 *
 * @example
 * ```ts
 * import { isKnownTimeZone } from '@slotkit/core/format'
 *
 * isKnownTimeZone('Asia/Kathmandu') // true
 * isKnownTimeZone('Mars/Olympus') // false
 * ```
 */
export function isKnownTimeZone(timeZone: string): boolean {
  let known = knownZones.get(timeZone)
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat(DEFAULT_LOCALE, { timeZone })
      known = true
    } catch {
      known = false
    }
    if (knownZones.size >= MAX_CACHED) knownZones.clear()
    knownZones.set(timeZone, known)
  }
  return known
}

/** Wall-clock fields of an instant in a zone (proleptic Gregorian, 24-hour). */
export interface ZonedFields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
}

/** The wall-clock fields of `epochMs` in `timeZone`, through Intl. */
export function zonedFields(epochMs: number, timeZone: string): ZonedFields {
  const formatter = getDateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 }
  let bc = false
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type === 'era') bc = part.value.startsWith('B')
    else if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value)
  }
  if (bc) fields.year = 1 - fields.year
  return fields
}

/** The UTC offset of `timeZone` at `epochMs`, in whole minutes (east positive). */
export function offsetMinutesAt(epochMs: number, timeZone: string): number {
  const f = zonedFields(epochMs, timeZone)
  // Integer days-from-civil, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  const wall =
    daysFromCivil(f.year, f.month, f.day) * DAY_MS +
    ((f.hour * 60 + f.minute) * 60 + f.second) * 1000
  return Math.round((wall - Math.floor(epochMs / 1000) * 1000) / MINUTE_MS)
}
