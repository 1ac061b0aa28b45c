import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/** Bytes of an AES-256 key. */
export const ENCRYPTION_KEY_BYTES = 32

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * Seals and opens secrets at rest (provider tokens, PKCE verifiers) with
 * AES-256-GCM (node:crypto). A sealed value is
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts): the key id says which
 * key sealed it, so keys can rotate: values sealed under a previous key still
 * open, and every write seals under the current one.
 *
 * `context` is authenticated, not encrypted (GCM additional data): a value sealed
 * for one row (say integration A's credentials) does not open as another's.
 */
export interface SecretBox {
  /** Id of the key new values are sealed with. */
  readonly keyId: string
  seal(plaintext: string, context: string): string
  /** Throws when the value was tampered with, sealed for another context, or under an unknown key. */
  open(sealed: string, context: string): string
}

/**
 * The id of a key: the first 8 bytes (hex) of sha-256 over a label and the key.
 * Derived, so operators only ever handle keys, never ids; it reveals nothing
 * usable about a 256-bit random key.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('slotkit-encryption-key-id\0')
    .update(key)
    .digest('hex')
    .slice(0, 16)
}

/**
 * Decodes a base64 (or base64url) key; undefined unless it is exactly
 * {@link ENCRYPTION_KEY_BYTES} bytes.
 */
export function decodeKey(value: string): Buffer | undefined {
  const text = value.trim()
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  return key.length === ENCRYPTION_KEY_BYTES ? key : undefined
}

/** A {@link SecretBox} sealing with `current` and opening with it or any of `previous`. */
export function createSecretBox(current: Buffer, previous: readonly Buffer[] = []): SecretBox {
  if (current.length !== ENCRYPTION_KEY_BYTES) throw new RangeError('the key must be 32 bytes')
  const keys = new Map<string, Buffer>()
  for (const key of previous) keys.set(keyIdOf(key), key)
  const keyId = keyIdOf(current)
  keys.set(keyId, current)
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', current, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return [VERSION, keyId, iv, tag, ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.')
    },
    open(sealed, context) {
      const parts = sealed.split('.')
      if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not a sealed value')
      const [, id, iv, tag, ciphertext] = parts as [string, string, string, string, string]
      const key = keys.get(id)
      // Name the key id, never a key: the operator matches it against keyIdOf.
      if (!key) throw new Error(`sealed under an unknown key (id ${id})`)
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8')
    },
  }
}
