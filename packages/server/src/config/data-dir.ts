/**
 * Permissions of DATA_DIR and of what the server keeps in it. DATA_DIR holds the embedded
 * cluster, the database password, the admin token's hash and the e-mail outbox, whose
 * messages carry invitees' names, addresses and cancel/reschedule links: nobody but the
 * server's user reads any of it. Folders are 0700 and files 0600; as root, DATA_DIR is
 * 0710 with the `postgres` user's group when the embedded cluster lives in it (that user
 * only passes through to its own 0700 cluster folder).
 */
import { chmod, lstat, mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** The outbox folder inside DATA_DIR (the default mailer when no SMTP_URL is set). */
export const OUTBOX_FOLDER = 'outbox'

function isOurs(uid: number): boolean {
  return typeof process.getuid !== 'function' || process.getuid() === uid
}

/**
 * Creates `dir` (0700, parents too) or tightens an existing one of ours to 0700, and every
 * file of ours directly in it to 0600: folders and files written by older versions were
 * readable by everyone. Symbolic links inside are never followed.
 */
export async function securePrivateFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const info = await stat(dir)
  if (isOurs(info.uid) && (info.mode & 0o077) !== 0) await chmod(dir, info.mode & 0o700)
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    const file = await lstat(path).catch(() => undefined) // removed meanwhile
    if (file?.isFile() && isOurs(file.uid) && (file.mode & 0o077) !== 0)
      await chmod(path, file.mode & 0o600)
  }
}

/** Options of {@link secureDataDir}. */
export interface SecureDataDirOptions {
  /**
   * Running as root with the embedded cluster inside DATA_DIR: the `postgres` user's group,
   * whose traversal bit (0710) is kept so PostgreSQL reaches its cluster folder.
   */
  readonly postgresGid?: number | undefined
}

/**
 * Creates DATA_DIR 0700, or takes from an existing one of ours every permission beyond
 * 0700 (0710 for the `postgres` group, see {@link SecureDataDirOptions.postgresGid}), and
 * tightens the outbox in it (see {@link securePrivateFolder}). A folder of another user
 * or a shared one (sticky, like /tmp) is left as it is: its owner chose its permissions.
 */
export async function secureDataDir(
  dataDir: string,
  options: SecureDataDirOptions = {},
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const info = await stat(dataDir)
  if (isOurs(info.uid) && (info.mode & 0o1000) === 0) {
    const allowed = options.postgresGid === info.gid ? 0o710 : 0o700
    if ((info.mode & 0o777 & ~allowed) !== 0) await chmod(dataDir, info.mode & allowed)
  }
  const outbox = join(dataDir, OUTBOX_FOLDER)
  if (
    await stat(outbox).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    await securePrivateFolder(outbox)
}
