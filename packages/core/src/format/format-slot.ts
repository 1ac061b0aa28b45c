import { SchedulingError } from '../errors/scheduling-error'
import {
  DEFAULT_LOCALE,
  getDateTimeFormat,
  type InstantInput,
  normalizeSpaces,
  toEpochMs,
} from './intl-cache'

/** How to show the time zone in a formatted date-time (`false`: not at all). */
export type TimeZoneNameStyle =
  | 'short'
  | 'long'
  | 'shortOffset'
  | 'longOffset'
  | 'shortGeneric'
  | 'longGeneric'
  | false

/** Options of {@link formatSlotTime}. */
export interface SlotTimeFormatOptions {
  /** IANA zone to show the instant in (the viewer's). */
  readonly timeZone: string
  /** BCP 47 locale; default `en-US`. */
  readonly locale?: string
  /** Force a 12-hour (`true`) or 24-hour (`false`) clock; default: the locale's. */
  readonly hour12?: boolean
}

/** Options of {@link formatSlotDateTime} and {@link formatSlotRange}. */
export interface SlotDateTimeFormatOptions extends SlotTimeFormatOptions {
  /** Zone label; default `'short'` ("EST", or "GMT+5:45" where the locale has no abbreviation). */
  readonly timeZoneName?: TimeZoneNameStyle
}

/** Options of {@link formatSlotRange}. */
export interface SlotRangeFormatOptions extends SlotDateTimeFormatOptions {
  /** Only the times ("2:00 – 2:30 PM"), no date; the zone label then defaults to none. */
  readonly timeOnly?: boolean
}

type HourCycle = 'h11' | 'h12' | 'h23' | 'h24'

function localeHourCycle(locale: string): HourCycle {
  const cycle = getDateTimeFormat(locale, { hour: 'numeric', timeZone: 'UTC' }).resolvedOptions()
    .hourCycle
  return cycle ?? 'h23'
}

/**
 * The hour fields to use. `hourCycle` instead of `hour12`, because
 * `hour12: false` resolves to h24 in en-US and prints midnight as "24:00".
 * 24-hour clocks use a two-digit hour ("09:00"), as en-GB and de-DE write it.
 */
function hourFields(
  locale: string,
  hour12: boolean | undefined,
): Pick<Intl.DateTimeFormatOptions, 'hour' | 'hourCycle'> {
  const native = localeHourCycle(locale)
  const nativeIs12 = native === 'h11' || native === 'h12'
  let cycle: HourCycle
  if (hour12 === undefined) cycle = nativeIs12 ? native : 'h23'
  else if (hour12) cycle = nativeIs12 ? native : 'h12'
  else cycle = 'h23'
  return { hour: cycle === 'h23' ? '2-digit' : 'numeric', hourCycle: cycle }
}

const DATE_FIELDS = {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
} as const satisfies Intl.DateTimeFormatOptions

function zoneNameOption(style: TimeZoneNameStyle | undefined, fallback: TimeZoneNameStyle) {
  const value = style === undefined ? fallback : style
  return value === false ? {} : { timeZoneName: value }
}

/**
 * Formats the time of day of an instant in a zone, e.g. "2:00 PM" (en-US) or
 * "14:00" (en-GB). Special ICU spaces are replaced by plain spaces.
 *
 * @example
 * ```ts
 * formatSlotTime(Date.UTC(2024, 0, 15, 19), { timeZone: 'America/New_York' }) // '2:00 PM'
 * formatSlotTime('2024-01-15T19:00:00Z', { timeZone: 'Europe/London', locale: 'en-GB' }) // '19:00'
 * ```
 */
export function formatSlotTime(instant: InstantInput, options: SlotTimeFormatOptions): string {
  const locale = options.locale ?? DEFAULT_LOCALE
  const formatter = getDateTimeFormat(locale, {
    timeZone: options.timeZone,
    ...hourFields(locale, options.hour12),
    minute: '2-digit',
  })
  return normalizeSpaces(formatter.format(toEpochMs(instant)))
}

/**
 * Formats an instant as a full date and time in a zone, e.g. "Monday, January
 * 15, 2024 at 2:00 PM EST" (en-US); other locales follow Intl ("Montag,
 * 15. Januar 2024 um 14:00 GMT-5"). Special ICU spaces become plain spaces.
 *
 * @example
 * ```ts
 * formatSlotDateTime(Date.UTC(2024, 0, 15, 19), { timeZone: 'America/New_York' })
 * // 'Monday, January 15, 2024 at 2:00 PM EST'
 * ```
 */
export function formatSlotDateTime(
  instant: InstantInput,
  options: SlotDateTimeFormatOptions,
): string {
  const locale = options.locale ?? DEFAULT_LOCALE
  const formatter = getDateTimeFormat(locale, {
    timeZone: options.timeZone,
    ...DATE_FIELDS,
    ...hourFields(locale, options.hour12),
    minute: '2-digit',
    ...zoneNameOption(options.timeZoneName, 'short'),
  })
  return normalizeSpaces(formatter.format(toEpochMs(instant)))
}

/**
 * Formats `[startsAt, endsAt)` in a zone with Intl's range formatting, which
 * leaves out what both ends share: "Monday, January 15, 2024, 2:00 – 2:30 PM
 * EST", or with `timeOnly` "2:00 – 2:30 PM". A range over midnight shows both
 * dates. Throws INVALID_RANGE when the end is before the start.
 *
 * @example
 * ```ts
 * const startsAt = Date.UTC(2024, 0, 15, 19)
 * formatSlotRange(startsAt, startsAt + 30 * 60_000, { timeZone: 'America/New_York', timeOnly: true })
 * // '2:00 – 2:30 PM'
 * ```
 */
export function formatSlotRange(
  startsAt: InstantInput,
  endsAt: InstantInput,
  options: SlotRangeFormatOptions,
): string {
  const start = toEpochMs(startsAt, 'startsAt')
  const end = toEpochMs(endsAt, 'endsAt')
  if (end < start) {
    throw new SchedulingError('INVALID_RANGE', 'endsAt is before startsAt', {
      field: 'endsAt',
      startsAt: start,
      endsAt: end,
    })
  }
  const locale = options.locale ?? DEFAULT_LOCALE
  const formatter = getDateTimeFormat(locale, {
    timeZone: options.timeZone,
    ...(options.timeOnly ? {} : DATE_FIELDS),
    ...hourFields(locale, options.hour12),
    minute: '2-digit',
    ...zoneNameOption(options.timeZoneName, options.timeOnly ? false : 'short'),
  })
  return normalizeSpaces(formatter.formatRange(start, end))
}

/** Input of {@link formatInBothZones}. */
export interface BothZonesInput {
  readonly startsAt: InstantInput
  readonly endsAt: InstantInput
  readonly inviteeTimeZone: string
  readonly hostTimeZone: string
  /** BCP 47 locale; default `en-US`. */
  readonly locale?: string
  /** Force a 12- or 24-hour clock; default: the locale's. */
  readonly hour12?: boolean
}

/** The two lines of {@link formatInBothZones}. */
export interface BothZonesLines {
  /** The meeting in the invitee's zone. */
  readonly invitee: string
  /** The meeting in the host's zone. */
  readonly host: string
}

/**
 * Formats a meeting in the invitee's and in the host's zone, for confirmation
 * pages and e-mails (docs/architecture.md, "Time model": e-mails show both).
 *
 * @example
 * ```ts
 * const startsAt = Date.UTC(2024, 0, 15, 19)
 * formatInBothZones({
 *   startsAt,
 *   endsAt: startsAt + 30 * 60_000,
 *   inviteeTimeZone: 'America/New_York',
 *   hostTimeZone: 'Europe/London',
 *   locale: 'en-GB',
 * })
 * // { invitee: 'Monday, 15 January 2024, 14:00–14:30 GMT-5',
 * //   host: 'Monday, 15 January 2024, 19:00–19:30 GMT' }
 * ```
 */
export function formatInBothZones(input: BothZonesInput): BothZonesLines {
  const common = { locale: input.locale, hour12: input.hour12 }
  return {
    invitee: formatSlotRange(input.startsAt, input.endsAt, {
      ...common,
      timeZone: input.inviteeTimeZone,
    }),
    host: formatSlotRange(input.startsAt, input.endsAt, {
      ...common,
      timeZone: input.hostTimeZone,
    }),
  }
}

/**
 * True when `locale` shows a 12-hour clock by default (en-US), false for a
 * 24-hour one (en-GB, de-DE).
 *
 * @example
 * ```ts
 * uses12HourClock('en-US') // true
 * uses12HourClock('de-DE') // false
 * ```
 */
export function uses12HourClock(locale: string = DEFAULT_LOCALE): boolean {
  const cycle = localeHourCycle(locale)
  return cycle === 'h11' || cycle === 'h12'
}
