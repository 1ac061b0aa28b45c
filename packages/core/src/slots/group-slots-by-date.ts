import { DAY_MS, formatIsoDate } from '../time/epoch-day'
import { getZoneTable } from '../time/zone-table'
import type { Slot, SlotsOnDate } from '../types'

/**
 * Groups slots under the calendar date on which each **starts** in `timeZone`
 * (any zone: the invitee's, the host's). Groups are sorted by date; inside a group
 * the slots keep their input order (sorted when the input is, as `findSlots` output is).
 * Throws `INVALID_TIME_ZONE` for an unknown zone.
 *
 * @example
 * ```ts
 * groupSlotsByDate(findSlots(input), 'Asia/Tokyo')
 * // [{ date: '2026-11-03', slots: [...] }, { date: '2026-11-04', slots: [...] }]
 * ```
 */
export function groupSlotsByDate<TSlot extends Slot>(
  slots: readonly TSlot[],
  timeZone: string,
): Array<SlotsOnDate & { slots: TSlot[] }> {
  const table = getZoneTable(timeZone)
  const byDay = new Map<number, TSlot[]>()
  for (const slot of slots) {
    const day = Math.floor((slot.startsAt + table.offsetAt(slot.startsAt)) / DAY_MS)
    const group = byDay.get(day)
    if (group === undefined) byDay.set(day, [slot])
    else group.push(slot)
  }
  return [...byDay.keys()]
    .sort((a, b) => a - b)
    .map((day) => ({ date: formatIsoDate(day), slots: byDay.get(day) as TSlot[] }))
}
