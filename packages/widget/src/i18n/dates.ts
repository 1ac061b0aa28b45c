/**
 * Calendar-day arithmetic on `YYYY-MM-DD` strings, for the month grid, on
 * core's integer epoch days (`@slotkit/core/format`: no Temporal, no Date). A
 * calendar date has no zone, so nothing here touches the local clock. "Today"
 * is asked for with an explicit `now`.
 */
import { dayOfWeekOf, daysInMonth, formatIsoDate, parseIsoDate } from '@slotkit/core/format'

// Dates here come from the grid, the API and `localDateOf`: always real ones.
const epochDayOf = (date: string) => parseIsoDate(date, 'date')

/** `date` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return formatIsoDate(epochDayOf(date) + days)
}

/** 0 = Sunday … 6 = Saturday, the API's convention. */
export function dayOfWeek(date: string): number {
  return dayOfWeekOf(epochDayOf(date))
}

/** The month `YYYY-MM` of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7)
}

/** First and last day of the month `YYYY-MM`. */
export function monthBounds(month: string): { startDate: string; endDate: string } {
  const last = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)))
  return { startDate: `${month}-01`, endDate: `${month}-${String(last).padStart(2, '0')}` }
}

/** The month `YYYY-MM` that is `delta` months from `month`. */
export function addMonths(month: string, delta: number): string {
  // Months since year 0, so a delta crosses year ends by plain division.
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta
  const year = Math.floor(index / 12)
  return `${String(year).padStart(4, '0')}-${String(index - year * 12 + 1).padStart(2, '0')}`
}

/** `date` moved by whole months, clamped to the end of the target month (Jan 31 + 1 → Feb 28). */
export function addMonthsToDate(date: string, delta: number): string {
  const month = addMonths(monthOf(date), delta)
  const { endDate } = monthBounds(month)
  const day = Math.min(Number(date.slice(8, 10)), Number(endDate.slice(8, 10)))
  return `${month}-${String(day).padStart(2, '0')}`
}

/**
 * The weeks of the month `YYYY-MM` as rows of seven cells, starting on
 * `firstDayOfWeek` (0 = Sunday). Cells outside the month are `null`.
 *
 * @example
 * monthWeeks('2027-02', 1)[0] // [ '2027-02-01', '2027-02-02', … ] (Monday start)
 */
export function monthWeeks(month: string, firstDayOfWeek: number): Array<Array<string | null>> {
  const { startDate, endDate } = monthBounds(month)
  const lead = (dayOfWeek(startDate) - firstDayOfWeek + 7) % 7
  const cells: Array<string | null> = Array.from({ length: lead }, () => null)
  for (let day = epochDayOf(startDate); day <= epochDayOf(endDate); day++) {
    cells.push(formatIsoDate(day))
  }
  while (cells.length % 7 !== 0) cells.push(null)
  const weeks: Array<Array<string | null>> = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

/** Start of the week (per `firstDayOfWeek`) that holds `date`. */
export function startOfWeek(date: string, firstDayOfWeek: number): string {
  return addDays(date, -((dayOfWeek(date) - firstDayOfWeek + 7) % 7))
}
