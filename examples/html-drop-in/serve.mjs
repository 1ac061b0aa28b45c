// Serves index.html from the reference server (which also serves the widget's
// self-contained bundle at /widget/schedule-widget.js), after creating a host and
// a meeting type through the HTTP API, as a site owner would.
//
//   npm start -w @slotkit/example-html-drop-in          # http://127.0.0.1:3001/
//   npm run test:smoke -w @slotkit/example-html-drop-in # start, check, stop
//
// Data lives in a temporary folder (embedded PostgreSQL) unless DATABASE_URL is set.
import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp, defineConfig, openDatabase } from '@slotkit/server'

const check = process.argv.includes('--check')
// The server owns `/` (its start page); the example lives beside it.
const PAGE_PATH = '/examples/html-drop-in/'
const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8')

const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-drop-in-'))
const adminToken = randomUUID()
const config = defineConfig({
  dataDir,
  databaseUrl: process.env.DATABASE_URL || undefined,
  host: '127.0.0.1',
  port: check ? 0 : Number(process.env.PORT ?? 3001),
  logLevel: 'warn',
  seedDemo: false,
})
const { db, url: databaseUrl, embedded } = await openDatabase(config, { unsafeFast: true })
const app = await buildApp(
  { ...config, databaseUrl },
  {
    db,
    adminTokenHash: createHash('sha256').update(adminToken).digest('hex'),
    secretKey: randomUUID() + randomUUID(),
  },
)

let meetingTypeId = ''
app.get(PAGE_PATH, { schema: { hide: true } }, async (_request, reply) =>
  reply.type('text/html; charset=utf-8').send(page.replaceAll('%MEETING_TYPE_ID%', meetingTypeId)),
)
await app.listen({ host: config.host, port: config.port })
const address = app.server.address()
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.port}`

async function call(method, path, body, key = adminToken) {
  const response = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = await response.json()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

const host = await call('POST', '/api/users', {
  email: `owner-${randomUUID()}@example.com`,
  name: 'Example Co.',
  time_zone: 'America/New_York',
})
await call(
  'PUT',
  `/api/users/${host.id}/availability`,
  {
    rules: [1, 2, 3, 4, 5].map((d) => ({ day_of_week: d, start_time: '09:00', end_time: '17:00' })),
  },
  host.api_key,
)
const meetingType = await call(
  'POST',
  '/api/meeting-types',
  {
    user_id: host.id,
    name: 'Intro call',
    duration_minutes: 30,
    questions: [
      {
        id: 'topic',
        label: 'What would you like to talk about?',
        type: 'textarea',
        required: false,
      },
    ],
  },
  host.api_key,
)
meetingTypeId = meetingType.id

async function close() {
  await app.close()
  await db.destroy()
  await embedded?.stop()
  rmSync(dataDir, { recursive: true, force: true })
}

if (check) {
  let failed = false
  let passed = 0
  let total = 0
  const expectOk = async (path, test, what) => {
    const response = await fetch(base + path)
    const text = await response.text()
    const ok = response.ok && test(text, response)
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what} (GET ${path.split('?')[0]} → ${response.status})`)
    failed ||= !ok
    total += 1
    if (ok) passed += 1
  }
  await expectOk(
    PAGE_PATH,
    (t) => t.includes(`meeting-type="${meetingTypeId}"`),
    'the page carries the tag',
  )
  await expectOk(
    '/widget/schedule-widget.js',
    (t, r) =>
      r.headers.get('content-type')?.includes('javascript') && t.includes('schedule-widget'),
    'the bundle is served',
  )
  // The bundle imports a page's language from next to itself, on first use.
  await expectOk(
    '/widget/i18n/fr.js',
    (t, r) => r.headers.get('content-type')?.includes('javascript') && t.includes('Choisissez'),
    'the language modules are served beside it',
  )
  const today = new Date().toISOString().slice(0, 10)
  const end = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  await expectOk(
    `/api/availability/slots?meeting_type_id=${meetingTypeId}&start_date=${today}&end_date=${end}&timezone=Europe/Berlin`,
    (t) => JSON.parse(t).days.some((d) => d.slots.length > 0),
    'the widget finds bookable days',
  )
  await close()
  console.log(`${passed} passed, ${total - passed} failed`)
  process.exit(failed ? 1 : 0)
} else {
  console.log(`Example page: ${base}${PAGE_PATH}  (Ctrl+C to stop)`)
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => close().then(() => process.exit(0)))
}
