import type {
  DayOfWeek,
  ExistingBooking,
  ExternalEvent,
  Instant,
  MeetingTypeRules,
  Schedule,
  Slot,
  SlotRange,
} from '../types'

/** One host of a team query: their working hours (in their own zone) and busy time. */
export interface TeamHost {
  readonly schedule: Schedule
  readonly bookings?: readonly ExistingBooking[]
  readonly events?: readonly ExternalEvent[]
}

/** A host of a round-robin query, named by a caller-chosen id (unique within the query). */
export interface RoundRobinHost extends TeamHost {
  readonly hostId: string
}

/** The query shared by all hosts of a team computation (see {@link FindSlotsInput}). */
export interface TeamQuery {
  readonly meetingType: MeetingTypeRules
  /** The current instant; core never reads a clock. */
  readonly now: Instant
  readonly range: SlotRange
  /** The chosen length; default `meetingType.durationMinutes`. */
  readonly durationMinutes?: number
  /** First day of a week for `maxBookingsPerWeek`. Default 1 (Monday). */
  readonly weekStartsOn?: DayOfWeek
}

/** Input of `findCollectiveSlots`. */
export interface FindCollectiveSlotsInput extends TeamQuery {
  readonly hosts: readonly TeamHost[]
}

/** Input of `findRoundRobinSlots`. */
export interface FindRoundRobinSlotsInput extends TeamQuery {
  readonly hosts: readonly RoundRobinHost[]
}

/** A round-robin candidate: a slot and the ids of the hosts who can take it (sorted). */
export interface RoundRobinSlot extends Slot {
  readonly hostIds: readonly string[]
}
