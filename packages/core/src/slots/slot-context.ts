import { type CompiledSchedule, compileSchedule } from '../availability/compile-schedule'
import { SchedulingError } from '../errors/scheduling-error'
import { assertInstant, MAX_INSTANT, MIN_INSTANT } from '../time/assert-instant'
import { DAY_MS, MINUTE_MS, parseIsoDate } from '../time/epoch-day'
import type {
  DayOfWeek,
  ExistingBooking,
  ExternalEvent,
  MeetingTypeRules,
  Schedule,
} from '../types'

/** The parts of a query that decide which candidate starts are bookable for one host. */
export interface SlotRulesInput {
  readonly schedule: Schedule
  readonly meetingType: MeetingTypeRules
  readonly bookings?: readonly ExistingBooking[]
  readonly events?: readonly ExternalEvent[]
  readonly now: number
  readonly durationMinutes?: number
  readonly weekStartsOn?: DayOfWeek
}

/**
 * A validated query in integer form, shared by `findSlots`, `checkSlot` and the
 * team functions so that they apply exactly the same rules.
 */
export interface SlotContext {
  readonly schedule: CompiledSchedule
  readonly durationMs: number
  readonly stepMs: number
  readonly bufferBeforeMs: number
  readonly bufferAfterMs: number
  readonly minNoticeMinutes: number
  /** `now + minNotice`: earlier starts are TOO_SOON. */
  readonly earliestStart: number
  /** First / last bookable host-local epoch day (±Infinity when unbounded). */
  readonly minDay: number
  readonly maxDay: number
  readonly maxPerDay: number
  readonly maxPerWeek: number
  readonly weekStartsOn: number
  /** Counted bookings per host-local epoch day of their start. */
  readonly perDay: ReadonlyMap<number, number>
  /** Counted bookings per host-local week, keyed by the epoch day the week starts on. */
  readonly perWeek: ReadonlyMap<number, number>
  /** True when some rule depends on the candidate's host-local date. */
  readonly needsDay: boolean
  /** Busy ranges (bookings' blocked ranges, opaque events), merged: sorted, disjoint. */
  readonly busyStarts: readonly number[]
  readonly busyEnds: readonly number[]
}

/**
 * Validates a query (SEMANTICS.md §6) and compiles it. `prefix` is prepended to
 * every `details.field` (the team functions pass `hosts[2].`). Linear in the
 * size of the input, plus one sort of the busy ranges when they are not sorted.
 */
export function prepareSlotContext(input: SlotRulesInput, prefix = ''): SlotContext {
  const schedule = compileSchedule(input.schedule, `${prefix}schedule`)
  const table = schedule.table
  assertInstant(input.now, 'now')
  const now = input.now
  const rules = input.meetingType
  if (rules === null || typeof rules !== 'object') {
    throw new SchedulingError('INVALID_DURATION', 'meetingType must be an object', {
      field: 'meetingType',
    })
  }
  const defaultDuration = positiveInteger(rules.durationMinutes, 'meetingType.durationMinutes')
  const options = rules.durationOptionsMinutes ?? []
  if (!Array.isArray(options)) {
    throw new SchedulingError(
      'INVALID_DURATION',
      'meetingType.durationOptionsMinutes must be an array',
      {
        field: 'meetingType.durationOptionsMinutes',
      },
    )
  }
  options.forEach((option, i) => {
    positiveInteger(option, `meetingType.durationOptionsMinutes[${i}]`)
  })
  const duration =
    input.durationMinutes === undefined
      ? defaultDuration
      : positiveInteger(input.durationMinutes, 'durationMinutes')
  if (duration !== defaultDuration && !options.includes(duration)) {
    throw new SchedulingError(
      'INVALID_DURATION',
      `durationMinutes ${duration} is not allowed: choose ${[defaultDuration, ...options].join(', ')}`,
      { field: 'durationMinutes', value: duration },
    )
  }
  const step =
    rules.slotIntervalMinutes === undefined
      ? duration
      : positiveInteger(rules.slotIntervalMinutes, 'meetingType.slotIntervalMinutes')
  const bufferBefore = nonNegativeInteger(
    rules.bufferBeforeMinutes ?? 0,
    'meetingType.bufferBeforeMinutes',
  )
  const bufferAfter = nonNegativeInteger(
    rules.bufferAfterMinutes ?? 0,
    'meetingType.bufferAfterMinutes',
  )
  const minNotice = nonNegativeInteger(rules.minNoticeMinutes ?? 0, 'meetingType.minNoticeMinutes')
  const maxPerDay = optionalLimit(rules.maxBookingsPerDay, 'meetingType.maxBookingsPerDay')
  const maxPerWeek = optionalLimit(rules.maxBookingsPerWeek, 'meetingType.maxBookingsPerWeek')
  const weekStartsOn = input.weekStartsOn ?? 1
  if (!Number.isInteger(weekStartsOn) || weekStartsOn < 0 || weekStartsOn > 6) {
    throw new SchedulingError(
      'VALIDATION_FAILED',
      'weekStartsOn must be an integer 0 (Sunday) to 6',
      {
        field: 'weekStartsOn',
      },
    )
  }

  let minDay = Number.NEGATIVE_INFINITY
  let maxDay = Number.POSITIVE_INFINITY
  if (rules.maxDaysAhead !== undefined && rules.maxDaysAhead !== null) {
    const ahead = nonNegativeInteger(rules.maxDaysAhead, 'meetingType.maxDaysAhead')
    maxDay = localDay(table.offsetAt(now), now) + ahead
  }
  if (rules.dateRange !== undefined && rules.dateRange !== null) {
    const first = parseIsoDate(rules.dateRange.startDate, 'meetingType.dateRange.startDate')
    const last = parseIsoDate(rules.dateRange.endDate, 'meetingType.dateRange.endDate')
    if (last < first) {
      throw new SchedulingError(
        'INVALID_RANGE',
        'meetingType.dateRange.endDate is before its startDate',
        {
          field: 'meetingType.dateRange.endDate',
        },
      )
    }
    minDay = first
    if (last < maxDay) maxDay = last
  }

  const limited = maxPerDay !== Number.POSITIVE_INFINITY || maxPerWeek !== Number.POSITIVE_INFINITY
  const perDay = new Map<number, number>()
  const perWeek = new Map<number, number>()
  const starts: number[] = []
  const ends: number[] = []
  const bookings = input.bookings ?? []
  for (let i = 0; i < bookings.length; i++) {
    const booking = bookings[i] as ExistingBooking
    // Field names are built only on the error path: this loop runs per busy item per call.
    if (!isValidInterval(booking)) checkInterval(booking, `${prefix}bookings[${i}]`)
    const before = booking.bufferBeforeMinutes ?? 0
    const after = booking.bufferAfterMinutes ?? 0
    if (!isNonNegativeInteger(before))
      nonNegativeInteger(before, `${prefix}bookings[${i}].bufferBeforeMinutes`)
    if (!isNonNegativeInteger(after))
      nonNegativeInteger(after, `${prefix}bookings[${i}].bufferAfterMinutes`)
    starts.push(booking.startsAt - before * MINUTE_MS)
    ends.push(booking.endsAt + after * MINUTE_MS)
    if (limited && booking.countsTowardLimits !== false) {
      const day = localDay(table.offsetAt(booking.startsAt), booking.startsAt)
      perDay.set(day, (perDay.get(day) ?? 0) + 1)
      const week = weekStart(day, weekStartsOn)
      perWeek.set(week, (perWeek.get(week) ?? 0) + 1)
    }
  }
  const events = input.events ?? []
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as ExternalEvent
    if (!isValidInterval(event)) checkInterval(event, `${prefix}events[${i}]`)
    if (event.transparent === true) continue
    starts.push(event.startsAt)
    ends.push(event.endsAt)
  }
  const [busyStarts, busyEnds] = mergeBusy(starts, ends)

  return {
    schedule,
    durationMs: duration * MINUTE_MS,
    stepMs: step * MINUTE_MS,
    bufferBeforeMs: bufferBefore * MINUTE_MS,
    bufferAfterMs: bufferAfter * MINUTE_MS,
    minNoticeMinutes: minNotice,
    earliestStart: now + minNotice * MINUTE_MS,
    minDay,
    maxDay,
    maxPerDay,
    maxPerWeek,
    weekStartsOn,
    perDay,
    perWeek,
    needsDay: limited || minDay !== Number.NEGATIVE_INFINITY || maxDay !== Number.POSITIVE_INFINITY,
    busyStarts,
    busyEnds,
  }
}

/** Host-local epoch day of an instant, given the offset in force then. */
export function localDay(offsetMs: number, instant: number): number {
  return Math.floor((instant + offsetMs) / DAY_MS)
}

/** The epoch day on which the week (starting on `weekStartsOn`) containing `day` starts. */
export function weekStart(day: number, weekStartsOn: number): number {
  return day - ((((((day + 4) % 7) + 7) % 7) - weekStartsOn + 7) % 7)
}

/**
 * Merges busy ranges into sorted, disjoint ones by sweeping their starts and
 * their ends, each sorted on its own (a native numeric sort, skipped when the
 * list is already in order, as a database returns it). At equal instants starts
 * come first, so touching ranges merge: for a slot of positive length, strict
 * overlap with the union equals strict overlap with one of the parts.
 * Zero-length ranges stay as points unless absorbed.
 */
function mergeBusy(starts: number[], ends: number[]): [number[], number[]] {
  const sortedStarts = isSorted(starts) ? starts : Float64Array.from(starts).sort()
  const sortedEnds = isSorted(ends) ? ends : Float64Array.from(ends).sort()
  const count = starts.length
  const mergedStarts: number[] = []
  const mergedEnds: number[] = []
  let depth = 0
  let i = 0
  let j = 0
  while (j < count) {
    if (i < count && (sortedStarts[i] as number) <= (sortedEnds[j] as number)) {
      if (depth === 0) mergedStarts.push(sortedStarts[i] as number)
      depth++
      i++
    } else {
      depth--
      if (depth === 0) mergedEnds.push(sortedEnds[j] as number)
      j++
    }
  }
  return [mergedStarts, mergedEnds]
}

function isSorted(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) < (values[i - 1] as number)) return false
  }
  return true
}

/** The fast, allocation-free test behind {@link checkInterval}. */
function isValidInterval(
  interval: { startsAt: number; endsAt: number } | null | undefined,
): boolean {
  if (interval === null || typeof interval !== 'object') return false
  const { startsAt, endsAt } = interval
  return (
    typeof startsAt === 'number' &&
    typeof endsAt === 'number' &&
    startsAt >= MIN_INSTANT &&
    endsAt <= MAX_INSTANT &&
    endsAt >= startsAt
  )
}

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function checkInterval(interval: { startsAt: number; endsAt: number }, field: string): void {
  if (interval === null || typeof interval !== 'object') {
    throw new SchedulingError('INVALID_RANGE', `${field} must be an object`, { field })
  }
  assertInstant(interval.startsAt, `${field}.startsAt`)
  assertInstant(interval.endsAt, `${field}.endsAt`)
  if (interval.endsAt < interval.startsAt) {
    throw new SchedulingError('INVALID_RANGE', `${field}.endsAt is before its startsAt`, {
      field: `${field}.endsAt`,
    })
  }
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SchedulingError(
      'INVALID_DURATION',
      `${field} must be a positive integer number of minutes`,
      {
        field,
        value: String(value),
      },
    )
  }
  return value
}

function nonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SchedulingError('INVALID_DURATION', `${field} must be a non-negative integer`, {
      field,
      value: String(value),
    })
  }
  return value
}

function optionalLimit(value: number | null | undefined, field: string): number {
  return value === undefined || value === null
    ? Number.POSITIVE_INFINITY
    : nonNegativeInteger(value, field)
}
