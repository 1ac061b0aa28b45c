/**
 * @slotkit/core: pure scheduling logic. Weekly rules in a host's IANA zone →
 * DST-exact open intervals → bookable slots (buffers, notice, booking window,
 * limits, conflicts), the booking check that shares their code path, the
 * interval algebra, team primitives, RFC 3339 helpers, integer calendar
 * arithmetic and current IANA zone names. No I/O, no clock:
 * instants are epoch milliseconds and `now` is always a parameter.
 */
export { openIntervals } from './availability/open-intervals'
export { checkSlot } from './bookings/check-slot'
export type { ErrorCode, SlotRejectionReason } from './errors'
export {
  ERROR_CODES,
  isErrorCode,
  isSchedulingError,
  SchedulingError,
  SLOT_REJECTION_REASONS,
} from './errors'
export { clipIntervals } from './intervals/clip-intervals'
export { intersectIntervals } from './intervals/intersect-intervals'
export { mergeIntervals } from './intervals/merge-intervals'
export { overlaps } from './intervals/overlaps'
export { sortIntervals } from './intervals/sort-intervals'
export { subtractIntervals } from './intervals/subtract-intervals'
export { findSlots } from './slots/find-slots'
export { groupSlotsByDate } from './slots/group-slots-by-date'
export { findCollectiveSlots } from './team/find-collective-slots'
export { findRoundRobinSlots } from './team/find-round-robin-slots'
export type {
  FindCollectiveSlotsInput,
  FindRoundRobinSlotsInput,
  RoundRobinHost,
  RoundRobinSlot,
  TeamHost,
  TeamQuery,
} from './team/team-types'
export { assertValidTimeZone } from './time/assert-valid-time-zone'
export { canonicalTimeZone } from './time/canonical-time-zone'
export {
  civilFromDays,
  DAY_MS,
  dayOfWeekOf,
  daysFromCivil,
  daysInMonth,
  formatIsoDate,
  isIsoDate,
  MINUTE_MS,
  parseIsoDate,
} from './time/epoch-day'
export { formatRfc3339 } from './time/format-rfc3339'
export { formatUtc } from './time/format-utc'
export { offsetAt } from './time/offset-at'
export { parseRfc3339 } from './time/parse-rfc3339'
export { toInstant } from './time/to-instant'
export { toLocalDate } from './time/to-local-date'
export type {
  CheckSlotInput,
  DateOverride,
  DateRange,
  DayOfWeek,
  ExistingBooking,
  ExternalEvent,
  FindSlotsInput,
  Instant,
  Interval,
  IsoDate,
  MeetingTypeRules,
  Schedule,
  Slot,
  SlotCheck,
  SlotRange,
  SlotsOnDate,
  TimeWindow,
  WallTime,
  WeeklyRule,
} from './types'
