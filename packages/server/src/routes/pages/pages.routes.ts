import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { listMeetingTypes } from '../../db/repositories/meeting-types.repository'
import { findUserByEmail } from '../../db/repositories/users.repository'
import { DEMO_HOST_EMAIL } from '../../db/seed-demo'
import type { RouteContext } from '../context'
import { CLIENT_HELPERS, escapeHtml, page } from './html'

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) })

const BOOK_SCRIPT = `${CLIENT_HELPERS}
const meetingTypeId = document.body.dataset.meetingType;
let picked = null;
$('zone').textContent = zone;
$('date').value = todayIn(zone);
$('date').onchange = () => loadSlots(meetingTypeId, $('date').value, pick);
function pick(slot) { picked = slot; $('form').hidden = false; $('when').textContent = slot.start.replace('T', ' ').slice(0, 16) + ' (' + zone + ')'; }
api('GET', '/api/meeting-types/' + meetingTypeId).then((mt) => {
  $('title').textContent = mt.name + ' · ' + mt.duration_minutes + ' min with ' + mt.host.name;
  loadSlots(meetingTypeId, $('date').value, pick);
}).catch((e) => show('message', e.message, 'error'));
$('form').onsubmit = async (event) => {
  event.preventDefault();
  try {
    const booking = await api('POST', '/api/bookings', { meeting_type_id: meetingTypeId, start_time: picked.start,
      invitee_name: $('name').value, invitee_email: $('email').value, invitee_timezone: zone });
    $('form').hidden = true; $('slots').textContent = '';
    $('message').className = 'ok';
    $('message').innerHTML = 'Booked! <a href="' + booking.cancel_url + '">Cancel</a> · <a href="' + booking.reschedule_url + '">Reschedule</a>';
  } catch (e) { show('message', e.message, 'error'); if (e.data && e.data.error === 'SLOT_UNAVAILABLE') loadSlots(meetingTypeId, $('date').value, pick); }
};`

const MANAGE_SCRIPT = `${CLIENT_HELPERS}
const bookingId = document.body.dataset.booking;
const token = new URLSearchParams(location.search).get('token') || '';
const q = '?token=' + encodeURIComponent(token);
let booking = null;
$('zone').textContent = zone;
api('GET', '/api/bookings/' + bookingId + q).then((b) => {
  booking = b;
  $('details').textContent = b.status + ': ' + new Date(b.start_time).toLocaleString(undefined, { timeZone: zone }) + ' (' + b.duration_minutes + ' min)';
  if (b.status !== 'confirmed') { $('actions').hidden = true; return; }
  if ($('date')) { $('date').value = todayIn(zone); $('date').onchange = () => loadSlots(b.meeting_type_id, $('date').value, move); loadSlots(b.meeting_type_id, $('date').value, move); }
}).catch((e) => { show('message', e.message, 'error'); $('actions').hidden = true; });
async function move(slot) {
  try { const nb = await api('POST', '/api/bookings/' + bookingId + '/reschedule' + q, { start_time: slot.start });
    $('actions').hidden = true; $('message').className = 'ok';
    $('message').innerHTML = 'Moved to ' + new Date(nb.start_time).toLocaleString(undefined, { timeZone: zone }) + '. <a href="' + nb.reschedule_url + '">Reschedule again</a> · <a href="' + nb.cancel_url + '">Cancel</a>';
  } catch (e) { show('message', e.message, 'error'); }
}
if ($('cancel')) $('cancel').onclick = async () => {
  try { await api('POST', '/api/bookings/' + bookingId + '/cancel' + q, { reason: $('reason').value || undefined });
    $('actions').hidden = true; show('message', 'The booking is cancelled.', 'ok');
  } catch (e) { show('message', e.message, 'error'); }
};`

/**
 * HTML pages: the start page, a demo booking flow, and the invitee's cancel and
 * reschedule pages that cancel_url / reschedule_url point to. Plain HTML and a
 * few lines of JS over the public API (the widget issue replaces them).
 */
export function pagesRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const html = { schema: { hide: true } } as const

    app.get('/', html, async (_request, reply) => {
      const demo = await findUserByEmail(ctx.deps.db, DEMO_HOST_EMAIL)
      const types = demo
        ? (await listMeetingTypes(ctx.deps.db, demo.id)).filter((t) => t.isActive)
        : []
      const links = types
        .map(
          (t) =>
            `<li><a href="/book/${t.id}">${escapeHtml(t.name)}</a> <span class="muted">(${t.durationMinutes} min)</span></li>`,
        )
        .join('')
      const body = `<h1>Slotkit is running</h1>
<p>An embeddable, self-hostable scheduling server.</p>
<h2>Demo booking flow</h2>
${types.length ? `<p>Book a meeting with ${escapeHtml(demo?.name ?? '')}:</p><ul>${links}</ul>` : '<p class="muted">No demo host in this database.</p>'}
<h2>API</h2>
<ul><li><a href="/docs">API documentation (Swagger UI)</a></li><li><a href="/api/openapi.json">OpenAPI 3 document</a></li>
<li><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li></ul>`
      return reply.type('text/html; charset=utf-8').send(page('Slotkit', body))
    })

    app.get(
      '/book/:id',
      { ...html, schema: { ...html.schema, params: IdParams } },
      async (request, reply) => {
        const body = `<h1 id="title">Book a meeting</h1>
<p class="muted">Times are shown in <span id="zone"></span>.</p>
<label for="date">Day</label><input type="date" id="date">
<div id="slots"></div>
<form id="form" hidden>
  <p>Selected: <strong id="when"></strong></p>
  <label for="name">Your name</label><input id="name" required maxlength="200">
  <label for="email">Your e-mail</label><input id="email" type="email" required maxlength="254">
  <p><button class="primary" type="submit">Book</button></p>
</form>
<p id="message"></p>`
        return reply
          .type('text/html; charset=utf-8')
          .send(
            page('Book a meeting', body, BOOK_SCRIPT).replace(
              '<body>',
              `<body data-meeting-type="${escapeHtml(request.params.id)}">`,
            ),
          )
      },
    )

    app.get(
      '/bookings/:id/cancel',
      { ...html, schema: { ...html.schema, params: IdParams } },
      async (request, reply) => {
        const body = `<h1>Cancel your booking</h1>
<p id="details" class="muted">Loading…</p>
<div id="actions"><label for="reason">Reason (optional)</label><textarea id="reason" maxlength="1000"></textarea>
<p><button class="primary" id="cancel" type="button">Cancel the booking</button></p></div>
<p id="message"></p><p class="muted">Times in <span id="zone"></span>.</p>`
        return reply
          .type('text/html; charset=utf-8')
          .send(
            page('Cancel booking', body, MANAGE_SCRIPT).replace(
              '<body>',
              `<body data-booking="${escapeHtml(request.params.id)}">`,
            ),
          )
      },
    )

    app.get(
      '/bookings/:id/reschedule',
      { ...html, schema: { ...html.schema, params: IdParams } },
      async (request, reply) => {
        const body = `<h1>Reschedule your booking</h1>
<p id="details" class="muted">Loading…</p>
<div id="actions"><p>Pick a new time (<span id="zone"></span>):</p>
<label for="date">Day</label><input type="date" id="date"><div id="slots"></div></div>
<p id="message"></p>`
        return reply
          .type('text/html; charset=utf-8')
          .send(
            page('Reschedule booking', body, MANAGE_SCRIPT).replace(
              '<body>',
              `<body data-booking="${escapeHtml(request.params.id)}">`,
            ),
          )
      },
    )
  }
}
