import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ensureDatabase } from '../src/db/embedded-postgres'
import { type CliRun, runCli } from './helpers'
import {
  clusterDirOf,
  clusterState,
  listProcesses,
  postgresOf,
  removeDataDir,
  waitUntil,
} from './processes'

// `npm start` as users run it: npm, its shell, scripts/start.mjs and the server, each of
// which may receive (and npm and start.mjs pass on) the same stop signal.
const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')

interface Launched {
  readonly child: ChildProcess
  output(): string
}

const launched: Launched[] = []
/** Sessions of the terminal test (their processes are not in the launched process group). */
const sessions: number[] = []

function launch(
  command: string,
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
): Launched {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    // Leads its own process group, like a shell job or a systemd service.
    detached: true,
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      SMTP_URL: '',
      ADMIN_TOKEN: 'lifecycle-admin-token-0123456789',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let text = ''
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()))
  const run = { child, output: () => text }
  launched.push(run)
  return run
}

async function listeningPort(run: Launched): Promise<number> {
  let port = 0
  await waitUntil(
    () => {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(run.output())
      port = Number(match?.[1] ?? 0)
      return port > 0 || run.child.exitCode !== null
    },
    'the server to listen',
    120_000,
  )
  if (!port) throw new Error(`the server did not start:\n${run.output()}`)
  return port
}

/**
 * A booking request whose body (`length` bytes) has only its first byte sent, once the
 * server has logged it as incoming (LOG_LEVEL=info): from then on it is in flight, so a
 * shutdown waits for it (a connection whose request was not read yet counts as idle and
 * is closed at once).
 */
async function openRequest(run: Launched, port: number, length: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.on('error', () => {})
  socket.write(
    `POST /api/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{`,
  )
  await waitUntil(
    () => /"url":"\/api\/bookings".*"msg":"incoming request"/.test(run.output()),
    'the server to receive the request',
  )
  return socket
}

const inGroup = (pgrp: number) => listProcesses().filter((p) => p.pgrp === pgrp)
const inSession = (sid: number) => listProcesses().filter((p) => p.sid === sid)

describe('npm start and stop signals', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-lifecycle-'))

  afterAll(async () => {
    // Whatever a failed test left behind: its process group, then its PostgreSQL.
    const left = listProcesses().filter(
      (p) => launched.some((run) => run.child.pid === p.pgrp) || sessions.includes(p.sid),
    )
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    await removeDataDir(dataDir)
  })

  it.each([
    [['SIGTERM']],
    [['SIGHUP']],
    [['SIGINT']],
    // Distinct signals are never merged by the kernel, so this one always reaches the
    // server as two requests within milliseconds (like a stop during a terminal close).
    [['SIGTERM', 'SIGINT']],
  ] as NodeJS.Signals[][][])(
    '%j sent to the whole process group stops the server and its PostgreSQL cleanly',
    async (signals) => {
      const run = launch('npm', ['start'], dataDir)
      await listeningPort(run)
      const pgrp = run.child.pid!
      for (const signal of signals) process.kill(-pgrp, signal)
      await waitUntil(() => inGroup(pgrp).length === 0, 'the process group to exit')

      const cluster = clusterDirOf(dataDir)
      expect(postgresOf(cluster)).toEqual([])
      expect(clusterState(cluster)).toBe('shut down')
      // Every copy of the signal was one stop request: one graceful shutdown, no forced exit.
      expect(run.output()).not.toContain('again: exiting now')
      expect(run.output().match(/finishing in-flight requests, then stopping/g)).toHaveLength(1)
    },
    180_000,
  )

  it('closing the terminal stops the server and its PostgreSQL cleanly, logging included', async () => {
    // `script` runs `npm start` on a pseudo-terminal of its own; killing `script` closes the
    // terminal's master side, as a terminal window does when closed: the kernel hangs the
    // terminal up (SIGHUP to the session) and every later write to it fails with EIO.
    // `exec`: script runs the command through $SHELL -c, and dash (Debian's /bin/sh, the
    // shell when SHELL is unset) forks for it instead of replacing itself as bash does.
    const run = launch('script', ['-qfec', 'exec npm start', '/dev/null'], dataDir, {
      LOG_LEVEL: 'info',
    })
    const port = await listeningPort(run)
    const leader = listProcesses().find((p) => p.ppid === run.child.pid)
    // npm renames itself "npm start".
    expect(leader?.argv.join(' ')).toBe('npm start')
    const sid = leader!.sid
    sessions.push(sid)
    // A request in flight when the terminal closes: the shutdown waits for it, and its log
    // lines are written after the hang-up.
    const socket = await openRequest(run, port, 2)
    let reply = ''
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()))
    run.child.kill('SIGKILL')
    await waitUntil(
      () => !inSession(sid).some((p) => p.argv.join(' ') === 'npm start'),
      'npm to exit on the hang-up',
    )
    socket.write('}')
    await waitUntil(() => inSession(sid).length === 0, 'the terminal session to exit')

    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    const cluster = clusterDirOf(dataDir)
    expect(postgresOf(cluster)).toEqual([])
    expect(clusterState(cluster)).toBe('shut down')
  }, 180_000)

  it('a second stop request seconds after the first forces the exit, and PostgreSQL still stops', async () => {
    const run = launch('npm', ['start'], dataDir, { LOG_LEVEL: 'info' })
    const port = await listeningPort(run)
    // A request whose body never completes keeps the graceful shutdown waiting.
    const socket = await openRequest(run, port, 1000)
    const pgrp = run.child.pid!
    process.kill(-pgrp, 'SIGTERM')
    await waitUntil(
      () => /finishing in-flight requests/.test(run.output()),
      'the graceful shutdown to begin',
    )
    // Well past the window in which copies of one request count as that request.
    await new Promise((r) => setTimeout(r, 3_000))
    expect(inGroup(pgrp).length, run.output()).toBeGreaterThan(0)
    process.kill(-pgrp, 'SIGTERM')
    await waitUntil(() => inGroup(pgrp).length === 0, 'the process group to exit')
    socket.destroy()

    expect(run.output()).toContain('SIGTERM again: exiting now')
    const cluster = clusterDirOf(dataDir)
    // Stopped in immediate mode: no process of it is left, and it did not shut down
    // cleanly (the next start recovers from its write-ahead log).
    await waitUntil(() => postgresOf(cluster).length === 0, 'PostgreSQL to stop', 30_000)
    expect(clusterState(cluster)).toBe('in production')

    const next = launch('npm', ['start'], dataDir)
    await listeningPort(next)
    process.kill(-next.child.pid!, 'SIGTERM')
    await waitUntil(() => inGroup(next.child.pid!).length === 0, 'the process group to exit')
    expect(postgresOf(cluster)).toEqual([])
    expect(clusterState(cluster)).toBe('shut down')
  }, 240_000)
})

describe('slotkit-server commands and stop signals', () => {
  const children: ChildProcess[] = []
  const folders: string[] = []
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotkit-signals-'))
    folders.push(dir)
    return dir
  }
  const cli = (args: string[], env: Record<string, string>): CliRun =>
    runCli(args, { LOG_LEVEL: 'warn', SEED_DEMO: 'false', ...env }, children)

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    for (const dir of folders) await removeDataDir(dir)
  })

  it.each([
    ['start', /listening on/],
    ['migrate', /schema is up to date/],
  ])(
    'a stop signal while `%s` is migrating a new database lets it finish, then stops PostgreSQL cleanly',
    async (command, finished) => {
      const dataDir = newDataDir()
      const run = cli([command], { DATABASE_URL: '', PORT: '0', DATA_DIR: dataDir })
      // PostgreSQL is up; the migrations of the new database run next.
      await waitUntil(() => /embedded PostgreSQL on/.test(run.output()), 'PostgreSQL', 120_000)
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
      expect(run.output()).toMatch(finished)
      const cluster = clusterDirOf(dataDir)
      expect(postgresOf(cluster)).toEqual([])
      expect(clusterState(cluster)).toBe('shut down')
    },
    180_000,
  )

  it.each([[['SIGTERM', 'SIGINT']], [['SIGHUP']]] as NodeJS.Signals[][][])(
    'the worker takes %j, sent together, as one stop request and exits 0',
    async (signals) => {
      // A database of its own: the worker must not take the other test files' jobs.
      const template = inject('databaseUrlTemplate')
      await ensureDatabase(template.replace('__DB__', 'postgres'), 'slotkit_worker_signals')
      const run = cli(['worker'], {
        DATABASE_URL: template.replace('__DB__', 'slotkit_worker_signals'),
        DATA_DIR: newDataDir(),
      })
      await waitUntil(() => /worker running/.test(run.output()), 'the worker', 60_000)
      for (const signal of signals) run.child.kill(signal)
      expect(await run.exited).toBe(0)
      expect(run.output()).not.toContain('again: exiting now')
      expect(run.output().match(/finishing running jobs, then stopping/g)).toHaveLength(1)
    },
    120_000,
  )
})
