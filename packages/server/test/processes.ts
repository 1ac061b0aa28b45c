import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** One row of the process table (Linux `/proc`). */
export interface ProcessInfo {
  readonly pid: number
  readonly ppid: number
  /** Process group id. */
  readonly pgrp: number
  /** Session id. */
  readonly sid: number
  readonly argv: readonly string[]
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name in parentheses may hold spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    // PostgreSQL's renamed processes pad their title with NULs.
    while (argv.length > 0 && argv[argv.length - 1] === '') argv.pop()
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      sid: Number(fields[3]),
      argv,
    }
  } catch {
    return undefined // exited while we looked
  }
}

/** Every process this user can see. */
export function listProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is ProcessInfo => p !== undefined)
}

/** The embedded cluster's folder for `dataDir` (relocated ones are recorded in `postgres-location`). */
export function clusterDirOf(dataDir: string): string {
  const record = join(dataDir, 'postgres-location')
  return existsSync(record) ? readFileSync(record, 'utf8').trim() : join(dataDir, 'postgres')
}

/**
 * The PostgreSQL processes of the cluster in `clusterDir`: the postmaster (`-D <clusterDir>`
 * on its command line) and every backend (they rename themselves, but their working folder
 * is the cluster's).
 */
export function postgresOf(clusterDir: string): ProcessInfo[] {
  let cluster = clusterDir
  try {
    cluster = realpathSync(clusterDir)
  } catch {
    // not created (yet): only a command line can name it
  }
  return listProcesses().filter((p) => {
    const d = p.argv.indexOf('-D')
    if (d >= 0 && p.argv[d + 1] === clusterDir) return true
    try {
      return readlinkSync(`/proc/${p.pid}/cwd`) === cluster
    } catch {
      return false
    }
  })
}

/**
 * The cluster state recorded in `global/pg_control`: `shut down` after a clean (smart or
 * fast) shutdown, `in production` while running or after a crash or an immediate-mode stop.
 * `state` is the 32-bit field after the 8-byte system identifier and two 32-bit versions
 * (ControlFileData in PostgreSQL's src/include/catalog/pg_control.h).
 */
export function clusterState(clusterDir: string): string {
  const states = [
    'starting up',
    'shut down',
    'shut down in recovery',
    'shutting down',
    'in crash recovery',
    'in archive recovery',
    'in production',
  ]
  const state = readFileSync(join(clusterDir, 'global', 'pg_control')).readInt32LE(16)
  return states[state] ?? `unknown (${state})`
}

/** Polls `predicate` every 50 ms until it holds; throws naming `what` after `ms`. */
export async function waitUntil(predicate: () => boolean, what: string, ms = 60_000) {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Test clean-up: kills whatever PostgreSQL of `dataDir` a failed test left running, waits
 * until it is gone (its files are still written until then), then removes the cluster
 * (relocated ones too) and `dataDir`.
 */
export async function removeDataDir(dataDir: string): Promise<void> {
  const cluster = clusterDirOf(dataDir)
  for (const p of postgresOf(cluster)) {
    try {
      process.kill(p.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await waitUntil(() => postgresOf(cluster).length === 0, `PostgreSQL of ${dataDir} to exit`)
  rmSync(cluster, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
}
