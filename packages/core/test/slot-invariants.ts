/**
 * Invariants every correct `findSlots` / `checkSlot` pair satisfies (SEMANTICS.md), written
 * as plain assertions so the same checks run on the engine and on the oracle.
 */
import { expect } from 'vitest'
import type { CheckSlotInput, FindSlotsInput, Slot, SlotCheck } from '../src/types'
import { MIN } from './arbitraries'
import { addDays, intervalsOfDates, localDate, rangeOf } from './brute-force-oracle'

export interface SlotEngine {
  findSlots(input: FindSlotsInput): Slot[]
  checkSlot(input: CheckSlotInput): Pick<SlotCheck, 'ok'> & { slot?: Slot; reason?: string }
}

export function durationMs(input: FindSlotsInput): number {
  return (input.durationMinutes ?? input.meetingType.durationMinutes) * MIN
}

/** The busy blocked ranges of SEMANTICS §4.6. */
export function busyRanges(input: FindSlotsInput): { s: number; e: number }[] {
  return [
    ...(input.bookings ?? []).map((b) => ({
      s: b.startsAt - (b.bufferBeforeMinutes ?? 0) * MIN,
      e: b.endsAt + (b.bufferAfterMinutes ?? 0) * MIN,
    })),
    ...(input.events ?? [])
      .filter((e) => !e.transparent)
      .map((e) => ({ s: e.startsAt, e: e.endsAt })),
  ]
}

/** (b) no slot's blocked range overlaps a busy blocked range. */
export function expectNoConflicts(input: FindSlotsInput, slots: readonly Slot[]): void {
  const before = (input.meetingType.bufferBeforeMinutes ?? 0) * MIN
  const after = (input.meetingType.bufferAfterMinutes ?? 0) * MIN
  const busy = busyRanges(input)
  for (const slot of slots) {
    const s = slot.startsAt - before
    const e = slot.endsAt + after
    const hit = busy.find((b) => s < b.e && b.s < e)
    expect(hit, `slot ${JSON.stringify(slot)} overlaps busy ${JSON.stringify(hit)}`).toBeUndefined()
  }
}

/** (c) every slot lies inside one open interval, and its start inside the query range. */
export function expectInsideAvailability(input: FindSlotsInput, slots: readonly Slot[]): void {
  if (slots.length === 0) return
  const zone = input.schedule.timeZone
  const first = slots[0] as Slot
  const last = slots[slots.length - 1] as Slot
  const intervals = intervalsOfDates(
    input,
    addDays(localDate(first.startsAt, zone), -2),
    addDays(localDate(last.startsAt, zone), 2),
  )
  const { from, to } = rangeOf(input)
  for (const slot of slots) {
    const inside = intervals.some((iv) => iv.startsAt <= slot.startsAt && slot.endsAt <= iv.endsAt)
    expect(inside, `slot ${JSON.stringify(slot)} outside availability`).toBe(true)
    expect(slot.startsAt >= from && slot.startsAt < to, 'slot start outside the range').toBe(true)
  }
}

/** (d) sorted by start, no duplicates, each slot exactly the chosen duration long. */
export function expectSortedUnique(input: FindSlotsInput, slots: readonly Slot[]): void {
  const dur = durationMs(input)
  slots.forEach((slot, i) => {
    expect(slot.endsAt - slot.startsAt).toBe(dur)
    if (i > 0) expect(slot.startsAt).toBeGreaterThan((slots[i - 1] as Slot).startsAt)
  })
}

/** Instants worth asking `checkSlot` about: every grid point near the range, and near misses. */
export function probeStarts(input: FindSlotsInput, extra: readonly number[]): number[] {
  const zone = input.schedule.timeZone
  const { from, to } = rangeOf(input)
  const step =
    (input.meetingType.slotIntervalMinutes ??
      input.durationMinutes ??
      input.meetingType.durationMinutes) * MIN
  const intervals = intervalsOfDates(
    input,
    addDays(localDate(from, zone), -1),
    addDays(localDate(Math.max(from, to), zone), 1),
  )
  const out = new Set<number>(extra)
  for (const iv of intervals) {
    for (let t = iv.startsAt; t < iv.endsAt && out.size < 400; t += step) {
      out.add(t)
      out.add(t + MIN)
    }
    out.add(iv.endsAt - durationMs(input))
    out.add(iv.startsAt - MIN)
  }
  out.add(from)
  out.add(to)
  return [...out]
}

/** Strip the range from a find input to make a check input. */
export function checkInput(input: FindSlotsInput, startsAt: number): CheckSlotInput {
  const { range: _range, ...rest } = input
  return { ...rest, startsAt }
}
