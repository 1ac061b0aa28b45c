import type { SlotCache } from '../cache/slot-cache'

/**
 * Bumps the host's generation after a committed change (booking, cancel, reschedule,
 * rules, meeting type, zone, calendar sync). A failure (Redis down) is logged, not thrown: the
 * change is committed, and the 5-minute TTL bounds how long a stale reply can live.
 */
export async function bumpHostGeneration(
  deps: { readonly cache: SlotCache; readonly log: { error(obj: object, msg: string): void } },
  hostId: string,
): Promise<void> {
  try {
    await deps.cache.bumpGeneration(hostId)
  } catch (error) {
    deps.log.error({ err: error, hostId }, 'could not bump the host generation')
  }
}
