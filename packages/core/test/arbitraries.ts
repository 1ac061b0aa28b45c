/**
 * fast-check generators of random but valid `findSlots` / `checkSlot` inputs: real zones,
 * dates biased toward DST transitions of 2026 and 2027, awkward windows around midnight,
 * overrides, busy time and every meeting-type rule. Shared by the property tests of the
 * engine and of the oracle.
 */
import { fc } from '@fast-check/vitest'
import type {
  DayOfWeek,
  ExistingBooking,
  ExternalEvent,
  FindSlotsInput,
  MeetingTypeRules,
  SlotRange,
  TimeWindow,
  WeeklyRule,
} from '../src/types'
import { addDays, wallAt } from './brute-force-oracle'

export const MIN = 60_000

export const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/St_Johns',
  'Australia/Sydney',
  'Asia/Kolkata',
  'UTC',
  'Europe/London',
  'America/Havana',
  'Asia/Beirut',
] as const

/** The instants of 2026–2027 at which `zone`'s offset changes (found with Intl). */
function transitionInstants(zone: string): number[] {
  const offset = (t: number) => {
    const w = wallAt(t, zone)
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - t
  }
  const out: number[] = []
  const start = Date.UTC(2026, 0, 1)
  for (let i = 0; i < 730; i++) {
    let lo = start + i * 86_400_000
    let hi = lo + 86_400_000
    if (offset(lo) === offset(hi)) continue
    // Bisect to the first minute of the new offset.
    while (hi - lo > MIN) {
      const mid = lo + Math.floor((hi - lo) / 2 / MIN) * MIN
      if (offset(mid) === offset(lo)) lo = mid
      else hi = mid
    }
    out.push(hi)
  }
  return out
}

const TRANSITIONS = new Map<string, number[]>(ZONES.map((z) => [z, transitionInstants(z)]))

/** The instants of 2026–2027 at which `zone`'s offset changes. */
export function transitionsOf(zone: string): readonly number[] {
  return TRANSITIONS.get(zone) ?? []
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/** Minutes of a day 0..1440, biased toward midnight, the small hours and round times. */
const arbMinuteOfDay = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      0,
      30,
      60,
      90,
      105,
      120,
      135,
      150,
      165,
      180,
      225,
      240,
      1380,
      1410,
      1440,
    ),
  },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 96 }).map((q) => q * 15) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1440 }) },
)

export const arbWindow: fc.Arbitrary<TimeWindow> = fc
  .tuple(arbMinuteOfDay, arbMinuteOfDay)
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => ({ startTime: hhmm(Math.min(a, b)), endTime: hhmm(Math.max(a, b)) }))

const arbDow = fc.integer({ min: 0, max: 6 }) as fc.Arbitrary<DayOfWeek>

/** A window in the small hours, where most DST changes happen (or the whole day). */
const arbSmallHoursWindow: fc.Arbitrary<TimeWindow> = fc
  .tuple(
    fc.integer({ min: 0, max: 20 }).map((q) => q * 15),
    fc.oneof(
      fc.integer({ min: 1, max: 24 }).map((q) => q * 15),
      fc.constant(1440),
    ),
  )
  .map(([s, len]) => ({
    startTime: hhmm(s),
    endTime: hhmm(Math.min(1440, len === 1440 ? 1440 : s + len)),
  }))

const everyDay = (ws: readonly TimeWindow[]): WeeklyRule[] =>
  ([0, 1, 2, 3, 4, 5, 6] as DayOfWeek[]).flatMap((dayOfWeek) =>
    ws.map((w) => ({ dayOfWeek, ...w })),
  )

const arbWeekly: fc.Arbitrary<WeeklyRule[]> = fc.oneof(
  // Every day, windows in the small hours (plus perhaps one in the evening).
  fc
    .tuple(
      fc.array(arbSmallHoursWindow, { minLength: 1, maxLength: 2 }),
      fc.array(arbWindow, { maxLength: 1 }),
    )
    .map(([a, b]) => everyDay([...a, ...b])),
  // Independent rules on random days.
  fc.array(
    fc.tuple(arbDow, arbWindow).map(([dayOfWeek, w]) => ({ dayOfWeek, ...w })),
    { minLength: 1, maxLength: 12 },
  ),
  // The same windows every day (so that most dates are open).
  fc
    .array(arbWindow, { minLength: 1, maxLength: 3 })
    .map((ws) =>
      ([0, 1, 2, 3, 4, 5, 6] as DayOfWeek[]).flatMap((dayOfWeek) =>
        ws.map((w) => ({ dayOfWeek, ...w })),
      ),
    ),
)

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined })
/** `undefined`, `null` or a value; `rare` makes the value uncommon. */
const optNull = <T>(arb: fc.Arbitrary<T>, rare = false): fc.Arbitrary<T | null | undefined> =>
  fc.oneof(
    { weight: rare ? 6 : 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: arb },
  )

const arbDuration = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(15, 20, 30, 45, 60, 90, 120) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 240 }) },
)

/** A meeting type and the duration chosen from it (`undefined` = the default). */
function arbMeetingType(
  anchor: string,
  rare: boolean,
): fc.Arbitrary<{
  meetingType: MeetingTypeRules
  durationMinutes: number | undefined
}> {
  return fc
    .record({
      durationMinutes: arbDuration,
      durationOptionsMinutes: opt(fc.uniqueArray(arbDuration, { maxLength: 3 })),
      bufferBeforeMinutes: opt(fc.integer({ min: 0, max: 60 })),
      bufferAfterMinutes: opt(fc.integer({ min: 0, max: 60 })),
      slotIntervalMinutes: opt(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(5, 10, 15, 20, 30, 45, 60) },
          { weight: 1, arbitrary: fc.integer({ min: 3, max: 150 }) },
        ),
      ),
      minNoticeMinutes: opt(
        fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min: 0, max: 180 }) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 4000 }) },
        ),
      ),
      maxDaysAhead: optNull(fc.integer({ min: 0, max: 8 }), rare),
      dateRange: optNull(
        fc
          .tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 4 }))
          .map(([s, n]) => ({ startDate: addDays(anchor, s), endDate: addDays(anchor, s + n) })),
        rare,
      ),
      maxBookingsPerDay: optNull(
        fc.integer({ min: 0, max: 3 }).map((n) => (n === 0 ? 1 : n)),
        rare,
      ),
      maxBookingsPerWeek: optNull(fc.integer({ min: 0, max: 6 }), rare),
      pick: fc.nat(),
    })
    .map(({ pick, ...r }) => {
      const meetingType = Object.fromEntries(
        Object.entries(r).filter(([, v]) => v !== undefined),
      ) as unknown as MeetingTypeRules
      const options = [r.durationMinutes, ...(r.durationOptionsMinutes ?? [])]
      const chosen = pick % (options.length + 1)
      return {
        meetingType,
        durationMinutes: chosen === options.length ? undefined : options[chosen],
      }
    })
}

/** Minutes from the anchor's UTC midnight, on a 5-minute grid or not. */
const arbOffsetMinutes = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min: min / 5, max: max / 5 }).map((k) => k * 5),
    fc.integer({ min, max }),
  )

function arbBookings(base: number): fc.Arbitrary<ExistingBooking[]> {
  return fc.array(
    fc
      .record({
        start: arbOffsetMinutes(-3 * 1440, 5 * 1440),
        length: fc.integer({ min: 1, max: 240 }),
        bufferBeforeMinutes: opt(fc.integer({ min: 0, max: 45 })),
        bufferAfterMinutes: opt(fc.integer({ min: 0, max: 45 })),
        countsTowardLimits: opt(fc.boolean()),
      })
      .map(({ start, length, ...rest }) => {
        const b: Record<string, unknown> = {
          startsAt: base + start * MIN,
          endsAt: base + (start + length) * MIN,
        }
        for (const [k, v] of Object.entries(rest)) if (v !== undefined) b[k] = v
        return b as unknown as ExistingBooking
      }),
    { maxLength: 6 },
  )
}

function arbEvents(base: number): fc.Arbitrary<ExternalEvent[]> {
  return fc.array(
    fc
      .record({
        start: arbOffsetMinutes(-3 * 1440, 5 * 1440),
        length: fc.integer({ min: 1, max: 300 }),
        transparent: opt(fc.boolean()),
      })
      .map(({ start, length, transparent }) => ({
        startsAt: base + start * MIN,
        endsAt: base + (start + length) * MIN,
        ...(transparent === undefined ? {} : { transparent }),
      })),
    { maxLength: 5 },
  )
}

function arbRange(
  anchor: string,
  base: number,
  hostZone: string,
  focus: number,
): fc.Arbitrary<SlotRange> {
  return fc.oneof(
    // An instant range around the focus (usually a DST transition).
    fc
      .tuple(fc.integer({ min: 0, max: 36 * 60 }), fc.integer({ min: 0, max: 36 * 60 }))
      .map(([before, after]) => ({ from: focus - before * MIN, to: focus + after * MIN })),
    fc
      .record({
        from: arbOffsetMinutes(-2 * 1440, 2 * 1440),
        ms: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 59_999 })),
        length: fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 0, max: 4 * 1440 }) },
          { weight: 1, arbitrary: fc.constantFrom(0, 1, 1440, 2 * 1440) },
        ),
      })
      .map(({ from, ms, length }) => ({
        from: base + from * MIN + ms,
        to: base + (from + length) * MIN + ms,
      })),
    fc
      .record({
        start: fc.integer({ min: -2, max: 1 }),
        days: fc.integer({ min: 0, max: 3 }),
        // Often the host's own zone, so the viewer's midnights fall on its DST days too.
        timeZone: fc.oneof(fc.constant(hostZone), fc.constantFrom(...ZONES)),
      })
      .map(({ start, days, timeZone }) => ({
        startDate: addDays(anchor, start),
        endDate: addDays(anchor, start + days),
        timeZone,
      })),
  )
}

/**
 * A date of 2026–2027, usually within a day or two of one of `zone`'s DST transitions, and a
 * focus instant: the transition itself (or the anchor's UTC midnight when there is none).
 */
function arbAnchor(zone: string): fc.Arbitrary<{ anchor: string; focus: number }> {
  const random = fc.integer({ min: 0, max: 729 }).map((i) => {
    const anchor = addDays('2026-01-01', i)
    return { anchor, focus: Date.parse(`${anchor}T00:00:00Z`) }
  })
  // Now and then a date of another year, far from the years the engine may cache.
  const anyYear = fc.integer({ min: 0, max: 70 * 365 }).map((i) => {
    const anchor = addDays('1990-01-01', i)
    return { anchor, focus: Date.parse(`${anchor}T00:00:00Z`) }
  })
  const ts = transitionsOf(zone)
  if (ts.length === 0)
    return fc.oneof({ weight: 3, arbitrary: random }, { weight: 1, arbitrary: anyYear })
  return fc.oneof(
    { weight: 1, arbitrary: random },
    { weight: 1, arbitrary: anyYear },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...ts), fc.constantFrom(0, 0, 0, -1, 1, -2, 2))
        .map(([t, k]) => ({
          anchor: addDays(new Date(t).toISOString().slice(0, 10), k),
          focus: t,
        })),
    },
  )
}

/** A random, valid `findSlots` input of any kind. */
const arbGeneralInput: fc.Arbitrary<FindSlotsInput> = fc
  .constantFrom(...ZONES)
  .chain((zone) => fc.tuple(fc.constant(zone), arbAnchor(zone)))
  .chain(([timeZone, { anchor, focus }]) => {
    const base = Date.parse(`${anchor}T00:00:00Z`)
    return assemble(timeZone, {
      weekly: arbWeekly,
      overrides: opt(
        fc.uniqueArray(
          fc.record({
            date: fc.integer({ min: -3, max: 5 }).map((k) => addDays(anchor, k)),
            windows: fc.array(arbWindow, { maxLength: 3 }),
          }),
          { selector: (o) => o.date, maxLength: 4 },
        ),
      ),
      mt: arbMeetingType(anchor, false),
      bookings: opt(arbBookings(base)),
      events: opt(arbEvents(base)),
      now: fc
        .tuple(
          fc.oneof(
            { weight: 3, arbitrary: arbOffsetMinutes(-5 * 1440, -2 * 1440) },
            { weight: 2, arbitrary: arbOffsetMinutes(-2 * 1440, 2 * 1440) },
            {
              weight: 2,
              arbitrary: arbOffsetMinutes(-6 * 1440, 0).map((m) => m + (focus - base) / MIN),
            },
          ),
          fc.integer({ min: 0, max: 59_999 }),
        )
        .map(([m, ms]) => base + m * MIN + ms),
      range: arbRange(anchor, base, timeZone, focus),
      weekStartsOn: opt(arbDow),
    })
  })

const DST_ZONES = ZONES.filter((z) => transitionsOf(z).length > 0)

/**
 * An input aimed at a DST transition: a zone with DST, the hours around one of its
 * transitions open every day, a range around it, `now` before it, few other constraints.
 */
const arbDstInput: fc.Arbitrary<FindSlotsInput> = fc
  .constantFrom(...DST_ZONES)
  .chain((zone) => fc.tuple(fc.constant(zone), fc.constantFrom(...transitionsOf(zone))))
  .chain(([timeZone, focus]) => {
    const anchor = new Date(focus).toISOString().slice(0, 10)
    const base = Date.parse(`${anchor}T00:00:00Z`)
    const smallHours = fc.array(arbSmallHoursWindow, { minLength: 1, maxLength: 2 })
    return assemble(timeZone, {
      weekly: fc.oneof(
        smallHours.map(everyDay),
        fc.constant(everyDay([{ startTime: '00:00', endTime: '24:00' }])),
        arbWeekly,
      ),
      overrides: opt(
        fc.uniqueArray(
          fc.record({
            date: fc.integer({ min: -1, max: 1 }).map((k) => addDays(anchor, k)),
            windows: fc.oneof(smallHours, fc.array(arbWindow, { maxLength: 3 })),
          }),
          { selector: (o) => o.date, maxLength: 2 },
        ),
      ),
      mt: arbMeetingType(anchor, true),
      bookings: opt(arbBookings(base)),
      events: opt(arbEvents(base)),
      now: fc
        .tuple(fc.integer({ min: 60, max: 6 * 1440 }), fc.integer({ min: 0, max: 59_999 }))
        .map(([m, ms]) => focus - 36 * 60 * MIN - m * MIN + ms),
      range: fc.oneof(
        fc
          .tuple(fc.integer({ min: 0, max: 36 * 60 }), fc.integer({ min: 0, max: 36 * 60 }))
          .map(([before, after]) => ({ from: focus - before * MIN, to: focus + after * MIN })),
        fc.tuple(fc.integer({ min: -1, max: 1 }), fc.integer({ min: 0, max: 2 })).map(([s, n]) => ({
          startDate: addDays(anchor, s),
          endDate: addDays(anchor, s + n),
          timeZone,
        })),
      ),
      weekStartsOn: opt(arbDow),
    })
  })

/** A random, valid `findSlots` input: half general, half aimed at a DST transition. */
export const arbInput: fc.Arbitrary<FindSlotsInput> = fc.oneof(arbGeneralInput, arbDstInput)

function assemble(
  timeZone: string,
  parts: {
    weekly: fc.Arbitrary<WeeklyRule[]>
    overrides: fc.Arbitrary<{ date: string; windows: TimeWindow[] }[] | undefined>
    mt: fc.Arbitrary<{ meetingType: MeetingTypeRules; durationMinutes: number | undefined }>
    bookings: fc.Arbitrary<ExistingBooking[] | undefined>
    events: fc.Arbitrary<ExternalEvent[] | undefined>
    now: fc.Arbitrary<number>
    range: fc.Arbitrary<SlotRange>
    weekStartsOn: fc.Arbitrary<DayOfWeek | undefined>
  },
): fc.Arbitrary<FindSlotsInput> {
  return fc
    .record(parts)
    .map(({ weekly, overrides, mt, bookings, events, now, range, weekStartsOn }) => {
      const input: Record<string, unknown> = {
        schedule: overrides ? { timeZone, weekly, overrides } : { timeZone, weekly },
        meetingType: mt.meetingType,
        now,
        range,
      }
      if (bookings) input.bookings = bookings
      if (events) input.events = events
      if (mt.durationMinutes !== undefined) input.durationMinutes = mt.durationMinutes
      if (weekStartsOn !== undefined) input.weekStartsOn = weekStartsOn
      return input as unknown as FindSlotsInput
    })
}

/** Deterministic Fisher–Yates shuffle driven by `seed` (mulberry32). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** The same input with every order-free list reordered. */
export function shuffled(input: FindSlotsInput, seed: number): FindSlotsInput {
  const s = input.schedule
  return {
    ...input,
    schedule: {
      ...s,
      weekly: shuffle(s.weekly, seed),
      ...(s.overrides
        ? {
            overrides: shuffle(
              s.overrides.map((o, i) => ({ ...o, windows: shuffle(o.windows, seed + i + 1) })),
              seed + 101,
            ),
          }
        : {}),
    },
    ...(input.bookings ? { bookings: shuffle(input.bookings, seed + 202) } : {}),
    ...(input.events ? { events: shuffle(input.events, seed + 303) } : {}),
  }
}
