import { SchedulingError } from '../errors/scheduling-error'
import { DAY_MS, dayOfWeekOf, MINUTE_MS, parseIsoDate } from '../time/epoch-day'
import { parseWallTime } from '../time/wall-time'
import { getZoneTable, type ZoneTable } from '../time/zone-table'
import type { Interval, Schedule, TimeWindow } from '../types'

/**
 * A validated {@link Schedule} in integer form: windows as minute pairs
 * `[start, end, start, end, …]` sorted by start, overrides keyed by epoch day.
 */
export interface CompiledSchedule {
  readonly table: ZoneTable
  /** Index = day of week (0 = Sunday). */
  readonly weekly: readonly (readonly number[])[]
  /** Epoch day → windows of that date (an empty list = day off). */
  readonly overrides: ReadonlyMap<number, readonly number[]>
}

/**
 * Validates `schedule` and compiles it. Throws `INVALID_TIME_ZONE`, `INVALID_DATE`,
 * `INVALID_TIME` or `INVALID_RULES`, with `details.field` under `field`.
 * Several overrides for the same date are combined (the union of their windows),
 * so the result does not depend on their order.
 */
export function compileSchedule(schedule: Schedule, field = 'schedule'): CompiledSchedule {
  if (schedule === null || typeof schedule !== 'object') {
    throw rulesError(field, `${field} must be an object`)
  }
  const table = getZoneTable(schedule.timeZone, `${field}.timeZone`)
  if (!Array.isArray(schedule.weekly))
    throw rulesError(`${field}.weekly`, `${field}.weekly must be an array`)
  const weekly: number[][] = [[], [], [], [], [], [], []]
  schedule.weekly.forEach((rule, i) => {
    const at = `${field}.weekly[${i}]`
    const day = rule?.dayOfWeek
    if (!Number.isInteger(day) || day < 0 || day > 6) {
      throw rulesError(
        `${at}.dayOfWeek`,
        `${at}.dayOfWeek must be an integer 0 (Sunday) to 6 (Saturday)`,
      )
    }
    ;(weekly[day] as number[]).push(...compileWindow(rule, at))
  })
  const overrides = new Map<number, number[]>()
  const list = schedule.overrides ?? []
  if (!Array.isArray(list))
    throw rulesError(`${field}.overrides`, `${field}.overrides must be an array`)
  list.forEach((override, i) => {
    const at = `${field}.overrides[${i}]`
    const epochDay = parseIsoDate(override?.date, `${at}.date`)
    if (!Array.isArray(override.windows))
      throw rulesError(`${at}.windows`, `${at}.windows must be an array`)
    let minutes = overrides.get(epochDay)
    if (minutes === undefined) {
      minutes = []
      overrides.set(epochDay, minutes)
    }
    const target = minutes
    override.windows.forEach((window: TimeWindow, j: number) => {
      target.push(...compileWindow(window, `${at}.windows[${j}]`))
    })
  })
  for (const minutes of weekly) sortPairs(minutes)
  for (const minutes of overrides.values()) sortPairs(minutes)
  return { table, weekly, overrides }
}

/**
 * Appends the merged open intervals of local date `epochDay` to `out`
 * (SEMANTICS.md §2): the override's windows or the weekly rules, each edge through
 * `compatible` wall→instant, empty windows dropped, overlapping or touching
 * windows of this one date merged. Output for one date is sorted.
 */
export function appendOpenIntervalsOfDay(
  compiled: CompiledSchedule,
  epochDay: number,
  out: Interval[],
): void {
  const minutes =
    compiled.overrides.get(epochDay) ?? (compiled.weekly[dayOfWeekOf(epochDay)] as number[])
  const count = minutes.length
  if (count === 0) return
  const table = compiled.table
  const dayMs = epochDay * DAY_MS
  if (count === 2) {
    const startsAt = table.wallToInstant(dayMs + (minutes[0] as number) * MINUTE_MS)
    const endsAt = table.wallToInstant(dayMs + (minutes[1] as number) * MINUTE_MS)
    if (startsAt < endsAt) out.push({ startsAt, endsAt })
    return
  }
  // Instants of windows sorted by wall time are not always sorted: on New York's
  // spring-forward night 02:30 resolves to 07:30Z, after 03:00 (07:00Z).
  const pairs: number[] = []
  for (let i = 0; i < count; i += 2) {
    const startsAt = table.wallToInstant(dayMs + (minutes[i] as number) * MINUTE_MS)
    const endsAt = table.wallToInstant(dayMs + (minutes[i + 1] as number) * MINUTE_MS)
    if (startsAt < endsAt) pairs.push(startsAt, endsAt)
  }
  sortPairs(pairs)
  let startsAt = Number.NaN
  let endsAt = Number.NaN
  for (let i = 0; i < pairs.length; i += 2) {
    const s = pairs[i] as number
    const e = pairs[i + 1] as number
    if (s <= endsAt) {
      if (e > endsAt) endsAt = e
    } else {
      if (!Number.isNaN(startsAt)) out.push({ startsAt, endsAt })
      startsAt = s
      endsAt = e
    }
  }
  if (!Number.isNaN(startsAt)) out.push({ startsAt, endsAt })
}

function compileWindow(window: TimeWindow, at: string): [number, number] {
  if (window === null || typeof window !== 'object') throw rulesError(at, `${at} must be an object`)
  const start = parseWallTime(window.startTime, `${at}.startTime`, false)
  const end = parseWallTime(window.endTime, `${at}.endTime`, true)
  if (end <= start) {
    throw rulesError(
      `${at}.endTime`,
      `${at}.endTime (${window.endTime}) must be after its startTime (${window.startTime})`,
    )
  }
  return [start, end]
}

/** Sorts a flat `[start, end, start, end, …]` list by start, then end (insertion sort: lists are tiny). */
function sortPairs(pairs: number[]): void {
  for (let i = 2; i < pairs.length; i += 2) {
    const s = pairs[i] as number
    const e = pairs[i + 1] as number
    let j = i - 2
    while (
      j >= 0 &&
      ((pairs[j] as number) > s || ((pairs[j] as number) === s && (pairs[j + 1] as number) > e))
    ) {
      pairs[j + 2] = pairs[j] as number
      pairs[j + 3] = pairs[j + 1] as number
      j -= 2
    }
    pairs[j + 2] = s
    pairs[j + 3] = e
  }
}

function rulesError(field: string, message: string): SchedulingError {
  return new SchedulingError('INVALID_RULES', message, { field })
}
