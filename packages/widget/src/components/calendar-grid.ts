import { html, nothing, type TemplateResult } from 'lit'
import { addDays, addMonthsToDate, monthBounds, monthWeeks, startOfWeek } from '../i18n/dates'

/** What the month grid shows. */
export interface CalendarGridProps {
  readonly month: string
  readonly firstDayOfWeek: number
  readonly weekdaysShort: readonly string[]
  readonly weekdaysLong: readonly string[]
  /** The one day in the tab order (roving tabindex). */
  readonly focusDate: string
  readonly selectedDate: string | undefined
  /** Bookable dates, or `undefined` while the month is loading. */
  readonly available: ReadonlySet<string> | undefined
  readonly today: string
  /** Accessible name of a day: "Monday, March 15, 2027". */
  readonly dayLabel: (date: string) => string
  /**
   * The day of the month as shown, in the locale's digits ("15", Arabic "١٥"):
   * the same digits as the accessible name, which must contain what is shown.
   */
  readonly dayNumber: (day: number) => string
  readonly availableLabel: string
  readonly gridLabel: string
  readonly onSelect: (date: string) => void
  readonly onKey: (event: KeyboardEvent) => void
}

/**
 * The month as an ARIA grid (a table: rows are weeks, cells are days). Only
 * {@link CalendarGridProps.focusDate} has `tabindex=0`; arrow keys move it (see
 * {@link nextFocusDate}). Days without slots stay focusable but `aria-disabled`,
 * so arrow navigation never skips over them.
 */
export function renderCalendarGrid(p: CalendarGridProps): TemplateResult {
  const loading = p.available === undefined
  return html`<table
    role="grid"
    part="calendar-grid"
    class=${loading ? 'grid-busy' : ''}
    aria-label=${p.gridLabel}
    aria-busy=${loading ? 'true' : 'false'}
    @keydown=${p.onKey}
  >
    <thead>
      <tr>
        ${p.weekdaysShort.map(
          (name, i) => html`<th scope="col" abbr=${p.weekdaysLong[i] ?? name}>${name}</th>`,
        )}
      </tr>
    </thead>
    <tbody>
      ${monthWeeks(p.month, p.firstDayOfWeek).map(
        (week) =>
          html`<tr>
            ${week.map((date) => (date ? renderDay(p, date) : html`<td></td>`))}
          </tr>`,
      )}
    </tbody>
  </table>`
}

function renderDay(p: CalendarGridProps, date: string): TemplateResult {
  const isAvailable = p.available?.has(date) ?? false
  const isSelected = date === p.selectedDate
  const parts = ['day', isAvailable ? 'day-available' : '', isSelected ? 'day-selected' : '']
    .filter(Boolean)
    .join(' ')
  return html`<td aria-selected=${isSelected ? 'true' : 'false'}>
    <button
      type="button"
      class="day"
      part=${parts}
      data-date=${date}
      tabindex=${date === p.focusDate ? 0 : -1}
      aria-disabled=${isAvailable ? 'false' : 'true'}
      aria-current=${date === p.today ? 'date' : nothing}
      aria-label=${isAvailable ? `${p.dayLabel(date)}, ${p.availableLabel}` : p.dayLabel(date)}
      ?data-available=${isAvailable}
      ?data-selected=${isSelected}
      ?data-today=${date === p.today}
      @click=${() => isAvailable && p.onSelect(date)}
    >
      ${p.dayNumber(Number(date.slice(8, 10)))}
    </button>
  </td>`
}

/**
 * Where a key press moves the grid's focus from `date`, as in the WAI-ARIA
 * date-picker pattern: arrows by day and week, Home/End to the week's ends,
 * PageUp/PageDown by month (with Shift: by year). `undefined` for other keys.
 * Left and right follow the reading direction: in a right-to-left grid the
 * next day sits to the left, so ArrowLeft moves forward (`rtl`).
 */
export function nextFocusDate(
  key: string,
  date: string,
  firstDayOfWeek: number,
  options: { readonly shiftKey?: boolean; readonly rtl?: boolean } = {},
): string | undefined {
  const shiftKey = options.shiftKey === true
  const forward = options.rtl ? -1 : 1
  switch (key) {
    case 'ArrowLeft':
      return addDays(date, -forward)
    case 'ArrowRight':
      return addDays(date, forward)
    case 'ArrowUp':
      return addDays(date, -7)
    case 'ArrowDown':
      return addDays(date, 7)
    case 'Home':
      return startOfWeek(date, firstDayOfWeek)
    case 'End':
      return addDays(startOfWeek(date, firstDayOfWeek), 6)
    case 'PageUp':
      return addMonthsToDate(date, shiftKey ? -12 : -1)
    case 'PageDown':
      return addMonthsToDate(date, shiftKey ? 12 : 1)
    default:
      return undefined
  }
}

/** The day the roving tabindex should land on in `month`: the selected day, today, the first bookable day, or the 1st. */
export function initialFocusDate(
  month: string,
  candidates: {
    selected?: string | undefined
    today: string
    available?: ReadonlySet<string> | undefined
  },
): string {
  const { startDate, endDate } = monthBounds(month)
  const inMonth = (d: string | undefined) => d !== undefined && d >= startDate && d <= endDate
  if (inMonth(candidates.selected)) return candidates.selected!
  const firstAvailable = [...(candidates.available ?? [])].sort().find(inMonth)
  if (firstAvailable) return firstAvailable
  if (inMonth(candidates.today)) return candidates.today
  return startDate
}
