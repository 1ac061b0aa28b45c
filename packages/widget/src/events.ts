import type { ApiSlot, Booking, PublicMeetingType } from './types'

/** Detail of `schedule-ready`: the meeting type is loaded and the first step shows. */
export interface ScheduleReadyDetail {
  readonly mode: 'book' | 'reschedule' | 'cancel'
  readonly meetingType: PublicMeetingType | undefined
  readonly booking: Booking | undefined
}

/** Detail of `schedule-date-selected`. */
export interface ScheduleDateSelectedDetail {
  /** `YYYY-MM-DD` in `timeZone`. */
  readonly date: string
  readonly timeZone: string
  /** Number of slots on that day. */
  readonly slotCount: number
}

/** Detail of `schedule-slot-selected`. */
export interface ScheduleSlotSelectedDetail {
  readonly slot: ApiSlot
  readonly timeZone: string
  readonly durationMinutes: number
}

/** Detail of `schedule-booked`, `schedule-rescheduled` and `schedule-cancelled`. */
export interface ScheduleBookingDetail {
  readonly booking: Booking
}

/** Detail of `schedule-error`. `code` is the API's (`SLOT_UNAVAILABLE`, `NOT_FOUND`…) or a client one (`NETWORK_ERROR`, `TIMEOUT`). */
export interface ScheduleErrorDetail {
  readonly code: string
  readonly message: string
  /** What failed: loading the page, loading slots, or submitting. */
  readonly during: 'load' | 'slots' | 'submit'
}

/** Every event `<schedule-widget>` fires: bubbling, composed `CustomEvent`s. */
export interface ScheduleWidgetEventMap {
  'schedule-ready': CustomEvent<ScheduleReadyDetail>
  'schedule-date-selected': CustomEvent<ScheduleDateSelectedDetail>
  'schedule-slot-selected': CustomEvent<ScheduleSlotSelectedDetail>
  'schedule-booked': CustomEvent<ScheduleBookingDetail>
  'schedule-rescheduled': CustomEvent<ScheduleBookingDetail>
  'schedule-cancelled': CustomEvent<ScheduleBookingDetail>
  'schedule-error': CustomEvent<ScheduleErrorDetail>
}
