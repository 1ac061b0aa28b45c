/**
 * Brute-force oracle for `findSlots` / `checkSlot`, written independently of the engine
 * from SEMANTICS.md only. It never uses Temporal and keeps no table of offset transitions:
 * every wall-clock question is answered by asking `Intl.DateTimeFormat` what the wall
 * clock shows at a given instant, and wall → instant is found by scanning instants around
 * the naive guess for those whose Intl wall time matches.
 *
 * Speed is secondary; the aim is "obviously correct".
 */
import type {
  CheckSlotInput,
  DateOverride,
  FindSlotsInput,
  Interval,
  IsoDate,
  Slot,
  SlotCheck,
  TimeWindow,
} from '../src/types'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// ---------------------------------------------------------------------------
// Intl: instant -> wall clock
// ---------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(zone, f)
  }
  return f
}

/** Wall clock fields shown in `zone` at instant `t`. */
export interface Wall {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
}

export function wallAt(t: number, zone: string): Wall {
  const parts = formatter(zone).formatToParts(new Date(t))
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type)
    if (!p) throw new Error(`oracle: Intl gave no ${type}`)
    return Number(p.value)
  }
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  }
}

/**
 * The wall clock at `t` written as if it were UTC, in whole seconds: a plain number we can
 * compare and subtract. `wallNumber(t) - floorToSecond(t)` is the zone's offset at `t`.
 */
const wallCache = new Map<string, number>()
function wallNumber(t: number, zone: string): number {
  const key = `${zone}|${t}`
  const hit = wallCache.get(key)
  if (hit !== undefined) return hit
  const w = wallAt(t, zone)
  const n = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  if (wallCache.size > 500_000) wallCache.clear()
  wallCache.set(key, n)
  return n
}

/** Offset of `zone` at minute-aligned instant `t`, in ms (wall minus UTC). */
function offsetAt(t: number, zone: string): number {
  return wallNumber(t, zone) - t
}

/** Host-local date `YYYY-MM-DD` of instant `t` in `zone`. */
export function localDate(t: number, zone: string): IsoDate {
  // Offsets of the zones we use are whole minutes, so the date at t is the date at the
  // start of t's UTC minute (this only makes the cache useful).
  const m = Math.floor(t / MINUTE) * MINUTE
  return isoOfNaive(wallNumber(m, zone))
}

// ---------------------------------------------------------------------------
// Calendar dates as plain numbers (naive UTC midnight)
// ---------------------------------------------------------------------------

function naiveOfIso(date: IsoDate): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) throw new Error(`oracle: bad date ${date}`)
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
}

function isoOfNaive(n: number): IsoDate {
  const d = new Date(n)
  const y = String(d.getUTCFullYear()).padStart(4, '0')
  const mo = String(d.getUTCMonth() + 1).padStart(2, '0')
  const da = String(d.getUTCDate()).padStart(2, '0')
  return `${y}-${mo}-${da}`
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return isoOfNaive(naiveOfIso(date) + days * DAY)
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(naiveOfIso(date)).getUTCDay()
}

function minutesOfTime(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time)
  if (!m) throw new Error(`oracle: bad time ${time}`)
  return Number(m[1]) * 60 + Number(m[2])
}

// ---------------------------------------------------------------------------
// Wall clock -> instant (SEMANTICS §1), by scanning Intl
// ---------------------------------------------------------------------------

/**
 * Learn which offsets are in force around the naive guess by sampling Intl every 15 minutes
 * over ±26 h (no real offset lasts less than 15 minutes). A solution t has
 * offset(t) = w - t, i.e. t = w - o for some offset o in force, so every solution lies in
 * [w - max offset, w - min offset]; callers scan that span minute by minute.
 */
function solutionSpan(w: number, zone: string): { lo: number; hi: number } {
  const offsets: number[] = []
  // Samples on a fixed 15-minute UTC grid, so that nearby conversions share cached samples.
  const first = Math.floor((w - 26 * HOUR) / (15 * MINUTE)) * 15 * MINUTE
  for (let t = first; t <= w + 26 * HOUR; t += 15 * MINUTE) offsets.push(offsetAt(t, zone))
  return { lo: w - Math.max(...offsets), hi: w - Math.min(...offsets) }
}

/** Every instant (minute-aligned) whose Intl wall time in `zone` equals naive wall `w`. */
export function instantsOfWall(w: number, zone: string): number[] {
  const { lo, hi } = solutionSpan(w, zone)
  const found: number[] = []
  for (let t = lo; t <= hi; t += MINUTE) if (wallNumber(t, zone) === w) found.push(t)
  return found
}

const instantCache = new Map<string, number>()

/**
 * `toInstant(date, time, zone)` with the `compatible` policy: unique → it; twice → the
 * earlier; never (gap) → read with the offset in force just before the jump.
 * `24:00` is 00:00 of the next day.
 */
export function toInstant(date: IsoDate, time: string, zone: string): number {
  const key = `${zone}|${date}|${time}`
  const hit = instantCache.get(key)
  if (hit !== undefined) return hit
  const w = naiveOfIso(date) + minutesOfTime(time) * MINUTE
  const found = instantsOfWall(w, zone)
  let result: number
  if (found.length > 0) {
    result = Math.min(...found)
  } else {
    // Gap: find the minute t at which the wall clock jumps over w (wall(t) < w and
    // wall(t + 1 min) > w); the offset in force before the jump is offset(t).
    // The jump minute lies in [lo - 1 min, hi] (see instantsOfWall).
    const { lo, hi } = solutionSpan(w, zone)
    let before: number | undefined
    for (let t = lo - MINUTE; t <= hi; t += MINUTE) {
      if (wallNumber(t, zone) < w && wallNumber(t + MINUTE, zone) > w) {
        before = offsetAt(t, zone)
        break
      }
    }
    if (before === undefined) throw new Error(`oracle: no instant and no gap for ${key}`)
    result = w - before
  }
  instantCache.set(key, result)
  return result
}

// ---------------------------------------------------------------------------
// Open intervals (SEMANTICS §2)
// ---------------------------------------------------------------------------

export interface DayInterval extends Interval {
  /** The host-local date whose windows produced this interval. */
  readonly date: IsoDate
}

function windowsOf(input: FindSlotsInput | CheckSlotInput, date: IsoDate): readonly TimeWindow[] {
  const override: DateOverride | undefined = (input.schedule.overrides ?? []).find(
    (o) => o.date === date,
  )
  if (override) return override.windows
  const dow = dayOfWeek(date)
  return input.schedule.weekly.filter((r) => r.dayOfWeek === dow)
}

/** Merged open intervals of one host-local date. */
export function intervalsOfDate(
  input: FindSlotsInput | CheckSlotInput,
  date: IsoDate,
): DayInterval[] {
  const zone = input.schedule.timeZone
  const raw: Interval[] = []
  for (const w of windowsOf(input, date)) {
    const startsAt = toInstant(date, w.startTime, zone)
    const endsAt =
      w.endTime === '24:00'
        ? toInstant(addDays(date, 1), '00:00', zone)
        : toInstant(date, w.endTime, zone)
    if (endsAt > startsAt) raw.push({ startsAt, endsAt })
  }
  raw.sort((a, b) => a.startsAt - b.startsAt)
  const merged: DayInterval[] = []
  for (const iv of raw) {
    const last = merged[merged.length - 1]
    if (last && iv.startsAt <= last.endsAt) {
      merged[merged.length - 1] = {
        date,
        startsAt: last.startsAt,
        endsAt: Math.max(last.endsAt, iv.endsAt),
      }
    } else {
      merged.push({ date, startsAt: iv.startsAt, endsAt: iv.endsAt })
    }
  }
  return merged
}

/** All merged open intervals of the host-local dates `first` … `last`. */
export function intervalsOfDates(
  input: FindSlotsInput | CheckSlotInput,
  first: IsoDate,
  last: IsoDate,
): DayInterval[] {
  const out: DayInterval[] = []
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(...intervalsOfDate(input, d))
  return out
}

// ---------------------------------------------------------------------------
// Filters (SEMANTICS §3, §4)
// ---------------------------------------------------------------------------

type Reason = Extract<SlotCheck, { ok: false }>['reason']

function durationOf(input: FindSlotsInput | CheckSlotInput): number {
  return input.durationMinutes ?? input.meetingType.durationMinutes
}

function stepOf(input: FindSlotsInput | CheckSlotInput): number {
  return input.meetingType.slotIntervalMinutes ?? durationOf(input)
}

/** Filters 3 to 6 for a start `t` that already is on some interval's grid. */
function laterReason(input: FindSlotsInput | CheckSlotInput, t: number): Reason | null {
  const zone = input.schedule.timeZone
  const mt = input.meetingType
  const end = t + durationOf(input) * MINUTE
  const date = localDate(t, zone)

  // 3. TOO_SOON
  if (t < input.now + (mt.minNoticeMinutes ?? 0) * MINUTE) return 'TOO_SOON'
  if (mt.dateRange && date < mt.dateRange.startDate) return 'TOO_SOON'

  // 4. TOO_FAR
  if (mt.maxDaysAhead !== null && mt.maxDaysAhead !== undefined) {
    const lastDay = addDays(localDate(input.now, zone), mt.maxDaysAhead)
    if (date > lastDay) return 'TOO_FAR'
  }
  if (mt.dateRange && date > mt.dateRange.endDate) return 'TOO_FAR'

  // 5. LIMIT_REACHED
  const counted = (input.bookings ?? []).filter((b) => b.countsTowardLimits !== false)
  if (mt.maxBookingsPerDay !== null && mt.maxBookingsPerDay !== undefined) {
    const n = counted.filter((b) => localDate(b.startsAt, zone) === date).length
    if (n >= mt.maxBookingsPerDay) return 'LIMIT_REACHED'
  }
  if (mt.maxBookingsPerWeek !== null && mt.maxBookingsPerWeek !== undefined) {
    const weekStartsOn = input.weekStartsOn ?? 1
    let weekStart = date
    while (dayOfWeek(weekStart) !== weekStartsOn) weekStart = addDays(weekStart, -1)
    const weekEnd = addDays(weekStart, 6)
    const n = counted.filter((b) => {
      const d = localDate(b.startsAt, zone)
      return d >= weekStart && d <= weekEnd
    }).length
    if (n >= mt.maxBookingsPerWeek) return 'LIMIT_REACHED'
  }

  // 6. CONFLICT
  const blockStart = t - (mt.bufferBeforeMinutes ?? 0) * MINUTE
  const blockEnd = end + (mt.bufferAfterMinutes ?? 0) * MINUTE
  const overlaps = (s: number, e: number) => blockStart < e && s < blockEnd
  for (const b of input.bookings ?? []) {
    const s = b.startsAt - (b.bufferBeforeMinutes ?? 0) * MINUTE
    const e = b.endsAt + (b.bufferAfterMinutes ?? 0) * MINUTE
    if (overlaps(s, e)) return 'CONFLICT'
  }
  for (const ev of input.events ?? []) {
    if (ev.transparent === true) continue
    if (overlaps(ev.startsAt, ev.endsAt)) return 'CONFLICT'
  }
  return null
}

// ---------------------------------------------------------------------------
// Public oracle
// ---------------------------------------------------------------------------

/** The query range `[from, to)` as instants (SEMANTICS §5). */
export function rangeOf(input: FindSlotsInput): { from: number; to: number } {
  const r = input.range
  if ('from' in r) return { from: r.from, to: r.to }
  return {
    from: toInstant(r.startDate, '00:00', r.timeZone),
    to: toInstant(addDays(r.endDate, 1), '00:00', r.timeZone),
  }
}

export function oracleFindSlots(input: FindSlotsInput): Slot[] {
  const zone = input.schedule.timeZone
  const { from, to } = rangeOf(input)
  if (to <= from) return []
  const dur = durationOf(input) * MINUTE
  const step = stepOf(input) * MINUTE
  // Every interval lies within a day or so of its date's local midnight; two days of margin
  // on each side covers every interval that could hold a start in [from, to).
  const intervals = intervalsOfDates(
    input,
    addDays(localDate(from, zone), -2),
    addDays(localDate(to, zone), 2),
  )
  const starts = new Set<number>()
  for (const iv of intervals) {
    for (let t = iv.startsAt; t + dur <= iv.endsAt; t += step) {
      if (t < from || t >= to) continue
      if (laterReason(input, t) === null) starts.add(t)
    }
  }
  return [...starts].sort((a, b) => a - b).map((t) => ({ startsAt: t, endsAt: t + dur }))
}

export function oracleCheckSlot(input: CheckSlotInput):
  | { ok: true; slot: Slot }
  | {
      ok: false
      reason: Reason
    } {
  const zone = input.schedule.timeZone
  const t = input.startsAt
  const dur = durationOf(input) * MINUTE
  const step = stepOf(input) * MINUTE
  const date = localDate(t, zone)
  const intervals = intervalsOfDates(input, addDays(date, -2), addDays(date, 2))
  const containing = intervals.filter((iv) => iv.startsAt <= t && t + dur <= iv.endsAt)
  if (containing.length === 0) return { ok: false, reason: 'OUTSIDE_AVAILABILITY' }
  if (!containing.some((iv) => (t - iv.startsAt) % step === 0)) {
    return { ok: false, reason: 'MISALIGNED' }
  }
  const reason = laterReason(input, t)
  if (reason) return { ok: false, reason }
  return { ok: true, slot: { startsAt: t, endsAt: t + dur } }
}
