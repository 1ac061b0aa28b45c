/**
 * `@slotkit/core/format`: display helpers for slots and bookings, built on
 * `Intl` only (no Temporal, no engine import), so a browser bundle stays small.
 *
 * - Instants are epoch milliseconds, or RFC 3339 date-time strings with an
 *   offset (`'2024-01-15T19:00:00Z'`); dates are `YYYY-MM-DD`; zones IANA ids.
 * - The default locale is `en-US` (fixed, not the runtime's), so server-side
 *   output such as e-mails does not depend on the machine.
 * - Output spaces are plain: ICU's U+202F (before AM/PM), U+2009 (around range
 *   dashes) and U+00A0 are replaced by U+0020, so e-mails and tests are stable.
 * - `Intl.DateTimeFormat` instances are cached per locale, zone and options.
 * - Invalid input throws a `SchedulingError`: INVALID_TIME_ZONE, INVALID_DATE,
 *   INVALID_RANGE or VALIDATION_FAILED (bad locale or option).
 * - Locales: `canonicalLocale`, the BCP 47 fallback chain (`localeFallbacks`,
 *   `catalogChain`), `textDirection`, and `TRANSLATED_LOCALES`, the languages
 *   the widget and the server's e-mails are translated into.
 * - It also carries core's integer calendar arithmetic on epoch days
 *   (`daysFromCivil`, `formatIsoDate`, `DAY_MS`, ...) and `canonicalTimeZone`,
 *   the same functions `@slotkit/core` exports, for callers without Temporal.
 *
 * @example
 * ```ts
 * import { formatSlotDateTime } from '@slotkit/core/format'
 *
 * formatSlotDateTime('2024-01-15T19:00:00Z', { timeZone: 'America/New_York' })
 * // 'Monday, January 15, 2024 at 2:00 PM EST'
 * ```
 *
 * @packageDocumentation
 */

export { canonicalTimeZone } from '../time/canonical-time-zone'
export {
  civilFromDays,
  DAY_MS,
  dayOfWeekOf,
  daysFromCivil,
  daysInMonth,
  formatIsoDate,
  isIsoDate,
  MINUTE_MS,
  parseIsoDate,
} from '../time/epoch-day'
export type { DateHeadingOptions } from './dates'
export { formatDateHeading, localDateOf, weekdayNames } from './dates'
export type {
  BothZonesInput,
  BothZonesLines,
  SlotDateTimeFormatOptions,
  SlotRangeFormatOptions,
  SlotTimeFormatOptions,
  TimeZoneNameStyle,
} from './format-slot'
export {
  formatInBothZones,
  formatSlotDateTime,
  formatSlotRange,
  formatSlotTime,
  uses12HourClock,
} from './format-slot'
export type { InstantInput } from './intl-cache'
export { isKnownTimeZone } from './intl-cache'
export type { TranslatedLocale } from './locale'
export {
  canonicalLocale,
  catalogChain,
  localeFallbacks,
  TRANSLATED_LOCALES,
  textDirection,
} from './locale'
export { listTimeZones, supportedTimeZones, zoneCityLabel, zoneOffsetLabel } from './zones'
