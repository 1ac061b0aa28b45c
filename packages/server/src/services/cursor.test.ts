import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, pageOf } from './cursor'

const id = '3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b'
const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url')

describe('cursors', () => {
  it('decodes what it encodes', () => {
    const position = { at: Date.parse('2027-03-02T14:00:00.123Z'), id }
    expect(decodeCursor(encodeCursor(position))).toEqual(position)
  })

  it.each([
    ['not base64 of anything', 'zzz'],
    ['an id that only looks like a uuid', raw(`1803981600000|${'-'.repeat(36)}`)],
    ['an instant past what a Date holds', raw(`1e300|${id}`)],
    ['an instant just past what a Date holds', raw(`8640000000000001|${id}`)],
    ['a fraction of a millisecond', raw(`1.5|${id}`)],
    ['no instant', raw(`|${id}`)],
    ['a third part', raw(`1803981600000|${id}|x`)],
  ])('refuses %s with 400 naming the field', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        message: 'cursor: is not a cursor this server issued',
        details: { field: 'cursor' },
      }),
    )
  })

  it('gives the cursor after the last row only when there are more rows', () => {
    const rows = [1, 2, 3].map((n) => ({ at: n, id }))
    const first = pageOf(rows, 2, (row) => row)
    expect(first.rows).toEqual(rows.slice(0, 2))
    expect(first.nextCursor && decodeCursor(first.nextCursor)).toEqual({ at: 2, id })
    expect(pageOf(rows, 3, (row) => row)).toEqual({ rows, nextCursor: null })
  })
})
