import type { ApiSlot, SlotsDay, SlotsDayReply, SlotsRangeReply } from './types'

/**
 * A bookable slot as the client returns it: the wire's RFC 3339 `start`/`end`
 * (with the requested zone's offset, good for display and for booking) plus
 * the same instants parsed to epoch milliseconds (good for sorting, comparing
 * and `new Date(...)`).
 */
export interface Slot extends ApiSlot {
  /** `start` as epoch milliseconds (UTC). */
  readonly startsAt: number
  /** `end` as epoch milliseconds (UTC). */
  readonly endsAt: number
}

/** {@link SlotsDayReply} with each slot's instants parsed ({@link Slot}). */
export interface SlotsDayResult extends Omit<SlotsDayReply, 'slots'> {
  slots: Slot[]
}

/** One day of {@link SlotsRangeResult}. */
export interface SlotsDayEntry extends Omit<SlotsDay, 'slots'> {
  slots: Slot[]
}

/** {@link SlotsRangeReply} with each slot's instants parsed ({@link Slot}). */
export interface SlotsRangeResult extends Omit<SlotsRangeReply, 'days'> {
  days: SlotsDayEntry[]
}

/**
 * Adds `startsAt`/`endsAt` (epoch milliseconds) to a wire slot, keeping its
 * RFC 3339 `start`/`end` strings.
 *
 * @example
 * ```ts
 * toSlot({ start: '2027-03-14T09:00:00-04:00', end: '2027-03-14T09:30:00-04:00' }).startsAt
 * // 1805029200000 (2027-03-14T13:00:00Z)
 * ```
 */
export function toSlot(slot: ApiSlot): Slot {
  return { ...slot, startsAt: Date.parse(slot.start), endsAt: Date.parse(slot.end) }
}
