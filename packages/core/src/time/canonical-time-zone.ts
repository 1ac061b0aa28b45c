/**
 * Current IANA names of renamed zones. No Temporal and no Intl: a plain table,
 * so the format entry (and the widget's bundle) can use it too.
 */

// Renames from the IANA tz database's `backward` file that engines still
// report: the same place under a new spelling (Asia/Calcutta → Asia/Kolkata in
// 2008, Europe/Kiev → Europe/Kyiv in 2022), plus Ulan_Bator and the two zones
// tzdb 2022b merged into Europe/Kyiv. CLDR keeps these old spellings as its
// canonical ids, so ICU reports them: Node 20's `resolvedOptions().timeZone`
// turns Asia/Kolkata back into Asia/Calcutta, and Debian's Chromium says
// Asia/Katmandu. Older renames whose new name CLDR adopted (Asia/Dacca →
// Asia/Dhaka) are not repeated, and merges of distinct places
// (Europe/Bratislava → Europe/Prague) are deliberately left out: a Slovak host
// keeps Bratislava.
const RENAMED: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Ulan_Bator': 'Asia/Ulaanbaatar',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Europe/Uzhgorod': 'Europe/Kyiv',
  'Europe/Zaporozhye': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
}

/**
 * The current IANA name of a zone id: a renamed zone's new name
 * (`Asia/Katmandu` → `Asia/Kathmandu`, `Asia/Calcutta` → `Asia/Kolkata`,
 * `Europe/Kiev` → `Europe/Kyiv`), any other id unchanged. Browsers and Node
 * still report some old names, so map a zone before showing or storing it.
 * A pure table lookup: it neither checks that the zone exists nor changes case.
 *
 * @example
 * ```ts
 * import { canonicalTimeZone } from '@slotkit/core/format'
 *
 * canonicalTimeZone('Asia/Katmandu') // 'Asia/Kathmandu'
 * canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) // the viewer's zone, current name
 * canonicalTimeZone('Europe/Berlin') // 'Europe/Berlin'
 * ```
 */
export function canonicalTimeZone(timeZone: string): string {
  // Own keys only: an id such as "constructor" must not reach Object.prototype.
  return Object.hasOwn(RENAMED, timeZone) ? (RENAMED[timeZone] as string) : timeZone
}
