// The server as users run it (dist/cli.js start, configured by MICROSOFT_* variables)
// trusts the HTTPS fake only through the NODE_EXTRA_CA_CERTS it was started with: with
// it, a mailbox connects and syncs; without it, the TLS handshake with the "identity
// platform" fails and the connect says so (502 PROVIDER_ERROR), storing nothing.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { waitUntil } from '../processes'
import { continueLinkOf } from './harness'

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js')
const ADMIN = `process-admin-${randomBytes(8).toString('hex')}`

let fake: GraphFake
const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-ms-process-'))
const children: ChildProcess[] = []

/** Starts the CLI server with the Microsoft variables; NODE_EXTRA_CA_CERTS as given. */
async function startServer(caCerts: string | undefined): Promise<string> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: '',
    SMTP_URL: '',
    ADMIN_TOKEN: ADMIN,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SEED_DEMO: 'false',
    RUN_WORKERS: 'false',
    LOG_LEVEL: 'warn',
    MICROSOFT_CLIENT_ID: fake.clientId,
    MICROSOFT_CLIENT_SECRET: fake.clientSecret,
    MICROSOFT_LOGIN_URL: fake.url,
    MICROSOFT_GRAPH_URL: fake.url,
    NODE_EXTRA_CA_CERTS: caCerts,
  }
  if (caCerts === undefined) delete env.NODE_EXTRA_CA_CERTS
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  let url = ''
  await waitUntil(
    () => {
      url = /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? ''
      return url !== '' || child.exitCode !== null
    },
    'the server to listen',
    60_000,
  )
  if (!url) throw new Error(`the server did not start:\n${output}`)
  return url
}

async function api(
  url: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

/** A host, then authorize → the fake's consent page → the server's callback. */
async function connect(url: string, account: string): Promise<{ key: string; callback: Response }> {
  const user = await api(url, 'POST', '/api/users', ADMIN, {
    email: `host-${randomBytes(6).toString('hex')}@example.com`,
    name: 'Process host',
    time_zone: 'UTC',
  })
  expect(user.status).toBe(201)
  const key = user.json.api_key as string
  const authorized = await api(url, 'POST', '/api/integrations/microsoft/authorize', key, {})
  expect(authorized.status).toBe(200)
  fake.consent = { account }
  // authorization_url is Slotkit's start page: its Continue link goes to the consent page.
  const start = await fetch(authorized.json.authorization_url as string)
  expect(start.status).toBe(200)
  const consent = await fetch(continueLinkOf(await start.text()), { redirect: 'manual' })
  const back = new URL(consent.headers.get('location')!)
  const callback = await fetch(`${url}${back.pathname}${back.search}`, { redirect: 'manual' })
  return { key, callback }
}

async function stopAll(): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null) continue
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
}

beforeAll(async () => {
  fake = await startGraphFake({ tls: inject('testTls') })
})

afterAll(async () => {
  await stopAll()
  await fake.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('dist/cli.js with MICROSOFT_* set', () => {
  it('connects and syncs a mailbox when started with NODE_EXTRA_CA_CERTS naming the test CA', async () => {
    const url = await startServer(inject('testTls').caBundle)
    try {
      const account = `process-${Date.now()}@contoso.example`
      const { calendarId } = fake.addAccount(account)
      // Tomorrow: inside the window the first sync lists (a day back to a week ahead).
      const tomorrow = Math.floor(Date.now() / 3600_000) * 3600_000 + 24 * 3600_000
      fake.upsertEvent(account, calendarId, {
        start: new Date(tomorrow).toISOString(),
        end: new Date(tomorrow + 3600_000).toISOString(),
      })
      const { key, callback } = await connect(url, account)
      expect(callback.status).toBe(200)
      expect(await callback.text()).toContain(`Outlook Calendar ${account} is connected`)
      const list = await api(url, 'GET', '/api/integrations', key)
      const [integration] = list.json.integrations as { id: string; provider: string }[]
      expect(integration).toMatchObject({ provider: 'microsoft' })
      const sync = await api(url, 'POST', `/api/integrations/${integration!.id}/sync`, key)
      expect(sync.json).toMatchObject({ status: 'synced', changes: 1 })
    } finally {
      await stopAll()
    }
  })

  it('cannot reach the fake without it: the connect fails with PROVIDER_ERROR and stores nothing', async () => {
    const url = await startServer(undefined)
    try {
      const account = `untrusted-${Date.now()}@contoso.example`
      fake.addAccount(account)
      const codes = fake.count('token.code')
      const { key, callback } = await connect(url, account)
      expect(callback.status).toBe(502)
      expect(await callback.text()).toContain('PROVIDER_ERROR')
      // The TLS handshake failed: the token endpoint never got the request.
      expect(fake.count('token.code')).toBe(codes)
      const list = await api(url, 'GET', '/api/integrations', key)
      expect(list.json.integrations).toEqual([])
    } finally {
      await stopAll()
    }
  })
})
