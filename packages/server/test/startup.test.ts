import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/config'
import { bookFirstOpenSlot, type CliRun, runCli } from './helpers'

describe('configuration', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['REDIS_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
    ['ADMIN_TOKEN', 'short'],
    ['TRUST_PROXY', 'everyone'],
    ['SEED_DEMO', 'maybe'],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError)
    try {
      loadConfig({ [variable]: value })
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable)
      expect((error as Error).message).toContain(variable)
    }
  })

  it('has defaults for everything', () => {
    const config = loadConfig({}, '/srv/app')
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/app/.slotkit-data',
      logLevel: 'info',
      rateLimitPerMinute: 300,
    })
    expect(config.databaseUrl).toBeUndefined()
    expect(config.redisUrl).toBeUndefined()
    expect(
      loadConfig({ RATE_LIMIT_PER_MINUTE: '0', PUBLIC_URL: 'https://book.example.com/' }).publicUrl,
    ).toBe('https://book.example.com')
  })

  it('never echoes a database URL (it may carry a password)', () => {
    try {
      loadConfig({ DATABASE_URL: 'postgres://user:s3cret@' })
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret')
    }
  })
})

const children: ChildProcess[] = []

/** The CLI with no database URL (embedded PostgreSQL) and quiet logs. */
function cli(args: string[], env: Record<string, string>): CliRun {
  return runCli(args, { DATABASE_URL: '', LOG_LEVEL: 'warn', ...env }, children)
}

async function waitFor(
  output: () => string,
  pattern: RegExp,
  ms = 60_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const match = pattern.exec(output())
    if (match) return match
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${pattern}; output:\n${output()}`)
}

describe('slotkit-server CLI with embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-cli-'))
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
    }
    let relocated = ''
    try {
      relocated = readFileSync(join(dataDir, 'postgres-location'), 'utf8').trim()
    } catch {}
    if (relocated) rmSync(relocated, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('stops with a message naming a bad variable', async () => {
    const run = cli(['start'], { PORT: 'abc', DATA_DIR: dataDir })
    expect(await run.exited).toBe(1)
    expect(run.output()).toMatch(/configuration error: PORT/)
  })

  it('starts, seeds a demo host, shows the admin token once, stops on SIGTERM and keeps data across restarts', async () => {
    const env = { PORT: '0', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0' }
    const first = cli(['start'], env)
    const [, url] = await waitFor(first.output, /listening on (http:\/\/\S+)/)
    const [, token] = await waitFor(first.output, /^\[slotkit\]\s+(sk_admin_\S+)$/m)
    expect(first.output()).toMatch(/demo host/)
    // The embedded setup's calendar-token key: generated into DATA_DIR, owner-only.
    expect(statSync(join(dataDir, 'encryption-key')).mode & 0o777).toBe(0o600)
    const home = await fetch(`${url}/`).then((r) => r.text())
    expect(home).toContain('href="/docs"')
    const bookLink = /href="\/book\/([0-9a-f-]{36})"/.exec(home)
    expect(bookLink).not.toBeNull()
    const mt = bookLink![1]!
    const demoType = await fetch(`${url}/api/meeting-types/${mt}`).then((r) => r.json())
    expect(demoType.host).toEqual({ name: 'Demo Host', time_zone: 'America/New_York' })
    expect((await fetch(`${url}/book/${mt}`)).status).toBe(200)
    // Book the first open slot of the next two weeks.
    const booking = await bookFirstOpenSlot(url!, mt, {
      name: 'Kept',
      email: 'kept@example.com',
    }).then((r) => r.json())
    expect(booking.status).toBe('confirmed')
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    const second = cli(['start'], env)
    const [, url2] = await waitFor(second.output, /listening on (http:\/\/\S+)/)
    expect(second.output()).not.toContain('sk_admin_')
    expect(second.output()).not.toMatch(/demo host/)
    const kept = await fetch(`${url2}/api/bookings/${booking.id}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(kept.status).toBe(200)
    expect((await kept.json()).invitee_name).toBe('Kept')
    second.child.kill('SIGINT')
    expect(await second.exited).toBe(0)
  }, 90_000)

  it('creates a user from the command line', async () => {
    const env = { DATA_DIR: dataDir, DATABASE_URL: inject('databaseUrl') }
    const email = `cli-${Date.now()}@example.com`
    const run = cli(
      ['create-user', '--email', email, '--name', 'Cli User', '--time-zone', 'Europe/Paris'],
      env,
    )
    expect(await run.exited).toBe(0)
    expect(run.output()).toMatch(/"api_key": "sk_/)
    const bad = cli(
      ['create-user', '--email', 'x@example.com', '--name', 'X', '--time-zone', 'Nowhere/City'],
      env,
    )
    expect(await bad.exited).toBe(1)
    expect(bad.output()).toContain('time_zone')
  }, 60_000)
})
