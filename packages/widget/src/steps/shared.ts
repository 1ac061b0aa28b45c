import { html, nothing, type TemplateResult } from 'lit'
import type { WidgetError } from '../controllers/widget-api'
import { type MessageKey, translate } from '../i18n/catalog'
import { formatDuration, formatInBothZones, formatSlotDateTime, zoneName } from '../i18n/format'
import type { ApiSlot, Booking } from '../types'
import type { StepView } from './view'

/** Meeting name, duration and host above every step once the meeting type is known. */
export function renderHeader(v: StepView): TemplateResult {
  const mt = v.meetingType
  if (!mt) return html``
  return html`<header class="header" part="header">
    <h2>${mt.name}</h2>
    <span class="muted">${formatDuration(v.durationMinutes, v.locale)} · ${mt.host.name}</span>
  </header>`
}

/** "Current booking: …" of the booking being moved, or nothing. */
export function renderCurrentBooking(
  v: StepView,
  className: string,
): TemplateResult | typeof nothing {
  return v.mode === 'reschedule' && v.booking
    ? html`<p class=${className}>
        ${translate(v.t.currentBooking, {
          time: formatSlotDateTime(v.booking.start_time, { ...v.time, timeZoneName: false }),
        })}
      </p>`
    : nothing
}

/** The meeting in the invitee's zone and, when it differs, the host's. */
function bothZones(v: StepView, startsAt: string, endsAt: string) {
  return formatInBothZones({
    startsAt,
    endsAt,
    inviteeTimeZone: v.timeZone,
    hostTimeZone: v.hostTimeZone ?? v.timeZone,
    locale: v.locale,
    ...(v.time.hour12 === undefined ? {} : { hour12: v.time.hour12 }),
  })
}

/** The chosen slot in the invitee's zone, above the form. */
export function renderSlotSummary(v: StepView, slot: ApiSlot): TemplateResult {
  return html`<div class="summary">
    <p><strong>${bothZones(v, slot.start, slot.end).invitee}</strong></p>
    <p class="muted">${zoneName(v.timeZone)}</p>
  </div>`
}

/**
 * Where a booking's meeting happens: its join link (a link location's, or a
 * Meet or Teams link once the host's calendar made it), the number, the address,
 * or the kind of video meeting whose link is on its way.
 */
function whereOf(booking: Booking): TemplateResult | string | undefined {
  const place = booking.location
  const url = booking.meeting_url
  if (url)
    return html`<a class="link" part="meeting-link" href=${url} target="_blank" rel="noopener">${url}</a>`
  if (!place) return
  if (place.type === 'phone') return place.number
  if (place.type === 'in_person') return place.address
  return place.type === 'teams' ? 'Microsoft Teams' : 'Google Meet'
}

/** Event, the invitee's time and the host's (when another zone), and where, of a booking. */
export function renderBookingSummary(
  v: StepView,
  booking: Booking | undefined,
): TemplateResult | typeof nothing {
  if (!booking) return nothing
  const t = v.t
  const hostZone = v.hostTimeZone
  const lines = bothZones(v, booking.start_time, booking.end_time)
  const where = whereOf(booking)
  return html`<dl>
    ${
      v.meetingType
        ? html`<dt>${t.event}</dt>
          <dd>${v.meetingType.name}</dd>`
        : nothing
    }
    <dt>${translate(t.yourTime, { zone: zoneName(v.timeZone) })}</dt>
    <dd>${lines.invitee}</dd>
    ${
      hostZone && hostZone !== v.timeZone
        ? html`<dt>${translate(t.hostTime, { zone: zoneName(hostZone) })}</dt>
          <dd>${lines.host}</dd>`
        : nothing
    }
    ${where ? html`<dt>${t.where}</dt><dd>${where}</dd>` : nothing}
  </dl>`
}

/** The invitee-facing explanation of the failures they can act on, by code. */
const ERROR_TEXT: Readonly<Record<string, MessageKey>> = {
  NOT_FOUND: 'errorNotFound',
  NETWORK_ERROR: 'errorNetwork',
  TIMEOUT: 'errorNetwork',
  RATE_LIMITED: 'errorNetwork',
  SERVICE_UNAVAILABLE: 'errorNetwork',
  BOOKING_IN_PAST: 'errorStarted',
  CONCURRENT_MODIFICATION: 'errorChanged',
}

/**
 * What a failure says to the invitee, in their language where the widget
 * knows the case; otherwise the server's own (English) message, as a detail
 * under the translated heading.
 */
export function errorText(v: StepView, error: WidgetError): string {
  const key = error.text ?? ERROR_TEXT[error.code]
  return key ? (v.t[key] as string) : error.message
}

/** A failed submit (not a 409: that goes back to the times). */
export function renderSubmitError(
  v: StepView,
  error: WidgetError | undefined,
): TemplateResult | typeof nothing {
  if (!error) return nothing
  return html`<div class="alert" role="alert" part="error" tabindex="-1">
    <p><strong>${error.code === 'BOOKING_NOT_ACTIVE' ? v.t.notActive : v.t.submitError}</strong></p>
    <p>${errorText(v, error)}</p>
    <p class="muted">${error.code}</p>
  </div>`
}
