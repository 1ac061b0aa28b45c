import { assertValidTimeZone, canonicalTimeZone, toInstant } from '@slotkit/core'
import ICAL from 'ical.js'

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The wall clock of an ical.js time as `YYYY-MM-DD` and `HH:mm`, plus its seconds. */
function wallOf(time: { year: number; month: number; day: number; hour: number; minute: number }) {
  return {
    date: `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`,
    time: `${pad(time.hour)}:${pad(time.minute)}`,
  }
}

/**
 * The instant (epoch ms) of a wall-clock time in an IANA zone, with core's DST
 * policy (SEMANTICS.md §1), which is also RFC 5545's (§3.3.5): a time in a
 * spring-forward gap is read with the offset before the gap (pushed forward), one
 * in a fall-back overlap is the earlier instant.
 */
export function wallToInstant(
  time: {
    year: number
    month: number
    day: number
    hour: number
    minute: number
    second: number
  },
  timeZone: string,
): number {
  const wall = wallOf(time)
  return toInstant(wall.date, wall.time, timeZone) + time.second * 1000
}

/**
 * An ical.js time zone backed by the IANA database (through core's zone
 * tables), for a TZID that a calendar object uses without carrying its
 * VTIMEZONE: ical.js would otherwise read such times as floating, so an
 * `EXDATE` or `UNTIL` written in UTC would no longer match the occurrences it
 * means. `utcOffset` is asked with a local time, as ical.js does for its own
 * VTIMEZONE-based zones.
 */
class IanaTimezone extends ICAL.Timezone {
  readonly #timeZone: string
  readonly #offsets = new Map<number, number>()

  constructor(tzid: string, timeZone: string) {
    super({ tzid })
    this.#timeZone = timeZone
  }

  override utcOffset(time: ICAL.Time): number {
    // Keyed by the local minute: ical.js asks for the same times many times over.
    const key = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute)
    let offset = this.#offsets.get(key)
    if (offset === undefined) {
      // Fields one by one: ical.js times keep them behind accessors, which a spread drops.
      const instant = wallToInstant(
        {
          year: time.year,
          month: time.month,
          day: time.day,
          hour: time.hour,
          minute: time.minute,
          second: 0,
        },
        this.#timeZone,
      )
      offset = Math.round((key - instant) / 1000)
      if (this.#offsets.size > 20_000) this.#offsets.clear()
      this.#offsets.set(key, offset)
    }
    return offset
  }
}

/**
 * The IANA zone a TZID names, or undefined. Besides plain ids (`Europe/Berlin`)
 * it reads the prefixed spellings some clients write
 * (`/mozilla.org/20050126_1/America/New_York`, `/citadel.org/20190914_1/Europe/Paris`)
 * and maps renamed zones to their current name (`Asia/Calcutta` → `Asia/Kolkata`).
 */
export function ianaZoneOf(tzid: string): string | undefined {
  const segments = tzid.trim().replace(/^"|"$/g, '').split('/').filter(Boolean)
  // Longest suffix first: "America/Argentina/Buenos_Aires" before "Buenos_Aires".
  for (let start = 0; start < segments.length; start++) {
    const candidate = segments.slice(start).join('/')
    try {
      assertValidTimeZone(candidate)
      return canonicalTimeZone(candidate)
    } catch {
      // Not a zone this runtime knows; try a shorter suffix.
    }
  }
  return undefined
}

const TZID_PARAM = /;TZID=("[^"]*"|[^:;\r\n]*)/gi

/**
 * Registers with ical.js an IANA-backed zone for each TZID of `ics` that names
 * an IANA zone. ical.js prefers a VTIMEZONE of the object itself when there is
 * one (RFC 5545); these are its fallback, under their TZID as written. The
 * registry is global to ical.js, which is harmless here: a TZID naming an IANA
 * zone means that zone everywhere.
 */
export function registerIanaZones(ics: string): void {
  for (const match of ics.matchAll(TZID_PARAM)) {
    const tzid = (match[1] ?? '').replace(/^"|"$/g, '')
    if (!tzid || ICAL.TimezoneService.has(tzid)) continue
    const zone = ianaZoneOf(tzid)
    if (zone) ICAL.TimezoneService.register(new IanaTimezone(tzid, zone), tzid)
  }
}
