/**
 * Caps on outbound webhooks, so one host's key cannot turn the server into a
 * request amplifier: at most `perHost` webhooks per host (paused ones count, as
 * they can be resumed at any time), and at most `deliveriesPerEvent` deliveries
 * per booking event (the oldest subscribed webhooks), even if a host has more
 * rows from before the cap. Each delivery is tried at most 1 + the
 * `webhook.deliver` queue's `retryLimit` times (`DEFAULT_RETRY_POLICIES`).
 */
export const WEBHOOK_LIMITS = {
  perHost: 10,
  deliveriesPerEvent: 10,
} as const
