import { appendOpenIntervalsOfDay } from '../availability/compile-schedule'
import type { Interval } from '../types'
import type { SlotContext } from './slot-context'
import { localDay } from './slot-context'

/**
 * The host's open intervals of every host-local date that can hold a bookable
 * start in `[from, to)`: the local dates of `from` and `to` with two days of
 * margin each side (an interval of date D can hold instants of D − 1 or D + 1
 * around midnight transitions), narrowed to the booking window.
 */
export function openIntervalsBetween(context: SlotContext, from: number, to: number): Interval[] {
  const out: Interval[] = []
  if (from >= to) return out
  const table = context.schedule.table
  let first = localDay(table.offsetAt(from), from) - 2
  let last = localDay(table.offsetAt(to), to) + 2
  if (first < context.minDay - 2) first = context.minDay - 2
  if (last > context.maxDay + 2) last = context.maxDay + 2
  for (let day = first; day <= last; day++) appendOpenIntervalsOfDay(context.schedule, day, out)
  return out
}
