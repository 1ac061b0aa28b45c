import { isUuid } from '../db/ids'
import { invalidField } from '../http/api-error'

/**
 * Where a page of a keyset listing ends: the sort instant and id of its last
 * row (a booking's start, a webhook delivery's creation). The listing continues
 * after it, in the listing's order.
 */
export interface CursorPosition {
  /** Epoch milliseconds. */
  readonly at: number
  readonly id: string
}

/** Beyond ±8.64e15 ms a JavaScript Date is invalid, and so is the cursor. */
const MAX_EPOCH_MS = 8.64e15

/** The opaque `next_cursor` of a page whose last row is at `position`. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.at}|${position.id}`, 'utf8').toString('base64url')
}

/**
 * The position a cursor from {@link encodeCursor} holds. Anything else (a cursor
 * of another server version, a hand-made one) is 400 VALIDATION_FAILED naming
 * `cursor`, before it reaches a query.
 */
export function decodeCursor(cursor: string): CursorPosition {
  const [at = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const ms = /^-?\d{1,16}$/.test(at) ? Number(at) : Number.NaN
  if (rest.length > 0 || !(Math.abs(ms) <= MAX_EPOCH_MS) || !isUuid(id)) {
    throw invalidField('cursor', 'is not a cursor this server issued')
  }
  return { at: ms, id }
}

/**
 * One page of a listing fetched with `limit + 1` rows: the first `limit`, and
 * the cursor after the last of them when there are more (`null`: last page).
 */
export function pageOf<TRow>(
  rows: readonly TRow[],
  limit: number,
  positionOf: (row: TRow) => CursorPosition,
): { readonly rows: TRow[]; readonly nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null,
  }
}
