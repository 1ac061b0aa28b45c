import { html, type TemplateResult } from 'lit'
import { renderBookingSummary, renderHeader, renderSubmitError } from './shared'
import type { StepOf } from './step'
import type { StepView } from './view'

/** `cancel`: the booking from the invitee's link, an optional reason and the button. */
export function renderCancelStep(v: StepView, step: StepOf<'cancel'>): TemplateResult {
  const t = v.t
  return html`${renderHeader(v)}
    <h2 tabindex="-1" data-focus-heading part="title">${t.cancelTitle}</h2>
    ${renderBookingSummary(v, v.booking)} ${renderSubmitError(v, step.error)}
    <form part="form" @submit=${v.submitCancel}>
      <div part="field">
        <label for="cancel-reason" part="label">${t.cancelReason}</label>
        <textarea
          id="cancel-reason"
          part="input"
          rows="3"
          maxlength="1000"
          .value=${step.reason}
          @input=${v.cancelReason}
        ></textarea>
      </div>
      <div>
        <button type="submit" class="primary" part="button button-primary" ?disabled=${step.submitting}>
          ${step.submitting ? t.cancelling : t.cancelConfirm}
        </button>
      </div>
    </form>`
}
