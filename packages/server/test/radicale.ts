import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/db/embedded-postgres'

/** A Radicale (CalDAV) server the tests started, with htpasswd (plain) authentication. */
export interface RadicaleServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string
  /** The htpasswd file: Radicale re-reads it on every login, so users can be added live. */
  readonly usersFile: string
  /** Its storage folder: a calendar's objects are `<this>/collection-root/<user>/<calendar>/*.ics`. */
  readonly storage: string
  stop(): Promise<void>
}

/** The `radicale` executable (Debian package `radicale`), or undefined. */
export function findRadicale(): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v radicale'], { encoding: 'utf8' }).trim() || undefined
    )
  } catch {
    return undefined
  }
}

/**
 * Starts Radicale on a free loopback port with its own config, users file and
 * storage in a new temporary folder (never the system's /etc/radicale), and waits
 * for "Radicale server ready". `stop` kills that process (by its id) and removes
 * the folder.
 */
export async function startRadicale(binary: string): Promise<RadicaleServer> {
  const dir = await mkdtemp(join(tmpdir(), 'slotkit-radicale-'))
  const port = await freePort()
  const usersFile = join(dir, 'users')
  await writeFile(usersFile, '')
  const config = join(dir, 'radicale.conf')
  const storage = join(dir, 'collections')
  await writeFile(
    config,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${usersFile}`,
      // Plain text needs no extra Python module (bcrypt needs passlib[bcrypt]).
      'htpasswd_encryption = plain',
      // Radicale waits ~1 s after a failed login by default; the wrong-password tests need none.
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${storage}`,
      '[logging]',
      // "Radicale server ready" is an info line.
      'level = info',
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn(binary, ['--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let ready = false
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`radicale did not start: ${output.slice(-2000)}`)),
      20_000,
    )
    // Read for as long as it runs (a full pipe would block it); keep only the start-up lines.
    const onData = (chunk: Buffer) => {
      if (ready) return
      output += chunk.toString()
      if (output.includes('Radicale server ready')) {
        ready = true
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!ready) reject(new Error(`radicale exited with ${code}: ${output.slice(-2000)}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}/`,
    usersFile,
    storage,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Adds a user to a running Radicale (plain htpasswd line; takes effect at once). */
export async function addRadicaleUser(
  usersFile: string,
  username: string,
  password: string,
): Promise<void> {
  await appendFile(usersFile, `${username}:${password}\n`)
}

/** Changes a user's password (the account's owner changed it, or revoked an app password). */
export async function setRadicalePassword(
  usersFile: string,
  username: string,
  password: string,
): Promise<void> {
  const lines = (await readFile(usersFile, 'utf8')).split('\n')
  const kept = lines.filter((line) => line && !line.startsWith(`${username}:`))
  await writeFile(usersFile, `${[...kept, `${username}:${password}`].join('\n')}\n`)
}
