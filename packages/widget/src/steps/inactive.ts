import { html, type TemplateResult } from 'lit'
import { renderBookingSummary, renderHeader } from './shared'
import type { StepView } from './view'

/** `inactive`: the invitee's link points at a booking that was cancelled or moved. */
export function renderInactiveStep(v: StepView): TemplateResult {
  return html`${renderHeader(v)}
    <h2 tabindex="-1" data-focus-heading part="title">${v.t.notActive}</h2>
    ${renderBookingSummary(v, v.booking)}`
}
