import { html, type TemplateResult } from 'lit'
import { errorText } from './shared'
import type { StepOf } from './step'
import type { StepView } from './view'

/** `load-error`: the meeting type or booking could not be loaded; "Try again" starts over. */
export function renderLoadErrorStep(v: StepView, step: StepOf<'load-error'>): TemplateResult {
  return html`<div class="alert" role="alert" part="error" tabindex="-1">
    <p><strong>${v.t.loadError}</strong></p>
    <p>${errorText(v, step.error)}</p>
    <button type="button" part="button" @click=${v.retryLoad}>${v.t.retry}</button>
  </div>`
}
