import type { ServiceDeps } from '../deps'

/**
 * Whether the invitee gets the e-mail of a change made through the public API
 * by the client `clientKey` (see `rateLimitKey`): the mail limits decide, and an
 * e-mail over a budget is left out, counted and logged (without the address).
 * Without a client key (a host or admin key made the change) or a limiter, it
 * always goes. O(1): one in-process lookup or one Redis script, no database.
 */
export async function mayMailInvitee(
  deps: Pick<ServiceDeps, 'mailLimiter' | 'log'>,
  mail: {
    readonly kind: 'confirmation' | 'cancellation' | 'reschedule'
    readonly bookingId: string
    readonly recipient: string
    readonly clientKey: string | undefined
  },
): Promise<boolean> {
  if (!deps.mailLimiter || mail.clientKey === undefined) return true
  const spent = await deps.mailLimiter.take(mail.recipient, mail.clientKey)
  if (spent === undefined) return true
  deps.log.info(
    { bookingId: mail.bookingId, email: mail.kind, budget: spent },
    'invitee e-mail left out: mail limit reached',
  )
  return false
}
