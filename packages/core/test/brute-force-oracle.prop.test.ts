/**
 * Self-consistency of the oracle on random inputs: its `findSlots` obeys the invariants of
 * SEMANTICS.md, and its `checkSlot` accepts exactly what its `findSlots` offers. This catches
 * oracle bugs without involving the engine.
 */
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import { arbInput, shuffled } from './arbitraries'
import { oracleCheckSlot, oracleFindSlots, rangeOf } from './brute-force-oracle'
import {
  checkInput,
  expectInsideAvailability,
  expectNoConflicts,
  expectSortedUnique,
  probeStarts,
} from './slot-invariants'

const RUNS = Number(process.env.ORACLE_PROP_RUNS ?? 60)

test.prop([arbInput, fc.integer()], { numRuns: RUNS })(
  'oracle: invariants, order independence, and checkSlot agrees with findSlots',
  (input, seed) => {
    const slots = oracleFindSlots(input)
    expectSortedUnique(input, slots)
    expectNoConflicts(input, slots)
    expectInsideAvailability(input, slots)
    expect(oracleFindSlots(shuffled(input, seed))).toEqual(slots)
    const offered = new Set(slots.map((s) => s.startsAt))
    const { from, to } = rangeOf(input)
    for (const t of probeStarts(input, [])) {
      const check = oracleCheckSlot(checkInput(input, t))
      if (t >= from && t < to) expect(check.ok, `start ${t}`).toBe(offered.has(t))
    }
  },
  120_000,
)
