/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A minimal page: no framework, works with any browser. */
export function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.5rem; } a { color: #0a58ca; }
  button { font: inherit; padding: .4rem .8rem; margin: .2rem; border-radius: .4rem; border: 1px solid #0a58ca; background: #fff; color: #0a58ca; cursor: pointer; }
  button.primary { background: #0a58ca; color: #fff; }
  label { display: block; margin: .6rem 0 .2rem; } input, textarea, select { font: inherit; width: 100%; box-sizing: border-box; padding: .3rem; }
  .muted { color: #666; } .error { color: #b00020; } .ok { color: #0a7a2f; } #slots button { min-width: 6rem; }
</style>
</head>
<body>
${body}
${script ? `<script>${script}</script>` : ''}
</body>
</html>`
}

/** Browser helpers shared by the pages (plain JS, no build step). */
export const CLIENT_HELPERS = `
const $ = (id) => document.getElementById(id);
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const todayIn = (tz) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const timeOf = (rfc) => rfc.slice(11, 16);
const show = (id, text, cls) => { const el = $(id); el.textContent = text; el.className = cls || ''; };
async function api(method, path, body) {
  const res = await fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { const err = new Error(data.message || ('HTTP ' + res.status)); err.data = data; throw err; }
  return data;
}
async function loadSlots(meetingTypeId, date, onPick) {
  const list = $('slots'); list.textContent = 'Loading…';
  try {
    const data = await api('GET', '/api/availability/slots?meeting_type_id=' + encodeURIComponent(meetingTypeId) + '&date=' + date + '&timezone=' + encodeURIComponent(zone));
    list.textContent = '';
    if (data.slots.length === 0) { list.textContent = 'No open times on this day.'; return; }
    for (const slot of data.slots) {
      const b = document.createElement('button'); b.type = 'button'; b.textContent = timeOf(slot.start);
      b.onclick = () => onPick(slot); list.appendChild(b);
    }
  } catch (e) { list.textContent = ''; show('message', e.message, 'error'); }
}
`
