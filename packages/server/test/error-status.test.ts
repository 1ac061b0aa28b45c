import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ERROR_CODES } from '@slotkit/core'
import { describe, expect, it } from 'vitest'
import { ERROR_STATUS } from '../src/http/error-status'

describe('error status table', () => {
  it('gives every code the HTTP status docs/errors.md documents', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8')
    const documented = new Map<string, number>()
    for (const match of docs.matchAll(/^### ([A-Z_]+)\n[\s\S]*?- \*\*HTTP status:\*\* (\d{3})/gm)) {
      documented.set(match[1]!, Number(match[2]))
    }
    for (const code of ERROR_CODES) {
      expect(documented.get(code), `docs/errors.md entry for ${code}`).toBe(ERROR_STATUS[code])
    }
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort())
  })
})
