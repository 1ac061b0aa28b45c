import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../src/db/embedded-postgres'
import { runCli } from './helpers'
import { clusterDirOf, listProcesses, postgresOf, waitUntil } from './processes'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const folders: string[] = []
const children: ChildProcess[] = []
/** Process groups of decoys (the decoy and the shell that started it). */
const decoyGroups: number[] = []

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slotkit-embedded-'))
  folders.push(dir)
  return dir
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  for (const group of decoyGroups) {
    try {
      process.kill(-group, 'SIGKILL')
    } catch {
      // gone
    }
  }
  for (const dir of folders) {
    for (const p of postgresOf(clusterDirOf(dir))) process.kill(p.pid, 'SIGKILL')
    rmSync(clusterDirOf(dir), { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * A process that looks like a PostgreSQL to a careless eye: its command line starts with
 * "postgres" and holds `-D <dataArg>`, but it is Node idling. Started from a shell that
 * exits at once, so it is reparented (to PID 1, like the system's own PostgreSQL after a
 * reboot, or to the nearest subreaper).
 */
async function startDecoy(dataArg: string): Promise<number> {
  const shell = spawn(
    'bash',
    [
      '-c',
      '(exec -a postgres "$1" -e "setInterval(() => {}, 1e9)" -- -D "$2") & echo $!',
      'decoy',
      process.execPath,
      dataArg,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  decoyGroups.push(shell.pid!)
  let out = ''
  shell.stdout?.on('data', (c: Buffer) => (out += c.toString()))
  await new Promise((resolve) => shell.once('exit', resolve))
  const pid = Number(out.trim())
  await waitUntil(
    () => listProcesses().some((p) => p.pid === pid && p.argv[0] === 'postgres'),
    'the decoy to start',
  )
  return pid
}

describe('embedded PostgreSQL and a postmaster.pid left behind', () => {
  it.each([
    ['a PostgreSQL of another data folder', '/var/lib/postgresql/15/main'],
    ['a process naming our cluster folder, not run from our binaries', 'CLUSTER'],
  ])(
    'leaves a live process that is not ours (%s) alone, and starts',
    async (_, dataArg) => {
      const dataDir = newDataDir()
      const first = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
      await first.stop()
      const cluster = clusterDirOf(dataDir)
      // After a reboot the PID in the lock file can belong to anything.
      const decoy = await startDecoy(dataArg === 'CLUSTER' ? cluster : dataArg)
      writeFileSync(join(cluster, 'postmaster.pid'), `${decoy}\n${cluster}\n`)

      const pg = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
      try {
        expect(isAlive(decoy)).toBe(true)
        expect(readFileSync(join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]).not.toBe(
          String(decoy),
        )
      } finally {
        await pg.stop()
      }
      expect(isAlive(decoy)).toBe(true)
    },
    120_000,
  )

  it('stops the PostgreSQL a killed server left running, then starts its own', async () => {
    const dataDir = newDataDir()
    const server = runCli(
      ['start'],
      { DATABASE_URL: '', PORT: '0', DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'warn' },
      children,
    )
    await waitUntil(() => /listening on/.test(server.output()), 'the server', 120_000)
    const cluster = clusterDirOf(dataDir)
    const orphan = Number(readFileSync(join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0])
    // SIGKILL: no shutdown, no exit hook; PostgreSQL (in its own group) keeps running.
    server.child.kill('SIGKILL')
    await server.exited
    expect(isAlive(orphan)).toBe(true)

    const notes: string[] = []
    const pg = await startEmbeddedPostgres({
      dataDir,
      unsafeFast: true,
      onNote: (m) => notes.push(m),
    })
    try {
      expect(notes.join('\n')).toContain(`stopping an orphaned embedded PostgreSQL (pid ${orphan})`)
      expect(isAlive(orphan)).toBe(false)
    } finally {
      await pg.stop()
    }
  }, 180_000)

  it('refuses to start a second PostgreSQL on a cluster a live server runs', async () => {
    const dataDir = newDataDir()
    const pg = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
    try {
      const second = startEmbeddedPostgres({ dataDir, unsafeFast: true })
      await expect(second).rejects.toThrow(EmbeddedPostgresError)
      await expect(second).rejects.toThrow(/DATA_DIR is in use/)
    } finally {
      await pg.stop()
    }
  }, 120_000)
})
