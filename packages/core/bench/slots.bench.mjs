// Benchmark of the slot engine on the input (issue 2). Plain Node ESM over
// the built package: run `npx tsup` first (`npm run bench` at the root does).
// Prints figures; it is not a test and asserts nothing beyond sanity.
import { performance } from 'node:perf_hooks'

const HOST_ZONE = 'America/New_York'
const VIEWER_ZONE = 'Europe/Berlin'
const MINUTE = 60_000
const DAY = 86_400_000

const coldStart = performance.now()
const core = await import('../dist/index.js')
const importMs = performance.now() - coldStart
const { findSlots, findCollectiveSlots, formatRfc3339 } = core

/** Deterministic PRNG (mulberry32) so that every run sees the same busy set. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const weekly = [1, 2, 3, 4, 5].flatMap((dayOfWeek) => [
  { dayOfWeek, startTime: '09:00', endTime: '12:00' },
  { dayOfWeek, startTime: '13:00', endTime: '17:00' },
])
const schedule = { timeZone: HOST_ZONE, weekly }
const meetingType = {
  durationMinutes: 30,
  slotIntervalMinutes: 15,
  bufferBeforeMinutes: 10,
  bufferAfterMinutes: 10,
}

/** `count` busy events between `from` and `to` (sorted by start, as a database returns them). */
function busyEvents(count, from, to, seed) {
  const next = random(seed)
  const events = []
  for (let i = 0; i < count; i++) {
    const startsAt = from + Math.floor((next() * (to - from)) / (15 * MINUTE)) * 15 * MINUTE
    events.push({ startsAt, endsAt: startsAt + (1 + Math.floor(next() * 4)) * 15 * MINUTE })
  }
  return events.sort((a, b) => a.startsAt - b.startsAt)
}

// 2026-10-20 .. 2026-11-19 in New York: crosses the fall-back of 2026-11-01.
const from30 = Date.parse('2026-10-20T04:00:00Z')
const to30 = Date.parse('2026-11-19T05:00:00Z')
const now = Date.parse('2026-10-19T12:00:00Z')
const input30 = {
  schedule,
  meetingType,
  events: busyEvents(200, from30, to30, 1),
  now,
  range: { from: from30, to: to30 },
}
const from365 = Date.parse('2026-10-20T04:00:00Z')
const to365 = from365 + 365 * DAY
const input365 = {
  schedule,
  meetingType,
  events: busyEvents(2400, from365, to365, 2),
  now,
  range: { from: from365, to: to365 },
}
const teamZones = [
  'America/New_York',
  'America/Chicago',
  'America/Toronto',
  'America/Detroit',
  'America/New_York',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/New_York',
  'America/Nassau',
  'America/Chicago',
]
const input10 = {
  hosts: teamZones.map((timeZone, i) => ({
    schedule: { timeZone, weekly },
    events: busyEvents(20, from30, to30, 100 + i),
  })),
  meetingType,
  now,
  range: { from: from30, to: to30 },
}

function toApiShape(slots) {
  return JSON.stringify({
    time_zone: VIEWER_ZONE,
    slots: slots.map((slot) => ({
      start: formatRfc3339(slot.startsAt, VIEWER_ZONE),
      end: formatRfc3339(slot.endsAt, VIEWER_ZONE),
    })),
  })
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

/** Times `run` (µs per call) in batches until ~`budgetMs` of warm calls; returns median and p99. */
function measure(run, budgetMs = 1500) {
  for (let i = 0; i < 200; i++) run()
  const samples = []
  const deadline = performance.now() + budgetMs
  while (performance.now() < deadline) {
    const t0 = performance.now()
    run()
    samples.push((performance.now() - t0) * 1000)
  }
  samples.sort((a, b) => a - b)
  return { median: percentile(samples, 0.5), p99: percentile(samples, 0.99), calls: samples.length }
}

const t0 = performance.now()
const firstSlots = findSlots(input30)
const coldUs = (performance.now() - t0) * 1000

const rows = []
const row = (name, result, count, cold) =>
  rows.push({
    case: name,
    'cold µs': cold === undefined ? '' : cold.toFixed(0),
    'median µs': result.median.toFixed(1),
    'p99 µs': result.p99.toFixed(1),
    calls: result.calls,
    slots: count,
  })

row(
  'findSlots, 30 days, 200 busy (DST)',
  measure(() => findSlots(input30)),
  firstSlots.length,
  coldUs,
)
row(
  '  + JSON (formatRfc3339 ×2 per slot)',
  measure(() => toApiShape(firstSlots)),
  firstSlots.length,
)
// The same busy set in reverse order: the engine sorts it (once per call).
const unsorted = { ...input30, events: [...input30.events].reverse() }
row(
  'findSlots, 30 days, busy list unsorted',
  measure(() => findSlots(unsorted)),
  findSlots(unsorted).length,
)
const t1 = performance.now()
const yearSlots = findSlots(input365)
const yearCold = (performance.now() - t1) * 1000
row(
  'findSlots, 365 days, 2400 busy',
  measure(() => findSlots(input365)),
  yearSlots.length,
  yearCold,
)
row(
  '  + JSON (formatRfc3339 ×2 per slot)',
  measure(() => toApiShape(yearSlots)),
  yearSlots.length,
)
const t2 = performance.now()
const teamSlots = findCollectiveSlots(input10)
const teamCold = (performance.now() - t2) * 1000
row(
  'findCollectiveSlots, 10 hosts, 30 days',
  measure(() => findCollectiveSlots(input10)),
  teamSlots.length,
  teamCold,
)

console.log(
  `@slotkit/core slot benchmark (Node ${process.version}; import of dist ${importMs.toFixed(1)} ms)`,
)
console.log(
  'Input: Mon-Fri 09:00-12:00 + 13:00-17:00 America/New_York, 30-min meetings, 15-min step,',
)
console.log(
  '10-min buffers before and after; 30-day range 2026-10-20..2026-11-19 crosses the Nov 1 fall-back.',
)
console.log('cold = first call in this process (includes building the zone offset table).')
console.table(rows)
