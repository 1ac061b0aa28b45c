import { html, type TemplateResult } from 'lit'
import { renderInputField, renderQuestionField } from '../components/form-fields'
import { translate } from '../i18n/catalog'
import { formatSlotDateTime } from '../i18n/format'
import { renderCurrentBooking, renderHeader, renderSlotSummary, renderSubmitError } from './shared'
import type { StepOf } from './step'
import type { StepView } from './view'

/**
 * `details`: the chosen time, then the invitee's name, e-mail and the meeting
 * type's questions; to reschedule, the one button that moves the booking.
 */
export function renderDetailsStep(v: StepView, step: StepOf<'details'>): TemplateResult {
  const t = v.t
  const a = v
  // "←" is not mirrored by the bidi algorithm (unlike "‹"): right to left, back points right.
  const back = html`<button type="button" class="link" part="button" @click=${a.back}>
    <span aria-hidden="true">${v.dir === 'rtl' ? '→' : '←'}</span> ${t.back}
  </button>`
  if (v.mode === 'reschedule') {
    const time = formatSlotDateTime(step.slot.start, { ...v.time, timeZoneName: false })
    return html`${renderHeader(v)} ${back}
      <h2 tabindex="-1" data-focus-heading part="title">${t.rescheduleTitle}</h2>
      ${renderCurrentBooking(v, 'muted')} ${renderSlotSummary(v, step.slot)}
      ${renderSubmitError(v, step.error)}
      <button
        type="button"
        class="primary"
        part="button button-primary"
        ?disabled=${step.submitting}
        @click=${a.submitReschedule}
      >
        ${step.submitting ? t.rescheduling : translate(t.rescheduleConfirm, { time })}
      </button>`
  }
  const errors = step.fieldErrors
  return html`${renderHeader(v)} ${back}
    <h2 tabindex="-1" data-focus-heading part="title">${t.yourDetails}</h2>
    ${renderSlotSummary(v, step.slot)} ${renderSubmitError(v, step.error)}
    <form part="form" novalidate @submit=${a.submitBooking} @input=${a.input} @change=${a.input}>
      ${renderInputField({
        key: 'name',
        label: t.name,
        type: 'text',
        required: true,
        value: v.value('name'),
        error: errors.name,
        autocomplete: 'name',
        maxLength: 200,
      })}
      ${renderInputField({
        key: 'email',
        label: t.email,
        type: 'email',
        required: true,
        value: v.value('email'),
        error: errors.email,
        autocomplete: 'email',
        maxLength: 254,
      })}
      ${v.meetingType!.questions.map((q) =>
        renderQuestionField(
          // The phone location's question: its label in the invitee's language.
          q.id === 'location_phone' ? { ...q, label: t.yourPhone } : q,
          v.value(`q-${q.id}`),
          errors[`q-${q.id}`],
        ),
      )}
      <div>
        <button type="submit" class="primary" part="button button-primary" ?disabled=${step.submitting}>
          ${step.submitting ? t.scheduling : t.confirm}
        </button>
      </div>
    </form>`
}
