import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSecretBox, decodeKey, keyIdOf } from './secret-box'

const key1 = randomBytes(32)
const key2 = randomBytes(32)

describe('secret box (AES-256-GCM)', () => {
  it('opens what it sealed, and the ciphertext hides the plaintext', () => {
    const box = createSecretBox(key1)
    const sealed = box.seal('1//refresh-token-value', 'integration:a')
    expect(sealed).not.toContain('refresh-token-value')
    expect(sealed.startsWith(`v1.${keyIdOf(key1)}.`)).toBe(true)
    expect(box.open(sealed, 'integration:a')).toBe('1//refresh-token-value')
    // A fresh IV each time: sealing twice never gives the same text.
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'))
  })

  it('refuses a tampered value and a value sealed for another row', () => {
    const box = createSecretBox(key1)
    const sealed = box.seal('secret', 'integration:a')
    const parts = sealed.split('.')
    const ct = Buffer.from(parts[4]!, 'base64url')
    ct[0]! ^= 1
    parts[4] = ct.toString('base64url')
    expect(() => box.open(parts.join('.'), 'integration:a')).toThrow()
    expect(() => box.open(sealed, 'integration:b')).toThrow()
    expect(() => box.open('plain text', 'integration:a')).toThrow('not a sealed value')
  })

  it('rotates: values sealed under a previous key open, and re-seal under the current one', () => {
    const old = createSecretBox(key1)
    const sealedOld = old.seal('token', 'ctx')
    const rotated = createSecretBox(key2, [key1])
    expect(rotated.open(sealedOld, 'ctx')).toBe('token')
    expect(sealedOld.split('.')[1]).toBe(keyIdOf(key1))
    const resealed = rotated.seal(rotated.open(sealedOld, 'ctx'), 'ctx')
    expect(resealed.split('.')[1]).toBe(keyIdOf(key2))
    // Once the old key is dropped, its values no longer open; the error names the key id only.
    const dropped = createSecretBox(key2)
    expect(() => dropped.open(sealedOld, 'ctx')).toThrow(`unknown key (id ${keyIdOf(key1)})`)
  })

  it('decodes 32-byte base64 and base64url keys only', () => {
    expect(decodeKey(key1.toString('base64'))?.equals(key1)).toBe(true)
    expect(decodeKey(key1.toString('base64url'))?.equals(key1)).toBe(true)
    expect(decodeKey(randomBytes(16).toString('base64'))).toBeUndefined()
    expect(decodeKey('not base64!')).toBeUndefined()
  })
})
