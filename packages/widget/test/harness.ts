/**
 * Browser-test harness: the real Slotkit server (embedded PostgreSQL, or
 * DATABASE_URL when set) with two extra routes — the widget's self-contained
 * bundle and a test page — and Debian's Chromium driven by playwright-core.
 */
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp, defineConfig, openDatabase } from '@slotkit/server'
import { build } from 'esbuild'
import { type Browser, chromium, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = new URL('../test-artifacts/', import.meta.url).pathname
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** Under CI a missing Chromium fails the run; locally the browser suite is skipped with a note. */
export function hasChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.env.CI) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`,
    )
  }
  process.stderr.write(`[widget tests] no Chromium at ${CHROMIUM_PATH}: browser tests skipped\n`)
  return false
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

const ADMIN_TOKEN = `widget-test-admin-${randomUUID()}`

/** Attributes of the `<schedule-widget>` on the test page, plus page options. */
export interface PageOptions {
  readonly attrs: Readonly<Record<string, string>>
  /** CSS width of the element's container (narrow-container test). */
  readonly width?: string
  /** `lang` of the page. */
  readonly lang?: string
  /** Load a development build (lit in dev mode, which warns about misuse) instead of the shipped bundle. */
  readonly dev?: boolean
  /** Load the bundle from this origin (another one than the page's: a drop-in from elsewhere). */
  readonly scriptOrigin?: string
}

/** The test page: a plain document with a landmark, a heading and the tag; events are recorded in `window.__events`. */
function testPage(options: PageOptions): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  const attrs = Object.entries(options.attrs)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('')
  return `<!doctype html>
<html lang="${esc(options.lang ?? 'en-US')}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slotkit widget test</title><link rel="icon" href="data:,">
<style>body{margin:0;padding:16px;font-family:system-ui,sans-serif}@media (prefers-color-scheme: dark){body{background:#0d0f14;color:#eee}}</style>
<script>
  window.__events = [];
  for (const type of ['schedule-ready','schedule-date-selected','schedule-slot-selected','schedule-booked','schedule-rescheduled','schedule-cancelled','schedule-error']) {
    document.addEventListener(type, (e) => window.__events.push({ type, detail: JSON.parse(JSON.stringify(e.detail ?? null)), composed: e.composed, bubbles: e.bubbles }));
  }
</script>
<script type="module" src="${esc(options.scriptOrigin ?? '')}/widget/${options.dev ? 'schedule-widget.dev.js' : 'schedule-widget.js'}"></script>
</head>
<body><main><h1>Book a meeting</h1>
<div id="container" style="max-width:${esc(options.width ?? '900px')}"><schedule-widget${attrs}></schedule-widget></div>
</main></body></html>`
}

/** A host, a meeting type and what the tests need to call the API directly. */
export interface Fixture {
  readonly hostId: string
  readonly apiKey: string
  readonly meetingTypeId: string
}

export interface Stack {
  readonly url: string
  pageUrl(options: PageOptions): string
  /** Calls the API (JSON) with an optional bearer key; throws on non-2xx unless `allowError`. */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: T }>
  /** A new host (all week 09:00–17:00, in `hostTimeZone`: America/New_York) with a 30-minute meeting type. */
  createFixture(meetingType?: Record<string, unknown>, hostTimeZone?: string): Promise<Fixture>
  close(): Promise<void>
}

/** Settings of the server {@link startStack} runs, over the test defaults (e.g. Google's URLs). */
export type StackConfig = NonNullable<Parameters<typeof defineConfig>[0]>

/** Starts PostgreSQL (embedded unless DATABASE_URL), migrates, builds the real app and listens on a free port. */
export async function startStack(overrides: StackConfig = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-widget-'))
  const config = defineConfig({
    dataDir,
    databaseUrl: process.env.DATABASE_URL || undefined,
    logLevel: 'silent',
    rateLimitPerMinute: 0,
    host: '127.0.0.1',
    port: 0,
    seedDemo: false,
    ...overrides,
  })
  const { db, url: databaseUrl, embedded } = await openDatabase(config, { unsafeFast: true })
  const app = await buildApp(
    { ...config, databaseUrl },
    {
      db,
      adminTokenHash: createHash('sha256').update(ADMIN_TOKEN).digest('hex'),
      secretKey: `widget-test-secret-${randomUUID()}`,
    },
  )
  // The server itself serves the built bundle at /widget/schedule-widget.js.
  // Lit's dev build (export condition `development`) checks for misuse and warns
  // on the console; Lit runs its own tests in both modes.
  const devBundle = await build({
    entryPoints: [new URL('../src/bundle.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['development'],
    write: false,
    logLevel: 'silent',
  })
  app.get(
    '/widget/schedule-widget.dev.js',
    { schema: { hide: true } as object },
    async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').send(devBundle.outputFiles[0]!.text),
  )
  app.get('/widget-test', { schema: { hide: true } as object }, async (request, reply) => {
    const query = request.query as { o?: string }
    const options = JSON.parse(query.o ?? '{}') as PageOptions
    return reply.type('text/html; charset=utf-8').send(testPage(options))
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (!address || typeof address !== 'object') throw new Error('server did not listen')
  const url = `http://127.0.0.1:${address.port}`

  const api: Stack['api'] = async (method, path, body, key = ADMIN_TOKEN) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: (text ? JSON.parse(text) : null) as never }
  }

  return {
    url,
    pageUrl: (options) => `${url}/widget-test?o=${encodeURIComponent(JSON.stringify(options))}`,
    api,
    async createFixture(meetingType = {}, hostTimeZone = 'America/New_York') {
      const user = await api<{ id: string; api_key: string }>('POST', '/api/users', {
        email: `host-${randomUUID()}@example.com`,
        name: 'Grace Hopper',
        time_zone: hostTimeZone,
      })
      if (user.status !== 201)
        throw new Error(`create user: ${user.status} ${JSON.stringify(user.body)}`)
      const { id: hostId, api_key: apiKey } = user.body
      const rules = [0, 1, 2, 3, 4, 5, 6].map((d) => ({
        day_of_week: d,
        start_time: '09:00',
        end_time: '17:00',
      }))
      const availability = await api('PUT', `/api/users/${hostId}/availability`, { rules }, apiKey)
      if (availability.status !== 200) throw new Error(`availability: ${availability.status}`)
      const mt = await api<{ id: string }>(
        'POST',
        '/api/meeting-types',
        {
          user_id: hostId,
          name: 'Intro call',
          duration_minutes: 30,
          min_notice_minutes: 0,
          ...meetingType,
        },
        apiKey,
      )
      if (mt.status !== 201)
        throw new Error(`meeting type: ${mt.status} ${JSON.stringify(mt.body)}`)
      return { hostId, apiKey, meetingTypeId: mt.body.id }
    },
    async close() {
      await app.close()
      await db.destroy()
      await embedded?.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Saves a full-page screenshot as `test-artifacts/<name>.png`. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** An event the test page recorded (detail JSON-cloned). */
export interface RecordedEvent {
  readonly type: string
  // biome-ignore lint/suspicious/noExplicitAny: assertions read arbitrary event payloads
  readonly detail: any
  readonly composed: boolean
  readonly bubbles: boolean
}

/** The events the page recorded so far. */
export function recordedEvents(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { __events: never[] }).__events)
}

/** Runs axe-core on the page (open shadow roots included) and returns its violations. */
export async function axeViolations(
  page: Page,
): Promise<Array<{ id: string; help: string; nodes: unknown[] }>> {
  await page.addScriptTag({ content: readFileSync(AXE, 'utf8') })
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: never[] }> }
      }
    ).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map(
      (v: {
        id: string
        help: string
        nodes: Array<{ target: unknown; failureSummary: string }>
      }) => ({
        id: v.id,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
      }),
    )
  })
}
