import { canonicalTimeZone } from '../time/canonical-time-zone'
import { type InstantInput, isKnownTimeZone, offsetMinutesAt, toEpochMs } from './intl-cache'

/**
 * The UTC offset of `timeZone` at `instant` as "GMT±HH:MM" ("GMT+00:00" for
 * UTC itself), independent of locale.
 *
 * @example
 * ```ts
 * zoneOffsetLabel(Date.UTC(2024, 0, 15, 19), 'America/New_York') // 'GMT-05:00'
 * zoneOffsetLabel(Date.UTC(2024, 6, 15, 19), 'America/New_York') // 'GMT-04:00'
 * zoneOffsetLabel(Date.UTC(2024, 0, 15), 'Asia/Kathmandu') // 'GMT+05:45'
 * ```
 */
export function zoneOffsetLabel(instant: InstantInput, timeZone: string): string {
  const minutes = offsetMinutesAt(toEpochMs(instant), timeZone)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `GMT${sign}${hh}:${mm}`
}

/**
 * A readable place name for an IANA zone: its last segment with spaces for
 * underscores ("America/New_York" → "New York", "America/Argentina/Buenos_Aires"
 * → "Buenos Aires", "UTC" → "UTC"). A pure string transform; it does not check
 * that the zone exists.
 *
 * @example
 * ```ts
 * zoneCityLabel('America/New_York') // 'New York'
 * ```
 */
export function zoneCityLabel(timeZone: string): string {
  const last = timeZone.slice(timeZone.lastIndexOf('/') + 1)
  return last.replace(/_/g, ' ')
}

// Used when the runtime lacks Intl.supportedValuesOf (older browsers): one
// common zone per region and offset, enough for a picker.
const FALLBACK_ZONES = [
  'Africa/Cairo',
  'Africa/Johannesburg',
  'Africa/Lagos',
  'Africa/Nairobi',
  'America/Anchorage',
  'America/Argentina/Buenos_Aires',
  'America/Bogota',
  'America/Chicago',
  'America/Denver',
  'America/Halifax',
  'America/Los_Angeles',
  'America/Mexico_City',
  'America/New_York',
  'America/Phoenix',
  'America/Santiago',
  'America/Sao_Paulo',
  'America/St_Johns',
  'America/Toronto',
  'America/Vancouver',
  'Asia/Bangkok',
  'Asia/Dhaka',
  'Asia/Dubai',
  'Asia/Hong_Kong',
  'Asia/Jakarta',
  'Asia/Jerusalem',
  'Asia/Karachi',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Manila',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Tehran',
  'Asia/Tokyo',
  'Atlantic/Azores',
  'Atlantic/Reykjavik',
  'Australia/Adelaide',
  'Australia/Brisbane',
  'Australia/Perth',
  'Australia/Sydney',
  'Europe/Amsterdam',
  'Europe/Athens',
  'Europe/Berlin',
  'Europe/Dublin',
  'Europe/Istanbul',
  'Europe/Lisbon',
  'Europe/London',
  'Europe/Madrid',
  'Europe/Moscow',
  'Europe/Paris',
  'Europe/Rome',
  'Europe/Stockholm',
  'Europe/Warsaw',
  'Europe/Zurich',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Pacific/Honolulu',
  'Pacific/Kiritimati',
  'Pacific/Tongatapu',
  'UTC',
] as const

let cachedSupported: readonly string[] | null | undefined
let cachedZones: readonly string[] | undefined

/**
 * The IANA zones the runtime lists, sorted, for a zone picker: from
 * `Intl.supportedValuesOf('timeZone')`, renamed zones under their current
 * name (`Asia/Kolkata`, not ICU's `Asia/Calcutta`) and `UTC` added; or
 * `undefined` where that API is missing. Computed once. {@link listTimeZones}
 * falls back to a built-in list there; a browser bundle that can do without
 * that list (0.4 KB gzipped) calls this instead.
 *
 * @example
 * ```ts
 * supportedTimeZones()?.includes('Asia/Kolkata') // true in Node 20 and current browsers
 * ```
 */
export function supportedTimeZones(): readonly string[] | undefined {
  cachedSupported ??= computeSupported() ?? null
  return cachedSupported ?? undefined
}

/**
 * The IANA zones the runtime knows, sorted, for a zone picker: those of
 * {@link supportedTimeZones}, or a built-in list of about 60 common zones where
 * the runtime cannot list its zones. Computed once.
 *
 * @example
 * ```ts
 * listTimeZones().includes('Europe/London') // true
 * ```
 */
export function listTimeZones(): readonly string[] {
  cachedZones ??=
    supportedTimeZones() ?? Object.freeze(FALLBACK_ZONES.filter(isKnownTimeZone).sort())
  return cachedZones
}

function computeSupported(): readonly string[] | undefined {
  const supportedValuesOf = (Intl as { supportedValuesOf?: (key: 'timeZone') => string[] })
    .supportedValuesOf
  if (typeof supportedValuesOf !== 'function') return undefined
  const zones = new Set<string>(['UTC'])
  for (const zone of supportedValuesOf('timeZone')) {
    // ICU lists some zones under their old names (Asia/Calcutta): show the current one.
    const current = canonicalTimeZone(zone)
    zones.add(current !== zone && isKnownTimeZone(current) ? current : zone)
  }
  return Object.freeze([...zones].sort())
}
