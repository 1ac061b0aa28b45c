import { SchedulingError } from '../errors/scheduling-error'
import { gridStarts } from '../slots/grid-starts'
import { openIntervalsBetween } from '../slots/open-intervals-between'
import { resolveRange } from '../slots/resolve-range'
import { SlotFilter } from '../slots/slot-filter'
import { prepareTeamContexts } from './prepare-team-contexts'
import type { FindRoundRobinSlotsInput, RoundRobinSlot } from './team-types'

/**
 * Round-robin candidates: the union over hosts of each host's own bookable slots
 * (exactly {@link findSlots} per host: the host's own zone, grid, notice, window,
 * limits and conflicts), and for each distinct start the ids of the hosts who
 * can take it. A later assignment step picks one host per booking.
 *
 * All hosts share `meetingType`, `durationMinutes` and the range, so slots with
 * the same start have the same end. Sorted by start; `hostIds` sorted by code
 * unit order; independent of the order of `hosts`. Instants are epoch ms.
 * Throws `SchedulingError` for invalid input, including a duplicate or empty `hostId`.
 *
 * @example
 * ```ts
 * findRoundRobinSlots({
 *   hosts: [{ hostId: 'ana', schedule: anaHours }, { hostId: 'ben', schedule: benHours }],
 *   meetingType: { durationMinutes: 30 },
 *   now,
 *   range: { from, to },
 * }) // [{ startsAt, endsAt, hostIds: ['ana', 'ben'] }, …]
 * ```
 */
export function findRoundRobinSlots(input: FindRoundRobinSlotsInput): RoundRobinSlot[] {
  const contexts = prepareTeamContexts(input)
  const seen = new Set<string>()
  input.hosts.forEach((host, i) => {
    if (typeof host?.hostId !== 'string' || host.hostId === '' || seen.has(host.hostId)) {
      throw new SchedulingError(
        'VALIDATION_FAILED',
        `hosts[${i}].hostId must be a unique non-empty string`,
        {
          field: `hosts[${i}].hostId`,
        },
      )
    }
    seen.add(host.hostId)
  })
  const [from, to] = resolveRange(input.range)
  const hostsByStart = new Map<number, string[]>()
  contexts.forEach((context, i) => {
    const hostId = input.hosts[i]!.hostId
    const lo = Math.max(from, context.earliestStart)
    const intervals = openIntervalsBetween(context, lo, to)
    const filter = new SlotFilter(context)
    for (const startsAt of gridStarts(intervals, context.stepMs, context.durationMs, lo, to)) {
      if (filter.reject(startsAt) !== null) continue
      const hostIds = hostsByStart.get(startsAt)
      if (hostIds === undefined) hostsByStart.set(startsAt, [hostId])
      else hostIds.push(hostId)
    }
  })
  const durationMs = contexts[0]!.durationMs
  return [...hostsByStart.keys()]
    .sort((a, b) => a - b)
    .map((startsAt) => ({
      startsAt,
      endsAt: startsAt + durationMs,
      hostIds: (hostsByStart.get(startsAt) as string[]).sort((a, b) =>
        a < b ? -1 : a > b ? 1 : 0,
      ),
    }))
}
