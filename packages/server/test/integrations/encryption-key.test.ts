import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config'
import { ENCRYPTION_KEY_FILE, resolveSecretBox } from '../../src/config/encryption-key'
import { createSecretBox } from '../../src/integrations/calendar/secret-box'

const folders: string[] = []
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slotkit-key-'))
  folders.push(dir)
  return dir
}

afterAll(async () => {
  for (const dir of folders) await rm(dir, { recursive: true, force: true })
})

describe('ENCRYPTION_KEY', () => {
  it('embedded setup: generates the key into DATA_DIR (mode 0600) once and reuses it', async () => {
    const dataDir = await folder()
    const config = { dataDir, encryptionKey: undefined, encryptionKeysPrevious: [] }
    const notes: string[] = []
    const first = await resolveSecretBox(config, { embedded: true, log: (m) => notes.push(m) })
    const file = join(dataDir, ENCRYPTION_KEY_FILE)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const second = await resolveSecretBox(config, { embedded: true })
    expect(second!.keyId).toBe(first!.keyId)
    expect(second!.open(first!.seal('token', 'c'), 'c')).toBe('token')
    // The note names the file, never the key.
    const key = (await readFile(file, 'utf8')).trim()
    expect(notes.join('\n')).toContain(file)
    expect(notes.join('\n')).not.toContain(key)
  })

  it('with DATABASE_URL and no ENCRYPTION_KEY there is no key (and no file)', async () => {
    const dataDir = await folder()
    const box = await resolveSecretBox(
      { dataDir, encryptionKey: undefined, encryptionKeysPrevious: [] },
      { embedded: false },
    )
    expect(box).toBeUndefined()
    await expect(stat(join(dataDir, ENCRYPTION_KEY_FILE))).rejects.toThrow()
  })

  it('ENCRYPTION_KEY wins over the file; ENCRYPTION_KEYS_PREVIOUS still opens old values', async () => {
    const dataDir = await folder()
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)]
    const sealed = createSecretBox(oldKey).seal('refresh-token', 'ctx')
    const config = loadConfig({
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: newKey.toString('base64'),
      ENCRYPTION_KEYS_PREVIOUS: ` ${oldKey.toString('base64')} `,
    })
    const box = await resolveSecretBox(config, { embedded: true })
    expect(box!.keyId).toBe(createSecretBox(newKey).keyId)
    expect(box!.open(sealed, 'ctx')).toBe('refresh-token')
    await expect(stat(join(dataDir, ENCRYPTION_KEY_FILE))).rejects.toThrow()
  })

  it.each([
    ['ENCRYPTION_KEY', 'too-short'],
    ['ENCRYPTION_KEYS_PREVIOUS', `${randomBytes(32).toString('base64')},nope`],
    ['GOOGLE_API_URL', 'ftp://example.com'],
  ])('rejects %s without echoing it', (variable, value) => {
    let caught: unknown
    try {
      loadConfig({ [variable]: value })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConfigError)
    expect((caught as ConfigError).variable).toBe(variable)
    if (variable !== 'GOOGLE_API_URL') expect((caught as Error).message).not.toContain(value)
  })

  it('needs GOOGLE_CLIENT_SECRET with GOOGLE_CLIENT_ID, and defaults the Google URLs', () => {
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'id' })).toThrow(/GOOGLE_CLIENT_SECRET/)
    expect(loadConfig({})).toMatchObject({
      googleClientId: undefined,
      googleOauthAuthorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      googleOauthTokenUrl: 'https://oauth2.googleapis.com/token',
      googleOauthRevokeUrl: 'https://oauth2.googleapis.com/revoke',
      googleApiUrl: 'https://www.googleapis.com/',
    })
  })
})
