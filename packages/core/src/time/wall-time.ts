import { SchedulingError } from '../errors/scheduling-error'

const WALL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/

/**
 * Minutes after local midnight of an `HH:MM` wall time (00:00–23:59), or 1440
 * for `24:00` when `allowEndOfDay` (window ends only). Throws `INVALID_TIME`.
 */
export function parseWallTime(text: unknown, field: string, allowEndOfDay: boolean): number {
  if (typeof text === 'string') {
    const match = WALL_TIME.exec(text)
    if (match) return Number(match[1]) * 60 + Number(match[2])
    if (allowEndOfDay && text === '24:00') return 1440
  }
  const allowed = allowEndOfDay ? 'HH:MM (00:00–24:00)' : 'HH:MM (00:00–23:59)'
  throw new SchedulingError(
    'INVALID_TIME',
    `${field} must be ${allowed}, got ${JSON.stringify(text)}`,
    {
      field,
      value: text,
    },
  )
}
