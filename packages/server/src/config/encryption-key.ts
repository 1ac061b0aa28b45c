import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  createSecretBox,
  decodeKey,
  ENCRYPTION_KEY_BYTES,
  type SecretBox,
} from '../integrations/calendar/secret-box'
import type { Config } from './config'

/** The file of DATA_DIR holding the generated key of the embedded setup. */
export const ENCRYPTION_KEY_FILE = 'encryption-key'

/** Options of {@link resolveSecretBox}. */
export interface ResolveSecretBoxOptions {
  /**
   * The database is the embedded one in DATA_DIR: without ENCRYPTION_KEY a key is
   * generated into `DATA_DIR/encryption-key` (mode 0600), a file next to the data
   * but never inside the database that holds the ciphertext.
   */
  readonly embedded: boolean
  /** Told when a key file is created (never given the key). */
  readonly log?: (message: string) => void
}

async function keyFromFile(dataDir: string, log: (message: string) => void): Promise<Buffer> {
  const path = join(dataDir, ENCRYPTION_KEY_FILE)
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (existing !== undefined) {
    const key = decodeKey(existing)
    if (!key) throw new Error(`${path} does not hold a 32-byte base64 key`)
    return key
  }
  const generated = randomBytes(ENCRYPTION_KEY_BYTES).toString('base64')
  try {
    // 'wx': two processes starting at once on one DATA_DIR never overwrite each other.
    await writeFile(path, `${generated}\n`, { mode: 0o600, flag: 'wx' })
    log(
      `generated the key that encrypts calendar tokens into ${path}; keep it with the data (or set ENCRYPTION_KEY)`,
    )
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return keyFromFile(dataDir, log)
  }
  return Buffer.from(generated, 'base64')
}

/**
 * The box that seals calendar tokens: ENCRYPTION_KEY (plus ENCRYPTION_KEYS_PREVIOUS
 * to open older values); else, with the embedded database, a key generated once
 * into `DATA_DIR/encryption-key`; else undefined: calendars cannot be connected
 * (503 ENCRYPTION_KEY_MISSING) but everything else runs.
 */
export async function resolveSecretBox(
  config: Pick<Config, 'encryptionKey' | 'encryptionKeysPrevious' | 'dataDir'>,
  options: ResolveSecretBoxOptions,
): Promise<SecretBox | undefined> {
  // Decoded (and checked) once, by the config.
  const previous = config.encryptionKeysPrevious
  if (config.encryptionKey) {
    const key = decodeKey(config.encryptionKey)
    if (!key) throw new Error('ENCRYPTION_KEY is not 32 bytes, base64')
    return createSecretBox(key, previous)
  }
  if (!options.embedded) return undefined
  return createSecretBox(await keyFromFile(config.dataDir, options.log ?? (() => {})), previous)
}
