import { html, nothing, type TemplateResult } from 'lit'
import type { CalendarEvent } from '../calendar-links'
import { renderAddToCalendar } from '../components/add-to-calendar'
import { translate } from '../i18n/catalog'
import { renderBookingSummary, renderHeader } from './shared'
import type { StepOf } from './step'
import type { StepView } from './view'

/**
 * `done`: booked, moved or cancelled. A booking that stands gets
 * add-to-calendar links and the invitee's reschedule and cancel links.
 */
export function renderDoneStep(v: StepView, step: StepOf<'done'>): TemplateResult {
  const t = v.t
  const b = step.booking
  const mt = v.meetingType
  const cancelled = step.outcome === 'cancelled'
  const event: CalendarEvent = {
    id: b.id,
    title: mt ? `${mt.name} (${mt.host.name})` : t.widgetLabel,
    startsAt: b.start_time,
    endsAt: b.end_time,
    description: [
      b.reschedule_url && `${t.manageReschedule}: ${b.reschedule_url}`,
      b.cancel_url && `${t.manageCancel}: ${b.cancel_url}`,
    ]
      .filter(Boolean)
      .join('\n'),
  }
  return html`<div part="confirmation">
    ${renderHeader(v)}
    <h2 tabindex="-1" data-focus-heading part="title">
      <span class=${cancelled ? 'muted' : 'success'} aria-hidden="true">${cancelled ? '✕' : '✓'}</span>
      ${t[step.outcome]}
    </h2>
    ${
      step.outcome === 'booked' && b.invitee_email
        ? html`<p>${translate(t.bookedLead, { email: b.invitee_email })}</p>`
        : nothing
    }
    ${renderBookingSummary(v, b)}
    ${
      cancelled
        ? nothing
        : html`<h3>${t.addToCalendar}</h3>
          ${renderAddToCalendar({
            event,
            stampedAt: b.created_at ?? b.start_time,
            fileName: mt?.name ?? 'meeting',
            labels: { ics: t.downloadIcs, google: t.google, outlook: t.outlook },
          })}
          ${
            b.reschedule_url || b.cancel_url
              ? html`<p class="row manage">
                ${
                  b.reschedule_url
                    ? html`<a class="link" part="button" href=${b.reschedule_url}>${t.manageReschedule}</a>`
                    : nothing
                }
                ${b.cancel_url ? html`<a class="link" part="button" href=${b.cancel_url}>${t.manageCancel}</a>` : nothing}
              </p>`
              : nothing
          }`
    }
  </div>`
}
