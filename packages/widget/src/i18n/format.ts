/**
 * Display formatting for the widget. Times, dates, weekday names and zones
 * come from `@slotkit/core/format` (Intl only, so no Temporal reaches the
 * bundle); this module adds the few things a calendar UI needs on top: the
 * month title, the locale's first day of the week and the viewer's zone.
 */
import { canonicalTimeZone, formatSlotRange } from '@slotkit/core/format'

export {
  canonicalLocale,
  canonicalTimeZone,
  formatDateHeading,
  formatInBothZones,
  formatSlotDateTime,
  formatSlotRange,
  formatSlotTime,
  isKnownTimeZone as isValidTimeZone,
  localDateOf,
  localeFallbacks,
  supportedTimeZones,
  textDirection,
  uses12HourClock,
  weekdayNames,
  zoneCityLabel,
  zoneOffsetLabel,
} from '@slotkit/core/format'

/** "March 2027": the month `YYYY-MM` as a title. */
export function formatMonth(month: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(Date.parse(`${month}-01T12:00:00Z`))
}

/**
 * The first day of the week in `locale` (0 = Sunday), from `Intl.Locale`
 * week info where the engine has it (Chromium, Safari), else a region guess:
 * Sunday for the Americas and a few others, Monday elsewhere (ISO 8601).
 */
export function firstDayOfWeekFor(locale: string): number {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number }
      weekInfo?: { firstDay: number }
    }
    const info = l.getWeekInfo?.() ?? l.weekInfo
    if (info) return info.firstDay % 7
  } catch {
    // Not a valid tag: fall through to the guess.
  }
  return /^en(-US)?$|-(US|CA|MX|BR|JP|IL|PH|KR|TW|HK|ZA|IN)$/i.test(locale) ? 0 : 1
}

/**
 * The viewer's IANA zone under its current name, or `UTC` when the engine does
 * not say. Engines still report some retired names (Debian's Chromium says
 * Asia/Katmandu, Node 20 Asia/Calcutta), so the answer goes through
 * `canonicalTimeZone` before it is shown or sent.
 */
export function detectTimeZone(): string {
  try {
    return canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC')
  } catch {
    return 'UTC'
  }
}

/**
 * How the widget writes a zone, everywhere (zone button, list, summaries,
 * confirmation, live region): the current IANA name with spaces for
 * underscores, "America/New York", "Asia/Kathmandu".
 */
export function zoneName(timeZone: string): string {
  return canonicalTimeZone(timeZone).replace(/_/g, ' ')
}

/**
 * A meeting length in the locale's words and plural ("30 minutes", "30 Minuten",
 * "30 分", "30 دقيقة"), from `Intl.NumberFormat`'s unit style: no catalog string.
 */
export function formatDuration(minutes: number, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'minute',
    unitDisplay: 'long',
  }).format(minutes)
}

/** "9:00 – 9:30 AM": a slot's times only. */
export function formatTimes(
  start: string | number,
  end: string | number,
  o: { timeZone: string; locale: string; hour12?: boolean | undefined },
): string {
  return formatSlotRange(start, end, {
    timeZone: o.timeZone,
    locale: o.locale,
    timeOnly: true,
    ...(o.hour12 === undefined ? {} : { hour12: o.hour12 }),
  })
}
