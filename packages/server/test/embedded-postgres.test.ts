import { type ChildProcess, spawn } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  EmbeddedPostgresError,
  stagingFolder,
  stagingRoot,
  startEmbeddedPostgres,
} from '../src/db/embedded-postgres'
import { runCli } from './helpers'
import { clusterDirOf, listProcesses, removeDataDir, waitUntil } from './processes'

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
  for (const dir of folders) await removeDataDir(dir)
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

describe('staging folders for what the postgres user must reach (running as root)', () => {
  // Stands in for /var/lib/slotkit and /tmp/slotkit, which these tests never touch.
  const base = mkdtempSync(join(tmpdir(), 'slotkit-staging-'))
  folders.push(base)
  const uid = process.getuid?.() ?? 0
  let count = 0
  const fresh = () => join(base, `case-${++count}`)
  /** A folder that must come out of a refused staging folder unchanged. */
  const victim = () => {
    const dir = fresh()
    mkdirSync(dir, { mode: 0o700 })
    return dir
  }
  const snapshot = (path: string) => {
    const info = lstatSync(path)
    return { mode: info.mode, uid: info.uid, gid: info.gid }
  }
  const refusal = async (attempt: Promise<unknown>, path: string) => {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(EmbeddedPostgresError)
    const message = (error as Error).message
    expect(message).toContain(path)
    expect(message).toContain('DATA_DIR=/var/lib/slotkit/data')
    expect(message).toContain('DATABASE_URL')
  }

  it('creates a missing folder 0755, owned by us, and accepts it on the next start', async () => {
    const root = join(fresh(), 'slotkit')
    expect(await stagingRoot([root])).toBe(root)
    expect(await stagingRoot([root])).toBe(root)
    const info = lstatSync(root)
    expect(info.isDirectory()).toBe(true)
    expect(info.mode & 0o777).toBe(0o755)
    expect(info.uid).toBe(uid)
    expect(await stagingFolder('clusters', [root])).toBe(join(root, 'clusters'))
    expect(lstatSync(join(root, 'clusters')).mode & 0o777).toBe(0o755)
  })

  it.each([
    [
      'a symbolic link (to a folder of someone else)',
      (root: string) => {
        const target = victim()
        symlinkSync(target, root)
        return target
      },
    ],
    [
      'a dangling symbolic link',
      (root: string) => {
        symlinkSync(join(base, 'nowhere'), root)
        return root
      },
    ],
    [
      'a folder another user owns',
      (root: string) => {
        mkdirSync(root, { mode: 0o700 })
        chownSync(root, uid === 0 ? 65534 : 0, uid === 0 ? 65534 : 0)
        return root
      },
    ],
    [
      'a folder anyone can write to',
      (root: string) => {
        mkdirSync(root)
        chmodSync(root, 0o777)
        return root
      },
    ],
    [
      'a folder its group can write to',
      (root: string) => {
        mkdirSync(root)
        chmodSync(root, 0o775)
        return root
      },
    ],
  ])(
    'refuses %s as the staging root, changing nothing, and says what to set instead',
    async (_, plant) => {
      const root = fresh()
      const planted = plant(root)
      const before = snapshot(planted)
      await refusal(stagingRoot([root]), root)
      expect(snapshot(planted)).toEqual(before)
    },
  )

  it.each(['clusters', 'postgres-18.4.0'])(
    'refuses a %s folder inside the staging root that is a symbolic link',
    async (name) => {
      const root = fresh()
      mkdirSync(root, { mode: 0o755 })
      const target = victim()
      symlinkSync(target, join(root, name))
      const before = snapshot(target)
      await refusal(stagingFolder(name, [root]), join(root, name))
      expect(snapshot(target)).toEqual(before)
    },
  )
})
