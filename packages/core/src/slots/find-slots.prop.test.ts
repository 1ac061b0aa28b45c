/**
 * Property tests of `findSlots` and `checkSlot` against the independent brute-force oracle
 * (test/brute-force-oracle.ts: Intl only, minute scans, no Temporal, no transitions table).
 * Inputs: random real zones (30-minute DST, DST at midnight, +05:45, +12:45/+13:45, −03:30,
 * southern hemisphere, no DST), dates biased toward the DST transitions of 2026–2027, awkward
 * windows, overrides, busy time with buffers, every meeting-type rule, instant and viewer
 * date ranges.
 *
 * Runs per property: PROP_RUNS (default 300). To replay a failure, pass the printed seed
 * and path: `fc.configureGlobal({ seed, path })` or the `seed` option below.
 * Every counterexample found stays as an ordinary test in counterexamples.test.ts.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { arbInput, MIN, shuffled } from '../../test/arbitraries'
import { oracleCheckSlot, oracleFindSlots, rangeOf } from '../../test/brute-force-oracle'
import {
  checkInput,
  expectInsideAvailability,
  expectNoConflicts,
  expectSortedUnique,
  probeStarts,
} from '../../test/slot-invariants'
import { checkSlot, findSlots } from '../index'
import type { Slot, SlotCheck } from '../types'

const RUNS = Number(process.env.PROP_RUNS ?? 300)
const params = { numRuns: RUNS }
/** Generous per-test timeout (ms): the oracle is slow by design and CI machines are busy. */
const TIMEOUT = 120_000

const plain = (slots: readonly Slot[]) =>
  slots.map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt }))

/** The comparable part of a check: ok + slot, or the reason (the message is free text). */
const verdict = (c: SlotCheck | ReturnType<typeof oracleCheckSlot>) =>
  c.ok
    ? { ok: true, startsAt: c.slot.startsAt, endsAt: c.slot.endsAt }
    : { ok: false, reason: c.reason }

describe('findSlots properties', () => {
  test.prop([arbInput], params)(
    '(a) equals the brute-force oracle exactly',
    (input) => {
      expect(plain(findSlots(input))).toEqual(oracleFindSlots(input))
    },
    TIMEOUT,
  )

  test.prop([arbInput], params)(
    "(b) no slot's blocked range overlaps busy time",
    (input) => {
      expectNoConflicts(input, findSlots(input))
    },
    TIMEOUT,
  )

  test.prop([arbInput], params)(
    '(c) every slot lies inside availability and the range',
    (input) => {
      expectInsideAvailability(input, findSlots(input))
    },
    TIMEOUT,
  )

  test.prop([arbInput], params)(
    '(d) sorted by start, unique, the chosen duration long',
    (input) => {
      expectSortedUnique(input, findSlots(input))
    },
    TIMEOUT,
  )

  test.prop([arbInput, fc.integer()], params)(
    '(e) independent of the order of rules, overrides, windows, bookings and events',
    (input, seed) => {
      expect(plain(findSlots(shuffled(input, seed)))).toEqual(plain(findSlots(input)))
    },
    TIMEOUT,
  )

  test.prop(
    [
      arbInput,
      fc.array(
        fc.oneof(
          fc.integer({ min: -3 * 1440, max: 5 * 1440 }).map((m) => m * MIN),
          fc.integer({ min: -3 * 86_400_000, max: 5 * 86_400_000 }),
        ),
        { maxLength: 10 },
      ),
    ],
    { numRuns: Math.max(1, Math.round(RUNS * 0.7)) },
  )(
    '(f) checkSlot accepts exactly the offered slots and otherwise gives the oracle reason',
    (input, offsets) => {
      const slots = findSlots(input)
      for (const slot of slots) {
        const c = checkSlot(checkInput(input, slot.startsAt))
        expect(verdict(c), `offered ${slot.startsAt}`).toEqual({
          ok: true,
          startsAt: slot.startsAt,
          endsAt: slot.endsAt,
        })
      }
      const offered = new Set(slots.map((s) => s.startsAt))
      const { from, to } = rangeOf(input)
      const anchor = Date.parse(`${new Date(from).toISOString().slice(0, 10)}T00:00:00Z`)
      for (const t of probeStarts(
        input,
        offsets.map((o) => anchor + o),
      )) {
        const c = checkSlot(checkInput(input, t))
        expect(verdict(c), `checkSlot at ${t} (${new Date(t).toISOString()})`).toEqual(
          verdict(oracleCheckSlot(checkInput(input, t))),
        )
        if (t >= from && t < to) expect(c.ok, `in-range start ${t}`).toBe(offered.has(t))
      }
    },
    TIMEOUT,
  )
})
