import { html, nothing, type TemplateResult } from 'lit'
import { initialFocusDate, renderCalendarGrid } from '../components/calendar-grid'
import { renderZonePicker } from '../components/zone-picker'
import { translate } from '../i18n/catalog'
import { addMonths, monthOf } from '../i18n/dates'
import {
  formatDateHeading,
  formatDuration,
  formatMonth,
  formatSlotDateTime,
  formatSlotTime,
  weekdayNames,
  zoneName,
  zoneOffsetLabel,
} from '../i18n/format'
import { renderCurrentBooking, renderHeader } from './shared'
import type { StepOf } from './step'
import type { StepView } from './view'

type CalendarStep = StepOf<'calendar'>

/**
 * `calendar`: the month grid with the bookable days and, beside it (under it in
 * a narrow box), the chosen day's times in the invitee's zone; the zone
 * switcher; the durations to choose from; after a 409, the alert with the
 * server's next open slot.
 */
export function renderCalendarStep(v: StepView, step: CalendarStep): TemplateResult {
  const t = v.t
  const mt = v.meetingType!
  const a = v
  const month = step.month
  const state = v.monthSlots
  // A failed month shows plain days (the error and its retry are beside it), not skeletons.
  const available = state && state.status !== 'loading' ? new Set(state.days.keys()) : undefined
  const focusDate =
    step.focusDate && monthOf(step.focusDate) === month
      ? step.focusDate
      : initialFocusDate(month, { selected: step.selectedDate, today: v.today, available })
  const durations = [mt.duration_minutes, ...mt.duration_options_minutes]
    .filter((m, i, all) => all.indexOf(m) === i)
    .sort((x, y) => x - y)
  const monthTitle = formatMonth(month, v.locale)
  const digits = new Intl.NumberFormat(v.locale)
  return html`${renderHeader(v)} ${renderCurrentBooking(v, 'summary')} ${renderConflict(v, step)}
    ${
      durations.length > 1 && v.mode === 'book'
        ? html`<div class="durations row" role="group" aria-label=${t.duration}>
          ${durations.map(
            (m) =>
              html`<button
                type="button"
                part="button"
                aria-pressed=${m === v.durationMinutes ? 'true' : 'false'}
                @click=${() => a.chooseDuration(m)}
              >
                ${formatDuration(m, v.locale)}
              </button>`,
          )}
        </div>`
        : nothing
    }
    <div class="layout">
      <div part="calendar">
        <h2 class="visually-hidden" tabindex="-1" data-focus-heading>
          ${v.mode === 'reschedule' ? t.rescheduleTitle : t.chooseDate}
        </h2>
        <div class="cal-nav">
          <button
            type="button"
            part="button"
            aria-label=${t.previousMonth}
            ?disabled=${month <= v.firstMonth}
            @click=${() => a.goToMonth(addMonths(month, -1))}
          >
            ‹
          </button>
          <h3 id="month-title">${monthTitle}</h3>
          <button
            type="button"
            part="button"
            aria-label=${t.nextMonth}
            ?disabled=${month >= v.lastMonth}
            @click=${() => a.goToMonth(addMonths(month, 1))}
          >
            ›
          </button>
        </div>
        ${renderCalendarGrid({
          month,
          firstDayOfWeek: v.weekStart,
          weekdaysShort: weekdayNames(v.locale, v.weekStart, 'short'),
          weekdaysLong: weekdayNames(v.locale, v.weekStart, 'long'),
          focusDate,
          selectedDate: step.selectedDate,
          available,
          today: v.today,
          dayLabel: (date) => formatDateHeading(date, v.locale),
          dayNumber: (day) => digits.format(day),
          availableLabel: t.available,
          gridLabel: `${t.chooseDate}, ${monthTitle}`,
          onSelect: a.selectDate,
          onKey: a.gridKey,
        })}
        ${renderZonePicker({
          idPrefix: 'sk',
          timeZone: v.timeZone,
          label: t.timeZone,
          value: `${zoneName(v.timeZone)} (${zoneOffsetLabel(Date.now(), v.timeZone)})`,
          open: v.zonePicker.open,
          query: v.zonePicker.query,
          options: v.zoneOptions,
          activeIndex: v.zonePicker.active,
          searchLabel: t.searchTimeZone,
          emptyLabel: t.noZoneMatch,
          offsetOf: (zone) => zoneOffsetLabel(Date.now(), zone),
          onToggle: a.toggleZones,
          onInput: a.searchZones,
          onKey: a.zoneKey,
          onChoose: a.chooseZone,
        })}
      </div>
      ${renderTimes(v, step)}
    </div>`
}

/** After a 409: what happened and, when the server offers one, its next open slot. */
function renderConflict(v: StepView, step: CalendarStep): TemplateResult | typeof nothing {
  const conflict = step.conflict
  if (!conflict) return nothing
  const next = conflict.alternatives[0]
  return html`<div class="alert" role="alert" part="error" tabindex="-1">
    <p>${conflict.reason === 'CONFLICT' || !conflict.reason ? v.t.slotTaken : v.t.slotRefused}</p>
    ${
      next
        ? html`<button
          type="button"
          class="primary"
          part="button button-primary"
          data-suggest
          @click=${() => v.pickSlot(next)}
        >
          ${translate(v.t.suggested, {
            time: formatSlotDateTime(next.start, { ...v.time, timeZoneName: false }),
          })}
        </button>`
        : nothing
    }
  </div>`
}

/** The chosen day's times: skeletons, an error with a retry, "none", or the list. */
function renderTimes(v: StepView, step: CalendarStep): TemplateResult {
  const t = v.t
  const state = v.monthSlots
  const date = step.selectedDate
  let body: TemplateResult
  if (!state || state.status === 'loading') {
    body = html`<div part="skeleton" aria-hidden="true">
      ${[0, 1, 2, 3].map(() => html`<span class="skeleton sk-slot"></span>`)}
    </div>`
  } else if (state.status === 'error') {
    body = html`<div class="alert" role="alert" part="error">
      <p>${t.slotsError}</p>
      <button type="button" part="button" @click=${v.retrySlots}>${t.retry}</button>
    </div>`
  } else if (state.days.size === 0) {
    body = html`<p class="muted">
        ${translate(t.noTimesInMonth, { month: formatMonth(step.month, v.locale) })}
      </p>
      ${
        step.month < v.lastMonth
          ? html`<button
            type="button"
            part="button"
            @click=${() => v.goToMonth(addMonths(step.month, 1))}
          >
            ${t.nextMonth}
          </button>`
          : nothing
      }`
  } else if (!date || monthOf(date) !== step.month) {
    body = html`<p class="muted">${t.pickDay}</p>`
  } else {
    const slots = state.days.get(date) ?? []
    const suggested = step.conflict?.alternatives[0]?.start
    body =
      slots.length === 0
        ? html`<p class="muted">${t.noTimesForDay}</p>`
        : html`<ul class="slot-list" role="list" aria-labelledby="slots-title">
            ${slots.map((slot) => {
              const isSuggested =
                suggested !== undefined && Date.parse(suggested) === Date.parse(slot.start)
              return html`<li>
                <button
                  type="button"
                  class="slot"
                  part=${isSuggested ? 'slot slot-suggested' : 'slot'}
                  ?data-suggested=${isSuggested}
                  data-start=${slot.start}
                  @click=${() => v.pickSlot(slot)}
                >
                  ${formatSlotTime(slot.start, v.time)}
                </button>
              </li>`
            })}
          </ul>`
  }
  return html`<div class="slots" part="slots" aria-busy=${state?.status === 'loading' ? 'true' : 'false'}>
    <h3 id="slots-title">
      ${date ? formatDateHeading(date, v.locale, { year: false }) : t.chooseTime}
    </h3>
    ${body}
  </div>`
}
