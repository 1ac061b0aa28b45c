/**
 * Calendar-day arithmetic on `YYYY-MM-DD` strings, for the month grid. Pure:
 * a calendar date has no zone, so it is computed on UTC midnights and never
 * touches the local clock. "Today" is asked for with an explicit `now`.
 */

const DAY_MS = 86_400_000

/** Epoch day number of a `YYYY-MM-DD` date (days since 1970-01-01). */
export function toEpochDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS)
}

/** The `YYYY-MM-DD` date of an epoch day number. */
export function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days)
}

/** 0 = Sunday … 6 = Saturday, the API's convention. */
export function dayOfWeek(date: string): number {
  return (((toEpochDay(date) + 4) % 7) + 7) % 7
}

/** The month `YYYY-MM` of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7)
}

/** First and last day of the month `YYYY-MM`. */
export function monthBounds(month: string): { startDate: string; endDate: string } {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return { startDate: `${month}-01`, endDate: `${month}-${String(last).padStart(2, '0')}` }
}

/** The month `YYYY-MM` that is `delta` months from `month`. */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const d = new Date(Date.UTC(y, m - 1 + delta, 1))
  return d.toISOString().slice(0, 7)
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
  for (let day = toEpochDay(startDate); day <= toEpochDay(endDate); day++) {
    cells.push(fromEpochDay(day))
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
