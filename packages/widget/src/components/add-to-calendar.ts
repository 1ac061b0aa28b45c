import { html, type TemplateResult } from 'lit'
import {
  type CalendarEvent,
  googleCalendarUrl,
  icsDataUrl,
  outlookCalendarUrl,
} from '../calendar-links'

/** What the add-to-calendar row shows. */
export interface AddToCalendarProps {
  readonly event: CalendarEvent
  /** DTSTAMP of the `.ics` (the booking's creation time). */
  readonly stampedAt: number | string
  /** Name of the downloaded file, without extension. */
  readonly fileName: string
  readonly labels: { readonly ics: string; readonly google: string; readonly outlook: string }
}

/** An `.ics` download (a `data:` URL, no request) and Google Calendar / Outlook links. */
export function renderAddToCalendar(p: AddToCalendarProps): TemplateResult {
  const file = `${p.fileName.replace(/[^\w-]+/g, '-').toLowerCase() || 'meeting'}.ics`
  return html`<div class="row">
    <a class="button" part="button" href=${icsDataUrl(p.event, p.stampedAt)} download=${file}>
      ${p.labels.ics}
    </a>
    <a class="button" part="button" href=${googleCalendarUrl(p.event)} target="_blank" rel="noopener">
      ${p.labels.google}
    </a>
    <a class="button" part="button" href=${outlookCalendarUrl(p.event)} target="_blank" rel="noopener">
      ${p.labels.outlook}
    </a>
  </div>`
}
