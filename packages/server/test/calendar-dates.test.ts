import { describe, expect, it } from 'vitest'
import { addDays, daysBetween } from '../src/services/validate'

/** The slots endpoint's integer date arithmetic against Date, over the API's whole year range. */
describe('addDays / daysBetween', () => {
  it('agree with Date from 1900 to 2199, across leap days and centuries', () => {
    const viaDate = (date: string, days: number) =>
      new Date(
        Date.UTC(
          Number(date.slice(0, 4)),
          Number(date.slice(5, 7)) - 1,
          Number(date.slice(8, 10)) + days,
        ),
      )
        .toISOString()
        .slice(0, 10)
    let checked = 0
    for (let t = Date.UTC(1900, 0, 1); t < Date.UTC(2200, 0, 1); t += 86_400_000 * 5) {
      const date = new Date(t).toISOString().slice(0, 10)
      for (const days of [-366, -1, 0, 1, 28, 365, 1461]) {
        const expected = viaDate(date, days)
        if (addDays(date, days) !== expected || daysBetween(date, expected) !== days) {
          expect({ date, days, got: addDays(date, days) }).toEqual({ date, days, got: expected })
        }
        checked++
      }
    }
    expect(checked).toBeGreaterThan(150_000)
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29')
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01')
    expect(daysBetween('2027-03-01', '2027-02-28')).toBe(-1)
  })
})
