import { html, type TemplateResult } from 'lit'
import type { StepView } from './view'

/** `loading`: skeletons of the calendar and times, never a blank box. */
export function renderLoadingStep(v: StepView): TemplateResult {
  return html`<div part="skeleton">
    <span class="visually-hidden">${v.t.loading}</span>
    <span class="skeleton sk-title"></span>
    <div class="layout">
      <div><span class="skeleton sk-line"></span><span class="skeleton sk-grid"></span></div>
      <div>
        <span class="skeleton sk-line"></span>
        ${[0, 1, 2, 3, 4].map(() => html`<span class="skeleton sk-slot"></span>`)}
      </div>
    </div>
  </div>`
}
