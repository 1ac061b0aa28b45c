import { describe, expect, test } from 'vitest'
import type { Interval } from '../types'
import { clipIntervals } from './clip-intervals'
import { intersectIntervals } from './intersect-intervals'
import { mergeIntervals } from './merge-intervals'
import { overlaps } from './overlaps'
import { sortIntervals } from './sort-intervals'
import { subtractIntervals } from './subtract-intervals'

const i = (startsAt: number, endsAt: number): Interval => ({ startsAt, endsAt })

describe('interval algebra', () => {
  test('sortIntervals sorts by start then end without mutating', () => {
    const input = [i(5, 9), i(1, 4), i(1, 3)]
    const frozen = structuredClone(input)
    expect(sortIntervals(input)).toEqual([i(1, 3), i(1, 4), i(5, 9)])
    expect(input).toEqual(frozen)
  })

  test('mergeIntervals joins overlapping and touching intervals and drops empty ones', () => {
    expect(mergeIntervals([i(10, 12), i(0, 5), i(5, 7), i(3, 4), i(8, 8), i(9, 9)])).toEqual([
      i(0, 7),
      i(10, 12),
    ])
    expect(mergeIntervals([])).toEqual([])
  })

  test('subtractIntervals removes busy parts, including ones that cover an edge', () => {
    expect(
      subtractIntervals([i(0, 10), i(20, 30)], [i(-5, 2), i(4, 6), i(9, 21), i(29, 40)]),
    ).toEqual([i(2, 4), i(6, 9), i(21, 29)])
    expect(subtractIntervals([i(0, 10)], [])).toEqual([i(0, 10)])
    expect(subtractIntervals([i(0, 10)], [i(0, 10)])).toEqual([])
  })

  test('intersectIntervals keeps only instants in both lists', () => {
    expect(intersectIntervals([i(0, 10), i(20, 30)], [i(5, 25)])).toEqual([i(5, 10), i(20, 25)])
    expect(intersectIntervals([i(0, 10)], [i(10, 20)])).toEqual([])
  })

  test('clipIntervals cuts intervals to a window', () => {
    expect(clipIntervals([i(20, 30), i(0, 10), i(40, 50)], i(5, 25))).toEqual([i(5, 10), i(20, 25)])
  })

  test('overlaps is strict, so touching intervals do not overlap', () => {
    expect(overlaps(i(0, 10), i(10, 20))).toBe(false)
    expect(overlaps(i(0, 10), i(9, 20))).toBe(true)
    expect(overlaps(i(0, 10), i(5, 5))).toBe(true)
  })

  test('results do not depend on input order', () => {
    const a = [i(0, 5), i(3, 8), i(10, 12), i(20, 25)]
    const b = [i(4, 11), i(21, 22)]
    const reversedA = [...a].reverse()
    const reversedB = [...b].reverse()
    expect(mergeIntervals(reversedA)).toEqual(mergeIntervals(a))
    expect(subtractIntervals(reversedA, reversedB)).toEqual(subtractIntervals(a, b))
    expect(intersectIntervals(reversedA, reversedB)).toEqual(intersectIntervals(a, b))
  })
})
