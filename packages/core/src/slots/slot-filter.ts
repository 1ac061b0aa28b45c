import type { SlotRejectionReason } from '../errors/codes'
import type { ZoneTable } from '../time/zone-table'
import { localDay, type SlotContext, weekStart } from './slot-context'

/**
 * Filters 3–6 of SEMANTICS.md §4 (TOO_SOON, TOO_FAR, LIMIT_REACHED, CONFLICT),
 * in that order, for candidate starts fed in **non-decreasing** order: the
 * conflict check sweeps the merged busy list with a moving index, and the
 * per-date verdict is cached while consecutive candidates share a local date.
 * Integer arithmetic only; no allocation per candidate.
 */
export class SlotFilter {
  private readonly context: SlotContext
  private readonly table: ZoneTable
  private busyIndex = 0
  private day = Number.NaN
  private dayReason: SlotRejectionReason | null = null

  constructor(context: SlotContext) {
    this.context = context
    this.table = context.schedule.table
  }

  /** The first failing reason among filters 3–6 for a start at `startsAt`, or null. */
  reject(startsAt: number): SlotRejectionReason | null {
    const context = this.context
    if (startsAt < context.earliestStart) return 'TOO_SOON'
    if (context.needsDay) {
      const day = localDay(this.table.offsetAt(startsAt), startsAt)
      if (day !== this.day) {
        this.day = day
        this.dayReason = this.rejectDay(day)
      }
      if (this.dayReason !== null) return this.dayReason
    }
    const blockedStart = startsAt - context.bufferBeforeMs
    const blockedEnd = startsAt + context.durationMs + context.bufferAfterMs
    const busyStarts = context.busyStarts
    const busyEnds = context.busyEnds
    let index = this.busyIndex
    while (index < busyEnds.length && (busyEnds[index] as number) <= blockedStart) index++
    this.busyIndex = index
    if (index < busyStarts.length && (busyStarts[index] as number) < blockedEnd) return 'CONFLICT'
    return null
  }

  private rejectDay(day: number): SlotRejectionReason | null {
    const context = this.context
    if (day < context.minDay) return 'TOO_SOON'
    if (day > context.maxDay) return 'TOO_FAR'
    if ((context.perDay.get(day) ?? 0) >= context.maxPerDay) return 'LIMIT_REACHED'
    if ((context.perWeek.get(weekStart(day, context.weekStartsOn)) ?? 0) >= context.maxPerWeek) {
      return 'LIMIT_REACHED'
    }
    return null
  }
}
