/**
 * Plain-data inputs and outputs of the scheduling engine.
 *
 * Conventions (docs/architecture.md, "Time model"):
 * - an instant is an integer number of epoch milliseconds (UTC), named `...At`;
 * - a calendar date is `YYYY-MM-DD`, a wall-clock time `HH:MM` ("24:00" allowed
 *   as a window end), a zone an IANA id, every duration integer minutes;
 * - intervals are half-open: `[startsAt, endsAt)`.
 */
import type { SlotRejectionReason } from './errors/codes'

/** Epoch milliseconds, UTC. */
export type Instant = number

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string

/** A wall-clock time `HH:MM`, 00:00 to 24:00. */
export type WallTime = string

/** 0 = Sunday … 6 = Saturday (the seed's and the API's convention). */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6

/** A half-open interval of instants `[startsAt, endsAt)`. */
export interface Interval {
  readonly startsAt: Instant
  readonly endsAt: Instant
}

/** A wall-clock window on one local day, e.g. 09:00–17:00. `endTime` may be "24:00". */
export interface TimeWindow {
  readonly startTime: WallTime
  readonly endTime: WallTime
}

/** A weekly rule: on `dayOfWeek`, the host is open from `startTime` to `endTime` (host's zone). */
export interface WeeklyRule extends TimeWindow {
  readonly dayOfWeek: DayOfWeek
}

/**
 * A date override: on `date` (host-local), `windows` replace the weekly rules
 * entirely. An empty `windows` list makes the day a day off.
 */
export interface DateOverride {
  readonly date: IsoDate
  readonly windows: readonly TimeWindow[]
}

/** A host's working hours: wall-clock rules in the host's IANA zone. */
export interface Schedule {
  readonly timeZone: string
  readonly weekly: readonly WeeklyRule[]
  readonly overrides?: readonly DateOverride[]
}

/** A fixed booking window, host-local dates, both ends inclusive. */
export interface DateRange {
  readonly startDate: IsoDate
  readonly endDate: IsoDate
}

/** The rules of one meeting type that decide which slots are bookable. */
export interface MeetingTypeRules {
  /** Default length of a meeting. */
  readonly durationMinutes: number
  /** Other lengths an invitee may choose; the query's `durationMinutes` must be one of these or the default. */
  readonly durationOptionsMinutes?: readonly number[]
  readonly bufferBeforeMinutes?: number
  readonly bufferAfterMinutes?: number
  /** Step between slot starts, along the real timeline from each open interval's start. Default: the duration. */
  readonly slotIntervalMinutes?: number
  /** A slot must start at least this long after `now`. Default 0. */
  readonly minNoticeMinutes?: number
  /**
   * Rolling booking window: the last bookable host-local day is today (host-local,
   * at `now`) plus this many days. `null`/absent: no rolling limit.
   */
  readonly maxDaysAhead?: number | null
  /** Fixed booking window instead of (or in addition to) the rolling one. */
  readonly dateRange?: DateRange | null
  /** At most this many bookings (counting `countsTowardLimits` ones) per host-local day. */
  readonly maxBookingsPerDay?: number | null
  /** At most this many per host-local week (weeks start on `weekStartsOn`). */
  readonly maxBookingsPerWeek?: number | null
}

/**
 * A confirmed booking of the host. Its blocked range is
 * `[startsAt - bufferBefore, endsAt + bufferAfter)` (the booking invariant, docs/architecture.md).
 */
export interface ExistingBooking extends Interval {
  readonly bufferBeforeMinutes?: number
  readonly bufferAfterMinutes?: number
  /** Counts toward this meeting type's daily/weekly limits. Default true. */
  readonly countsTowardLimits?: boolean
}

/** A busy event from an external calendar. Transparent ("free") events are ignored. */
export interface ExternalEvent extends Interval {
  readonly transparent?: boolean
}

/**
 * Which slots to return: those whose start lies in the range. Either an instant
 * range, or a date range (both inclusive) of calendar days in a viewer's zone.
 */
export type SlotRange =
  | { readonly from: Instant; readonly to: Instant }
  | { readonly startDate: IsoDate; readonly endDate: IsoDate; readonly timeZone: string }

/** Everything {@link findSlots} needs; all plain data. */
export interface FindSlotsInput {
  readonly schedule: Schedule
  readonly meetingType: MeetingTypeRules
  readonly bookings?: readonly ExistingBooking[]
  readonly events?: readonly ExternalEvent[]
  /** The current instant; core never reads a clock. */
  readonly now: Instant
  readonly range: SlotRange
  /** The chosen length; default `meetingType.durationMinutes`. */
  readonly durationMinutes?: number
  /** First day of a week for `maxBookingsPerWeek`. Default 1 (Monday, ISO 8601). */
  readonly weekStartsOn?: DayOfWeek
}

/** A bookable slot `[startsAt, endsAt)`. */
export interface Slot extends Interval {}

/** Input of {@link checkSlot}: the same as {@link FindSlotsInput}, one start instead of a range. */
export interface CheckSlotInput extends Omit<FindSlotsInput, 'range'> {
  readonly startsAt: Instant
}

/** Result of {@link checkSlot}. */
export type SlotCheck =
  | { readonly ok: true; readonly slot: Slot }
  | { readonly ok: false; readonly reason: SlotRejectionReason; readonly message: string }

/** Slots grouped under the local date (in some zone) on which they start. */
export interface SlotsOnDate {
  readonly date: IsoDate
  readonly slots: readonly Slot[]
}
