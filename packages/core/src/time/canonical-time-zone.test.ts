import { describe, expect, it } from 'vitest'
import * as format from '../format/index'
import * as root from '../index'
import { canonicalTimeZone } from './canonical-time-zone'

// The pairs the browsers and Node on Debian actually report (ICU keeps CLDR's
// old ids), plus the two zones tzdb 2022b merged into Kyiv.
const RENAMES = [
  ['Asia/Katmandu', 'Asia/Kathmandu'],
  ['Asia/Calcutta', 'Asia/Kolkata'],
  ['Europe/Kiev', 'Europe/Kyiv'],
  ['Europe/Uzhgorod', 'Europe/Kyiv'],
  ['Europe/Zaporozhye', 'Europe/Kyiv'],
  ['Asia/Saigon', 'Asia/Ho_Chi_Minh'],
  ['Asia/Rangoon', 'Asia/Yangon'],
  ['Asia/Ulan_Bator', 'Asia/Ulaanbaatar'],
  ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
  ['America/Godthab', 'America/Nuuk'],
  ['Pacific/Enderbury', 'Pacific/Kanton'],
  ['Atlantic/Faeroe', 'Atlantic/Faroe'],
] as const

/** Wall-clock text of instants in a zone: the oracle for "same zone", from Intl itself. */
function wallClock(timeZone: string): (epochMs: number) => string {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
  return (epochMs) => formatter.format(epochMs)
}

describe('canonicalTimeZone', () => {
  it.each(RENAMES)('%s is now %s', (old, current) => {
    expect(canonicalTimeZone(old)).toBe(current)
  })

  it.each([
    'Asia/Kathmandu',
    'Europe/Berlin',
    'America/New_York',
    'UTC',
    // A merge of two places, not a rename: Bratislava stays Bratislava.
    'Europe/Bratislava',
    // Unknown ids pass through (validation is assertValidTimeZone's job).
    'Mars/Olympus',
    '',
    // Own keys only: nothing from Object.prototype comes back.
    'constructor',
    '__proto__',
    'toString',
  ])('leaves %j as it is', (timeZone) => {
    expect(canonicalTimeZone(timeZone)).toBe(timeZone)
  })

  it('maps to names that are current themselves (idempotent)', () => {
    for (const [old] of RENAMES) {
      const current = canonicalTimeZone(old)
      expect(canonicalTimeZone(current)).toBe(current)
    }
  })

  it('maps each old name to the same clock: old and new agree on every month 2000–2035', () => {
    for (const [old, current] of RENAMES) {
      const [before, after] = [wallClock(old), wallClock(current)]
      for (let year = 2000; year <= 2035; year++) {
        for (let month = 0; month < 12; month++) {
          const at = Date.UTC(year, month, 15, 12)
          expect(after(at), `${old} vs ${current} at ${year}-${month + 1}`).toBe(before(at))
        }
      }
    }
  })

  it("undoes the runtime's own alias: resolvedOptions() may name Asia/Kolkata Asia/Calcutta", () => {
    // Node 20's ICU answers Asia/Calcutta here; newer engines keep the id given.
    const resolved = new Intl.DateTimeFormat('en-US', {
      timeZone: 'Asia/Kolkata',
    }).resolvedOptions().timeZone
    expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(resolved)
    expect(canonicalTimeZone(resolved)).toBe('Asia/Kolkata')
  })

  it('is exported from both @slotkit/core and @slotkit/core/format', () => {
    expect(root.canonicalTimeZone).toBe(canonicalTimeZone)
    expect(format.canonicalTimeZone).toBe(canonicalTimeZone)
    expect(format.daysFromCivil).toBe(root.daysFromCivil)
    expect(format.DAY_MS).toBe(86_400_000)
    expect(root.MINUTE_MS).toBe(60_000)
  })
})
