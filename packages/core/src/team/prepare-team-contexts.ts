import { SchedulingError } from '../errors/scheduling-error'
import { prepareSlotContext, type SlotContext } from '../slots/slot-context'
import type { TeamHost, TeamQuery } from './team-types'

/**
 * Validates a team query's host list (non-empty) and prepares one slot context
 * per host, with the shared meeting type, clock and duration; a host's invalid
 * field is named `hosts[i]....`.
 */
export function prepareTeamContexts(
  input: TeamQuery & { readonly hosts: readonly TeamHost[] },
): SlotContext[] {
  if (!Array.isArray(input.hosts) || input.hosts.length === 0) {
    throw new SchedulingError('VALIDATION_FAILED', 'hosts must be a non-empty array', {
      field: 'hosts',
    })
  }
  return input.hosts.map((host, i) =>
    prepareSlotContext(
      {
        schedule: host.schedule,
        bookings: host.bookings,
        events: host.events,
        meetingType: input.meetingType,
        now: input.now,
        durationMinutes: input.durationMinutes,
        weekStartsOn: input.weekStartsOn,
      },
      `hosts[${i}].`,
    ),
  )
}
