import { SchedulingError } from '../errors/scheduling-error'
import { DAY_MS } from './epoch-day'
import { Temporal } from './temporal'

/** 2^35 ms ≈ 398 days: the span of one lazily built chunk of a zone's transitions. */
const CHUNK_MS = 2 ** 35
/** Temporal's instant range is ±10^8 days; chunks are clamped into it. */
const TEMPORAL_LIMIT_MS = 8.64e15

/** Offset transitions inside one chunk: `offsets[i]` is in force before `transitions[i]`. */
interface Chunk {
  /** Instants (epoch ms) at which the UTC offset changes, ascending. */
  readonly transitions: readonly number[]
  /** UTC offsets in ms; `offsets.length === transitions.length + 1`. */
  readonly offsets: readonly number[]
}

/**
 * A memoized table of one zone's UTC-offset transitions, built chunk by chunk
 * with Temporal on first use; every lookup afterwards is integer arithmetic
 * (plus a tiny search inside a chunk). Pure derived data: a cache, not state.
 */
export class ZoneTable {
  readonly timeZone: string
  private readonly chunks = new Map<number, Chunk>()
  private lastIndex = Number.NaN
  private lastChunk: Chunk | undefined
  /** Index of the last chunk that may hold a transition (Infinity until Temporal says otherwise). */
  private lastTransitionChunk = Number.POSITIVE_INFINITY
  private finalOffset = 0

  constructor(timeZone: string) {
    this.timeZone = timeZone
  }

  /** UTC offset in ms (local = instant + offset) in force at `instant`. */
  offsetAt(instant: number): number {
    const index = Math.floor(instant / CHUNK_MS)
    const chunk = index === this.lastIndex ? (this.lastChunk as Chunk) : this.chunkAt(index)
    const transitions = chunk.transitions
    let lo = 0
    let hi = transitions.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((transitions[mid] as number) <= instant) lo = mid + 1
      else hi = mid
    }
    return chunk.offsets[lo] as number
  }

  /**
   * The instant of local wall-clock milliseconds `localMs` (epoch day × 86 400 000
   * + time of day), with Temporal's `compatible` disambiguation:
   * - a wall time that occurs once maps to that instant;
   * - one that occurs twice (fall-back overlap) maps to the **earlier** instant;
   * - one that does not exist (spring-forward gap) is read with the offset in force
   *   before the transition, i.e. pushed forward by the gap's length
   *   (02:30 on 2026-03-08 in America/New_York → 03:30 EDT = 07:30Z).
   */
  wallToInstant(localMs: number): number {
    const before = this.offsetAt(localMs - DAY_MS)
    if (before === this.offsetAt(localMs + DAY_MS) && this.offsetAt(localMs - before) === before) {
      return localMs - before
    }
    return this.resolveNearTransition(localMs)
  }

  /** The slow, general path of {@link wallToInstant}, near one or more transitions. */
  private resolveNearTransition(localMs: number): number {
    const lo = localMs - 2 * DAY_MS
    const hi = localMs + 2 * DAY_MS
    const first = this.offsetAt(lo)
    const candidates = [first]
    const gaps: Array<[at: number, before: number, after: number]> = []
    let previous = first
    for (let index = Math.floor(lo / CHUNK_MS); index <= Math.floor(hi / CHUNK_MS); index++) {
      const chunk = this.chunkAt(index)
      chunk.transitions.forEach((at, i) => {
        if (at <= lo || at > hi) return
        const after = chunk.offsets[i + 1] as number
        candidates.push(after)
        if (after > previous) gaps.push([at, previous, after])
        previous = after
      })
    }
    let best = Number.POSITIVE_INFINITY
    for (const offset of candidates) {
      const instant = localMs - offset
      if (this.offsetAt(instant) === offset && instant < best) best = instant
    }
    if (best !== Number.POSITIVE_INFINITY) return best
    for (const [at, before, after] of gaps) {
      if (localMs >= at + before && localMs < at + after) return localMs - before
    }
    return localMs - first
  }

  private chunkAt(index: number): Chunk {
    let chunk = this.chunks.get(index)
    if (chunk === undefined) {
      if (index > this.lastTransitionChunk) {
        // Temporal reported no transition ever after that chunk (e.g. Asia/Kolkata
        // since 1945): later chunks hold the final offset, without asking it again.
        chunk = { transitions: [], offsets: [this.finalOffset] }
      } else {
        const built = buildChunk(this.timeZone, index)
        chunk = built.chunk
        if (built.final && index < this.lastTransitionChunk) {
          this.lastTransitionChunk = index
          this.finalOffset = chunk.offsets[chunk.offsets.length - 1] as number
        }
      }
      this.chunks.set(index, chunk)
    }
    this.lastIndex = index
    this.lastChunk = chunk
    return chunk
  }
}

/** Transitions of one chunk; `final` when Temporal found no transition after it at all. */
function buildChunk(timeZone: string, index: number): { chunk: Chunk; final: boolean } {
  const startMs = Math.max(index * CHUNK_MS, -TEMPORAL_LIMIT_MS)
  const endMs = Math.min((index + 1) * CHUNK_MS, TEMPORAL_LIMIT_MS)
  if (startMs >= endMs) return { chunk: { transitions: [], offsets: [0] }, final: false }
  let zoned = Temporal.Instant.fromEpochMilliseconds(startMs).toZonedDateTimeISO(timeZone)
  const transitions: number[] = []
  const offsets: number[] = [zoned.offsetNanoseconds / 1e6]
  for (;;) {
    const next = zoned.getTimeZoneTransition('next')
    if (next === null) return { chunk: { transitions, offsets }, final: true }
    if (next.epochMilliseconds >= endMs) return { chunk: { transitions, offsets }, final: false }
    transitions.push(next.epochMilliseconds)
    offsets.push(next.offsetNanoseconds / 1e6)
    zoned = next
  }
}

const tables = new Map<string, ZoneTable>()

/**
 * The memoized {@link ZoneTable} of an IANA zone. Throws `INVALID_TIME_ZONE`
 * (with `details.field`) when the runtime does not know the zone.
 */
export function getZoneTable(timeZone: unknown, field = 'timeZone'): ZoneTable {
  if (typeof timeZone === 'string') {
    const cached = tables.get(timeZone)
    if (cached !== undefined) return cached
    if (timeZone !== '') {
      let valid = true
      try {
        Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone)
      } catch {
        valid = false
      }
      if (valid) {
        const table = new ZoneTable(timeZone)
        tables.set(timeZone, table)
        return table
      }
    }
  }
  throw new SchedulingError(
    'INVALID_TIME_ZONE',
    `${field} must be an IANA time zone such as "America/New_York", got ${JSON.stringify(timeZone)}`,
    { field, value: timeZone },
  )
}
