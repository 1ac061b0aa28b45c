// biome-ignore lint/style/noRestrictedImports: tests may do I/O; src may not.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, isErrorCode, SLOT_REJECTION_REASONS } from './codes'

// Keeps docs/errors.md and the code list in step (as Fastify's
// test/internals/errors.test.js does for its registry and docs page).
const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8')

/** The text between `## title` and the next `## ` heading. */
function section(title: string): string {
  const start = docs.indexOf(`\n## ${title}\n`)
  expect(start, `docs/errors.md has a "## ${title}" section`).toBeGreaterThanOrEqual(0)
  const rest = docs.slice(start + title.length + 5)
  const end = rest.search(/^## /m)
  return end === -1 ? rest : rest.slice(0, end)
}

/** `### CODE` entries of the Codes section: code → body text. */
function documentedCodes(): Map<string, string> {
  const entries = new Map<string, string>()
  const parts = section('Codes').split(/^### /m).slice(1)
  for (const part of parts) {
    const newline = part.indexOf('\n')
    const code = part.slice(0, newline).trim()
    expect(entries.has(code), `${code} is documented once`).toBe(false)
    entries.set(code, part.slice(newline + 1))
  }
  return entries
}

describe('docs/errors.md', () => {
  const entries = documentedCodes()

  it('documents every code of ERROR_CODES', () => {
    const missing = ERROR_CODES.filter((code) => !entries.has(code))
    expect(missing, 'codes without a "### CODE" entry').toEqual([])
  })

  it('documents no code that is missing from ERROR_CODES', () => {
    const unknown = [...entries.keys()].filter((code) => !isErrorCode(code))
    expect(unknown, 'documented codes not in ERROR_CODES').toEqual([])
  })

  it.each([...ERROR_CODES])('%s has a meaning, one HTTP status and what to do', (code) => {
    const body = entries.get(code) ?? ''
    const meaning = body.split(/^- \*\*/m)[0]?.trim() ?? ''
    expect(meaning.length, 'a meaning paragraph').toBeGreaterThan(20)
    const statuses = [...body.matchAll(/^- \*\*HTTP status:\*\* (\d{3})\s*$/gm)].map((m) =>
      Number(m[1]),
    )
    expect(statuses, 'exactly one "- **HTTP status:** NNN" line').toHaveLength(1)
    expect(statuses[0]).toBeGreaterThanOrEqual(400)
    expect(statuses[0]).toBeLessThan(600)
    expect(body).toMatch(/^- \*\*What to do:\*\* \S/m)
  })

  it('gives invalid input 400 and the race and slot errors 409', () => {
    const status = (code: string) =>
      Number(/^- \*\*HTTP status:\*\* (\d{3})/m.exec(entries.get(code) ?? '')?.[1])
    for (const code of ERROR_CODES.filter((c) => c.startsWith('INVALID_'))) {
      expect(status(code), code).toBe(400)
    }
    expect(status('VALIDATION_FAILED')).toBe(400)
    expect(status('SLOT_UNAVAILABLE')).toBe(409)
    expect(status('CONCURRENT_MODIFICATION')).toBe(409)
    expect(status('IDEMPOTENCY_KEY_REUSED')).toBe(422)
    expect(status('PAYLOAD_TOO_LARGE')).toBe(413)
    expect(status('INTERNAL')).toBe(500)
  })

  // Cells may be padded (the formatter aligns markdown tables).
  it('documents exactly the slot rejection reasons, in a table', () => {
    const rows = [
      ...section('Slot rejection reasons').matchAll(/^\|\s*`([A-Z_]+)`\s*\|(.+)\|(.+)\|\s*$/gm),
    ]
    const reasons = rows.map((m) => m[1])
    expect(new Set(reasons).size).toBe(reasons.length)
    expect([...reasons].sort()).toEqual([...SLOT_REJECTION_REASONS].sort())
  })

  it('has no "### " heading outside the Codes section', () => {
    const headings = [...docs.matchAll(/^### (.+)$/gm)].map((m) => m[1]?.trim())
    expect(headings).toHaveLength(entries.size)
  })
})
