import type { Db } from '../db/database'
import { replaceTokenHash } from '../db/repositories/bookings.repository'
import { linkTokenOf, reissuedToken, type SecretKeys } from './tokens'

/** What {@link withLinkableToken} needs of a booking. */
export interface TokenHolder {
  readonly id: string
  readonly hostId: string
  readonly tokenHash: string
}

/**
 * `booking` as is, with the token of its links, when one of `keys` made its token
 * (`linkTokenOf`). Otherwise the key was dropped from SECRET_KEY (retired after a
 * leak, say): the links the invitee has are dead by design, so the booking gets a
 * new token under the newest key and the next e-mail (or idempotent replay)
 * carries links that open.
 */
export async function withLinkableToken<TBooking extends TokenHolder>(
  db: Db,
  keys: SecretKeys,
  booking: TBooking,
  log: { info(obj: object, msg: string): void },
): Promise<{ booking: TBooking; token: string }> {
  const current = linkTokenOf(keys, booking.id, booking.tokenHash)
  if (current !== undefined) return { booking, token: current }
  const { token, tokenHash } = reissuedToken(keys, booking.id)
  await replaceTokenHash(db, booking.hostId, booking.id, tokenHash)
  log.info(
    { bookingId: booking.id },
    'no configured SECRET_KEY made this booking’s invitee token: issued a new one under the newest key',
  )
  return { booking: { ...booking, tokenHash }, token }
}
