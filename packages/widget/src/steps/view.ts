import type { MonthSlots } from '../controllers/month-slots-controller'
import type { Messages } from '../i18n/catalog'
import type { ApiSlot, Booking, PublicMeetingType } from '../types'

/** What the widget is for: a new booking, or an invitee's link to move or cancel one. */
export type ScheduleWidgetMode = 'book' | 'reschedule' | 'cancel'

/** Locale, zone and clock for times. */
export interface TimeOptions {
  readonly timeZone: string
  readonly locale: string
  readonly hour12?: boolean | undefined
}

/** The zone switcher's open/search state (the chosen zone lives on the element). */
export interface ZonePickerState {
  readonly open: boolean
  readonly query: string
  /** Index of the highlighted option. */
  readonly active: number
}

/** What the invitee can do; the element implements each. */
export interface StepActions {
  retryLoad(): void
  /** To `month` (`YYYY-MM`), with `focusDate` as the grid's focusable day. */
  goToMonth(month: string, focusDate?: string): void
  selectDate(date: string): void
  gridKey(event: KeyboardEvent): void
  retrySlots(): void
  chooseDuration(minutes: number): void
  toggleZones(): void
  searchZones(event: InputEvent): void
  zoneKey(event: KeyboardEvent): void
  chooseZone(zone: string): void
  pickSlot(slot: ApiSlot): void
  back(): void
  input(event: Event): void
  submitBooking(event: Event): void
  submitReschedule(): void
  cancelReason(event: Event): void
  submitCancel(event: Event): void
}

/**
 * Everything a step's render function reads, derived by the element for one
 * render: the steps hold no state of their own and change nothing but through
 * {@link StepActions}.
 */
export interface StepView extends StepActions {
  readonly t: Messages
  readonly locale: string
  /** The locale's reading direction: the root's `dir`, arrows and grid keys follow it. */
  readonly dir: 'ltr' | 'rtl'
  readonly mode: ScheduleWidgetMode
  /** The invitee's zone (its current IANA name): where times are shown and what is sent. */
  readonly timeZone: string
  /** The host's zone under its current name, once the meeting type is loaded. */
  readonly hostTimeZone: string | undefined
  readonly time: TimeOptions
  readonly meetingType: PublicMeetingType | undefined
  /** In reschedule and cancel modes, the booking from the invitee's link. */
  readonly booking: Booking | undefined
  /** The chosen duration, in minutes. */
  readonly durationMinutes: number
  /** `YYYY-MM-DD` today in the invitee's zone. */
  readonly today: string
  /** First column of the grid, 0 = Sunday. */
  readonly weekStart: number
  /** First and last `YYYY-MM` worth showing. */
  readonly firstMonth: string
  readonly lastMonth: string
  /** The shown month's slots, once the calendar asked for them. */
  readonly monthSlots: MonthSlots | undefined
  readonly zonePicker: ZonePickerState
  /** Zones matching the picker's search. */
  readonly zoneOptions: readonly string[]
  /** A form field's value: typed, else prefilled. */
  value(key: string): string | boolean | undefined
}
