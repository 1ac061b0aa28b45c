import { createClient, type SlotkitClient } from '@slotkit/client'
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit'
import type { CalendarEvent } from './calendar-links'
import { renderAddToCalendar } from './components/add-to-calendar'
import { initialFocusDate, nextFocusDate, renderCalendarGrid } from './components/calendar-grid'
import { renderInputField, renderQuestionField } from './components/form-fields'
import { filterTimeZones, MAX_ZONE_OPTIONS, renderZonePicker } from './components/zone-picker'
import { fromClient } from './controllers/from-client'
import {
  type MonthQuery,
  type MonthSlots,
  MonthSlotsController,
} from './controllers/month-slots-controller'
import { toWidgetError, type WidgetApi, type WidgetError } from './controllers/widget-api'
import type { ScheduleErrorDetail, ScheduleWidgetEventMap } from './events'
import { type Messages, resolveMessages, translate } from './i18n/catalog'
import { addDays, addMonths, monthOf } from './i18n/dates'
import {
  detectTimeZone,
  firstDayOfWeekFor,
  formatDateHeading,
  formatInBothZones,
  formatMonth,
  formatSlotDateTime,
  formatSlotTime,
  isValidTimeZone,
  listTimeZones,
  localDateOf,
  weekdayNames,
  zoneOffsetLabel,
} from './i18n/format'
import { themeStyles, widgetStyles } from './styles/widget-styles'
import type { ApiSlot, Booking, CreateBookingBody, PublicMeetingType, Question } from './types'

/** What the widget is for: a new booking, or an invitee's link to move or cancel one. */
export type ScheduleWidgetMode = 'book' | 'reschedule' | 'cancel'

/** Light, dark, or follow `prefers-color-scheme` (`auto`, the default). */
export type ScheduleWidgetTheme = 'light' | 'dark' | 'auto'

/** Invitee details to fill the form with. */
export interface ScheduleWidgetPrefill {
  readonly name?: string | undefined
  readonly email?: string | undefined
  /** Answers keyed by question id. */
  readonly answers?: Readonly<Record<string, string | boolean>> | undefined
}

type Step = 'loading' | 'load-error' | 'inactive' | 'calendar' | 'details' | 'cancel' | 'done'
type Outcome = 'booked' | 'rescheduled' | 'cancelled'
type Focus =
  | 'heading'
  | 'day'
  | 'conflict'
  | 'alert'
  | 'zone-toggle'
  | 'zone-input'
  | `field:${string}`

const optionalBoolean = {
  fromAttribute: (value: string | null) => (value === null ? undefined : value !== 'false'),
  toAttribute: (value: boolean | undefined) => (value === undefined ? null : String(value)),
}

const optionalNumber = {
  fromAttribute: (value: string | null) =>
    value === null || value === '' || Number.isNaN(Number(value)) ? undefined : Number(value),
  toAttribute: (value: number | undefined) => (value === undefined ? null : String(value)),
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Props whose change starts the widget over (new meeting type, new booking link, new server). */
const RESTART_ON = [
  'baseUrl',
  'client',
  'api',
  'meetingType',
  'mode',
  'bookingId',
  'token',
] as const

/**
 * `<schedule-widget>`: the Slotkit booking flow, rendered in the page (no
 * iframe). Shows a month calendar with the bookable days, the chosen day's
 * times in the invitee's zone, a form with the meeting type's questions, and a
 * confirmation with add-to-calendar links. With `mode="reschedule"` or
 * `mode="cancel"` (plus `booking-id` and `token` from the invitee's e-mail
 * link) it moves or cancels an existing booking instead.
 *
 * All network calls go through a `@slotkit/client` instance: the `client`
 * property, or one built from `base-url`.
 *
 * @example
 * ```html
 * <script type="module" src="/widget/schedule-widget.js"></script>
 * <schedule-widget base-url="https://slots.example.com" meeting-type="8d6f…"></schedule-widget>
 * ```
 *
 * @fires schedule-ready - The first step is shown. Detail: `{ mode, meetingType, booking }`.
 * @fires schedule-date-selected - A day was chosen. Detail: `{ date, timeZone, slotCount }`.
 * @fires schedule-slot-selected - A time was chosen. Detail: `{ slot, timeZone, durationMinutes }`.
 * @fires schedule-booked - A booking was made. Detail: `{ booking }` (with `cancel_url`, `reschedule_url`).
 * @fires schedule-rescheduled - The booking was moved. Detail: `{ booking }`.
 * @fires schedule-cancelled - The booking was cancelled. Detail: `{ booking }`.
 * @fires schedule-error - A request failed. Detail: `{ code, message, during }`.
 *
 * @csspart root - The widget's box.
 * @csspart header - Meeting name, duration and host.
 * @csspart title - The step's heading.
 * @csspart calendar - The month calendar (navigation and grid).
 * @csspart calendar-grid - The month grid table.
 * @csspart day - Every day button; also `day-available` and `day-selected`.
 * @csspart slots - The list of times for the chosen day.
 * @csspart slot - A time button; also `slot-suggested` for the suggestion after a conflict.
 * @csspart zone-picker - The time-zone switcher; `zone-toggle` is its button.
 * @csspart form - The details form; `field`, `label`, `input` its pieces.
 * @csspart button - Every button; `button-primary` the main action of a step.
 * @csspart error - Inline error and conflict messages.
 * @csspart confirmation - The confirmation screen.
 * @csspart skeleton - Loading placeholders.
 *
 * @cssprop --slotkit-color-bg - Background.
 * @cssprop --slotkit-color-surface - Background of summaries.
 * @cssprop --slotkit-color-text - Text.
 * @cssprop --slotkit-color-muted - Secondary text and day numbers without slots.
 * @cssprop --slotkit-color-border - Borders.
 * @cssprop --slotkit-color-accent - Primary buttons, selected day, time buttons.
 * @cssprop --slotkit-color-accent-contrast - Text on the accent colour.
 * @cssprop --slotkit-color-accent-soft - Bookable days.
 * @cssprop --slotkit-color-accent-soft-text - Text on bookable days and links.
 * @cssprop --slotkit-color-danger - Errors.
 * @cssprop --slotkit-color-danger-soft - Error message background.
 * @cssprop --slotkit-color-success - The confirmation's tick.
 * @cssprop --slotkit-color-focus - Focus rings.
 * @cssprop --slotkit-color-skeleton - Loading placeholders.
 * @cssprop --slotkit-radius - Corner radius of the box (controls use a fraction).
 * @cssprop --slotkit-font-family - Font.
 * @cssprop --slotkit-font-size - Base font size.
 * @cssprop --slotkit-spacing - Base gap.
 */
export class ScheduleWidget extends LitElement {
  static override styles = [themeStyles, widgetStyles]

  /** The Slotkit server, e.g. `https://slots.example.com` (ignored when `client` is set). */
  declare baseUrl: string
  /** The meeting type's id (in reschedule and cancel modes the booking's own is used when this is empty). */
  declare meetingType: string
  /** `book` (default), `reschedule` or `cancel`. */
  declare mode: ScheduleWidgetMode
  /** The booking to reschedule or cancel (from the invitee's link). */
  declare bookingId: string
  /** The invitee's token from `cancel_url` / `reschedule_url`. */
  declare token: string
  /** BCP 47 locale for dates, times and UI strings. Default: the nearest `lang`, then the browser's. */
  declare locale: string
  /** The invitee's IANA zone. Default: detected from the browser; the invitee can switch it. */
  declare timeZone: string
  /** `true` for a 12-hour clock, `false` for 24 hours; default: the locale's. */
  declare hour12: boolean | undefined
  /** First column of the calendar: 0 = Sunday … 6 = Saturday. Default: the locale's. */
  declare firstDayOfWeek: number | undefined
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  declare theme: ScheduleWidgetTheme
  /** A `@slotkit/client` instance to use instead of one built from `base-url`. */
  declare client: SlotkitClient | undefined
  /** Advanced: the narrow port the widget calls (see `WidgetApi`), e.g. for tests or a custom transport. */
  declare api: WidgetApi | undefined
  /** Invitee details to fill the form with. */
  declare prefill: ScheduleWidgetPrefill
  /** Overrides of UI strings for this element (see `registerMessages` for page-wide catalogs). */
  declare messages: Partial<Messages>

  // Reactive properties are declared through `static properties` and `declare`
  // fields (Lit's form without decorators) rather than standard decorators:
  // esbuild lowers each `@property() accessor` to helper calls, and the 35 of
  // them cost 1.4 KB of the self-contained bundle's 25 KB min+gzip budget.
  static override properties = {
    baseUrl: { attribute: 'base-url' },
    meetingType: { attribute: 'meeting-type' },
    mode: { reflect: true },
    bookingId: { attribute: 'booking-id' },
    token: {},
    locale: {},
    timeZone: { attribute: 'time-zone' },
    hour12: { converter: optionalBoolean },
    firstDayOfWeek: { attribute: 'first-day-of-week', converter: optionalNumber },
    theme: { reflect: true },
    client: { attribute: false },
    api: { attribute: false },
    prefill: { attribute: false },
    messages: { attribute: false },
    step: { state: true },
    outcome: { state: true },
    meetingTypeData: { state: true },
    booking: { state: true },
    loadError: { state: true },
    month: { state: true },
    focusDate: { state: true },
    selectedDate: { state: true },
    selectedSlot: { state: true },
    chosenZone: { state: true },
    durationMinutes: { state: true },
    zoneOpen: { state: true },
    zoneQuery: { state: true },
    zoneActive: { state: true },
    submitting: { state: true },
    submitError: { state: true },
    conflict: { state: true },
    values: { state: true },
    fieldErrors: { state: true },
    cancelReason: { state: true },
    announcement: { state: true },
  }
  declare private step: Step
  declare private outcome: Outcome
  declare private meetingTypeData: PublicMeetingType | undefined
  declare private booking: Booking | undefined
  declare private loadError: WidgetError | undefined
  declare private month: string
  declare private focusDate: string | undefined
  declare private selectedDate: string | undefined
  declare private selectedSlot: ApiSlot | undefined
  declare private chosenZone: string | undefined
  declare private durationMinutes: number | undefined
  declare private zoneOpen: boolean
  declare private zoneQuery: string
  declare private zoneActive: number
  declare private submitting: boolean
  declare private submitError: WidgetError | undefined
  declare private conflict:
    | { alternatives: readonly ApiSlot[]; reason?: string | undefined }
    | undefined
  declare private values: Record<string, string | boolean>
  declare private fieldErrors: Record<string, string>
  declare private cancelReason: string
  declare private announcement: string

  constructor() {
    super()
    this.baseUrl = ''
    this.meetingType = ''
    this.mode = 'book'
    this.bookingId = ''
    this.token = ''
    this.locale = ''
    this.timeZone = ''
    this.theme = 'auto'
    this.prefill = {}
    this.messages = {}
    this.step = 'loading'
    this.outcome = 'booked'
    this.month = ''
    this.zoneOpen = false
    this.zoneQuery = ''
    this.zoneActive = 0
    this.submitting = false
    this.values = {}
    this.fieldErrors = {}
    this.cancelReason = ''
    this.announcement = ''
  }

  readonly #months = new MonthSlotsController(
    this,
    () => this.#resolvedApi,
    (error) => this.#emitError(error, 'slots'),
  )
  #monthState: MonthSlots | undefined
  #resolvedApi: WidgetApi | undefined
  #run: AbortController | undefined
  #started = false
  #autoAdvance = 0
  #pendingFocus: Focus | undefined

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#run?.abort()
  }

  override connectedCallback(): void {
    super.connectedCallback()
    // Re-attached after a move in the DOM: disconnecting aborted the requests in
    // flight, so reload what was loading (the meeting type, or the month).
    if (this.#started && this.step === 'loading') this.#start()
    else if (this.#started) this.requestUpdate()
  }

  /** Starts over: reloads the meeting type (and booking) and shows the first step. */
  reset(): void {
    this.#start()
  }

  // ---- derived values -------------------------------------------------------

  get #resolvedLocale(): string {
    const fromDom = this.closest('[lang]')?.getAttribute('lang')
    return (
      this.locale ||
      fromDom ||
      (typeof navigator === 'undefined' ? 'en' : navigator.language) ||
      'en'
    )
  }

  get #t(): Messages {
    return { ...resolveMessages(this.#resolvedLocale), ...this.messages }
  }

  /** The zone times are shown in: the invitee's choice, the `time-zone` attribute, or the browser's. */
  get effectiveTimeZone(): string {
    const zone = this.chosenZone ?? this.timeZone
    return zone && isValidTimeZone(zone) ? zone : detectTimeZone()
  }

  get #weekStart(): number {
    const n = this.firstDayOfWeek
    return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 6
      ? n
      : firstDayOfWeekFor(this.#resolvedLocale)
  }

  get #timeOptions() {
    return {
      timeZone: this.effectiveTimeZone,
      locale: this.#resolvedLocale,
      ...(this.hour12 === undefined ? {} : { hour12: this.hour12 }),
    }
  }

  get #today(): string {
    return localDateOf(Date.now(), this.effectiveTimeZone)
  }

  get #duration(): number {
    return this.durationMinutes ?? this.meetingTypeData?.duration_minutes ?? 30
  }

  #monthQuery(month = this.month): MonthQuery | undefined {
    const mt = this.meetingTypeData
    if (!mt || !month) return undefined
    return {
      meetingTypeId: mt.id,
      month,
      timeZone: this.effectiveTimeZone,
      durationMinutes: this.#duration === mt.duration_minutes ? undefined : this.#duration,
    }
  }

  /** The last month worth showing: the fixed window's end, or today plus the rolling horizon. */
  get #lastMonth(): string {
    const mt = this.meetingTypeData
    if (mt?.date_range) return monthOf(addDays(mt.date_range.end_date, 1))
    return monthOf(addDays(this.#today, (mt?.max_days_ahead ?? 60) + 1))
  }

  get #firstMonth(): string {
    const mt = this.meetingTypeData
    const start =
      mt?.date_range && mt.date_range.start_date > this.#today
        ? mt.date_range.start_date
        : this.#today
    return monthOf(addDays(start, -1))
  }

  // ---- lifecycle -----------------------------------------------------------

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.#started || RESTART_ON.some((key) => changed.has(key))) this.#start()
    if (changed.has('timeZone')) this.chosenZone = undefined
    if (this.step === 'calendar') this.#loadMonth()
  }

  protected override updated(): void {
    const focus = this.#pendingFocus
    if (!focus) return
    this.#pendingFocus = undefined
    const root = this.renderRoot as ShadowRoot
    const target =
      focus === 'heading'
        ? root.querySelector<HTMLElement>('[data-focus-heading]')
        : focus === 'day'
          ? root.querySelector<HTMLElement>('button.day[tabindex="0"]')
          : focus === 'conflict'
            ? (root.querySelector<HTMLElement>('[data-suggest]') ??
              root.querySelector<HTMLElement>('.alert'))
            : focus === 'alert'
              ? root.querySelector<HTMLElement>('.alert')
              : focus === 'zone-toggle'
                ? root.querySelector<HTMLElement>('.zone-toggle')
                : focus === 'zone-input'
                  ? root.querySelector<HTMLElement>('.zone-panel input')
                  : root.getElementById(focus.slice('field:'.length))
    target?.focus()
  }

  #loadMonth(): void {
    let query = this.#monthQuery()
    if (!query) return
    this.#monthState = this.#months.get(query)
    // The rest of a month can be empty (the 29th, or min notice): skip ahead
    // on the first load, at most three months, rather than open on a blank month.
    while (
      this.#autoAdvance > 0 &&
      this.#monthState.status === 'ready' &&
      this.#monthState.days.size === 0 &&
      this.month < this.#lastMonth
    ) {
      this.#autoAdvance--
      this.month = addMonths(this.month, 1)
      this.focusDate = undefined
      query = this.#monthQuery()!
      this.#monthState = this.#months.get(query)
    }
    if (this.#monthState.status === 'ready' && this.#monthState.days.size > 0) this.#autoAdvance = 0
  }

  #start(): void {
    this.#started = true
    this.#run?.abort()
    this.#months.invalidate()
    const api =
      this.api ??
      (this.client ? fromClient(this.client) : undefined) ??
      (this.baseUrl
        ? // A relative base-url ("/") means the page's own server.
          fromClient(
            createClient({
              baseUrl: new URL(this.baseUrl, document.baseURI).href.replace(/\/$/, ''),
            }),
          )
        : undefined)
    this.#resolvedApi = api
    this.step = 'loading'
    this.loadError = undefined
    this.booking = undefined
    this.conflict = undefined
    this.submitError = undefined
    this.selectedDate = undefined
    this.selectedSlot = undefined
    this.focusDate = undefined
    this.durationMinutes = undefined
    this.#autoAdvance = 3
    // Not configured yet (attributes still coming): keep the skeleton.
    if (!api) return
    if (this.mode === 'book' && !this.meetingType) return
    if (this.mode !== 'book' && (!this.bookingId || !this.token)) {
      this.#fail(
        { code: 'VALIDATION_FAILED', message: this.#t.missingBooking, status: 0, alternatives: [] },
        'load',
      )
      return
    }
    const run = new AbortController()
    this.#run = run
    void this.#load(api, run.signal)
  }

  async #load(api: WidgetApi, signal: AbortSignal): Promise<void> {
    try {
      let booking: Booking | undefined
      if (this.mode !== 'book') {
        booking = await api.getBooking(this.bookingId, this.token, signal)
      }
      const meetingTypeId = booking?.meeting_type_id ?? this.meetingType
      const meetingType = await api
        .getMeetingType(meetingTypeId, signal)
        .catch((error: unknown) => {
          // Cancelling needs only the booking: a deactivated meeting type must not block it.
          if (this.mode === 'cancel' && !signal.aborted) return undefined
          throw error
        })
      if (signal.aborted) return
      this.booking = booking
      this.meetingTypeData = meetingType
      this.durationMinutes = booking?.duration_minutes ?? meetingType?.duration_minutes
      // A fixed booking window that starts later opens on its first month.
      const opens = meetingType?.date_range?.start_date
      this.month = monthOf(opens && opens > this.#today ? opens : this.#today)
      this.step =
        booking && booking.status !== 'confirmed'
          ? 'inactive'
          : this.mode === 'cancel'
            ? 'cancel'
            : 'calendar'
      this.#emit('schedule-ready', { mode: this.mode, meetingType, booking })
    } catch (error) {
      if (signal.aborted) return
      this.#fail(toWidgetError(error), 'load')
    }
  }

  #fail(error: WidgetError, during: ScheduleErrorDetail['during']): void {
    this.loadError = error
    this.step = 'load-error'
    this.#emitError(error, during)
  }

  #emit<K extends keyof ScheduleWidgetEventMap>(
    type: K,
    detail: ScheduleWidgetEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
  }

  #emitError(error: WidgetError, during: ScheduleErrorDetail['during']): void {
    this.#emit('schedule-error', { code: error.code, message: error.message, during })
  }

  // ---- interactions --------------------------------------------------------

  #goToMonth(month: string, focus?: string): void {
    this.month = month
    this.focusDate = focus
    this.#autoAdvance = 0
    this.announcement = formatMonth(month, this.#resolvedLocale)
  }

  #selectDate(date: string): void {
    this.selectedDate = date
    this.focusDate = date
    this.#autoAdvance = 0
    const slots = this.#monthState?.days.get(date) ?? []
    this.announcement = translate(this.#t.timesFor, {
      count: slots.length,
      date: formatDateHeading(date, this.#resolvedLocale, { year: false }),
    })
    this.#emit('schedule-date-selected', {
      date,
      timeZone: this.effectiveTimeZone,
      slotCount: slots.length,
    })
  }

  #onGridKey(event: KeyboardEvent): void {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-date]')
    const date = target?.dataset.date
    if (!date) return
    const next = nextFocusDate(event.key, date, this.#weekStart, event.shiftKey)
    if (!next) return
    event.preventDefault()
    const nextMonth = monthOf(next)
    if (nextMonth < this.#firstMonth || nextMonth > this.#lastMonth) return
    if (nextMonth !== this.month) this.#goToMonth(nextMonth, next)
    else this.focusDate = next
    this.#pendingFocus = 'day'
  }

  #pickSlot(slot: ApiSlot): void {
    this.selectedSlot = slot
    this.selectedDate = localDateOf(slot.start, this.effectiveTimeZone)
    this.submitError = undefined
    this.step = 'details'
    this.#pendingFocus = 'heading'
    this.#emit('schedule-slot-selected', {
      slot: { start: slot.start, end: slot.end },
      timeZone: this.effectiveTimeZone,
      durationMinutes: this.#duration,
    })
  }

  #backToCalendar(): void {
    this.step = 'calendar'
    this.submitError = undefined
    this.#pendingFocus = 'day'
    if (this.selectedDate) {
      this.month = monthOf(this.selectedDate)
      this.focusDate = this.selectedDate
    }
  }

  #chooseDuration(minutes: number): void {
    if (minutes === this.#duration) return
    this.durationMinutes = minutes
    this.conflict = undefined
  }

  #chooseZone(zone: string): void {
    this.chosenZone = zone
    this.zoneOpen = false
    this.zoneQuery = ''
    this.conflict = undefined
    this.#pendingFocus = 'zone-toggle'
    this.announcement = `${this.#t.timeZone}: ${zone.replace(/_/g, ' ')}`
  }

  get #zoneOptions(): string[] {
    return filterTimeZones(listTimeZones(), this.zoneQuery).slice(0, MAX_ZONE_OPTIONS)
  }

  #onZoneKey(event: KeyboardEvent): void {
    const options = this.#zoneOptions
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const delta = event.key === 'ArrowDown' ? 1 : -1
      this.zoneActive = Math.max(0, Math.min(options.length - 1, this.zoneActive + delta))
      this.updateComplete.then(() =>
        this.renderRoot
          .querySelector('[role="option"][data-active]')
          ?.scrollIntoView({ block: 'nearest' }),
      )
    } else if (event.key === 'Enter') {
      event.preventDefault()
      const zone = options[this.zoneActive]
      if (zone) this.#chooseZone(zone)
    } else if (event.key === 'Escape') {
      event.preventDefault()
      this.zoneOpen = false
      this.#pendingFocus = 'zone-toggle'
    }
  }

  #onInput(event: Event): void {
    const el = event.target as HTMLInputElement
    const key = el.dataset.key
    if (!key) return
    this.values = { ...this.values, [key]: el.type === 'checkbox' ? el.checked : el.value }
    if (this.fieldErrors[key]) {
      const { [key]: _, ...rest } = this.fieldErrors
      this.fieldErrors = rest
    }
  }

  #value(key: string): string | boolean | undefined {
    if (key in this.values) return this.values[key]
    if (key === 'name') return this.prefill.name
    if (key === 'email') return this.prefill.email
    return this.prefill.answers?.[key.slice(2)]
  }

  #validate(questions: readonly Question[]): Record<string, string> {
    const t = this.#t
    const errors: Record<string, string> = {}
    const text = (key: string) => String(this.#value(key) ?? '').trim()
    if (!text('name')) errors.name = t.fieldRequired
    if (!text('email')) errors.email = t.fieldRequired
    else if (!EMAIL.test(text('email'))) errors.email = t.invalidEmail
    for (const q of questions) {
      const key = `q-${q.id}`
      if (q.required && (q.type === 'checkbox' ? this.#value(key) !== true : !text(key))) {
        errors[key] = t.fieldRequired
      }
    }
    return errors
  }

  async #submitBooking(event: Event): Promise<void> {
    event.preventDefault()
    const mt = this.meetingTypeData
    const slot = this.selectedSlot
    const api = this.#resolvedApi
    if (!mt || !slot || !api || this.submitting) return
    const errors = this.#validate(mt.questions)
    this.fieldErrors = errors
    const firstInvalid = Object.keys(errors)[0]
    if (firstInvalid) {
      this.#pendingFocus = `field:${firstInvalid}`
      return
    }
    const answers: Record<string, string | boolean> = {}
    for (const q of mt.questions) {
      const v = this.#value(`q-${q.id}`)
      if (q.type === 'checkbox') answers[q.id] = v === true
      else if (typeof v === 'string' && v.trim()) answers[q.id] = v.trim()
    }
    const body: CreateBookingBody = {
      meeting_type_id: mt.id,
      start_time: slot.start,
      invitee_name: String(this.#value('name')).trim(),
      invitee_email: String(this.#value('email')).trim(),
      invitee_timezone: this.effectiveTimeZone,
      ...(this.#duration === mt.duration_minutes ? {} : { duration_minutes: this.#duration }),
      ...(mt.questions.length > 0 ? { answers } : {}),
    }
    await this.#submit((signal) => api.createBooking(body, signal), 'booked')
  }

  async #submitReschedule(): Promise<void> {
    const slot = this.selectedSlot
    const api = this.#resolvedApi
    if (!slot || !api || this.submitting) return
    await this.#submit(
      (signal) => api.rescheduleBooking(this.bookingId, this.token, slot.start, signal),
      'rescheduled',
    )
  }

  async #submitCancel(event: Event): Promise<void> {
    event.preventDefault()
    const api = this.#resolvedApi
    if (!api || this.submitting) return
    const reason = this.cancelReason.trim() || undefined
    await this.#submit(
      (signal) => api.cancelBooking(this.bookingId, this.token, reason, signal),
      'cancelled',
    )
  }

  async #submit(call: (signal: AbortSignal) => Promise<Booking>, outcome: Outcome): Promise<void> {
    const signal = this.#run?.signal ?? new AbortController().signal
    this.submitting = true
    this.submitError = undefined
    try {
      const booking = await call(signal)
      if (signal.aborted) return
      this.booking = booking
      this.outcome = outcome
      this.conflict = undefined
      this.step = 'done'
      this.#pendingFocus = 'heading'
      this.#emit(`schedule-${outcome}`, { booking })
    } catch (error) {
      if (signal.aborted) return
      const e = toWidgetError(error)
      this.#emitError(e, 'submit')
      if (e.code === 'SLOT_UNAVAILABLE' && this.selectedSlot)
        this.#showConflict(e, this.selectedSlot)
      else {
        this.submitError = e
        this.#pendingFocus = 'alert'
      }
    } finally {
      this.submitting = false
    }
  }

  /** A 409: back to the times, freshly loaded, with the server's next open slot offered. */
  #showConflict(error: WidgetError, slot: ApiSlot): void {
    const date = localDateOf(slot.start, this.effectiveTimeZone)
    this.conflict = { alternatives: error.alternatives, reason: error.reason }
    this.selectedSlot = undefined
    this.selectedDate = date
    this.month = monthOf(date)
    this.focusDate = date
    this.#autoAdvance = 0
    this.step = 'calendar'
    const query = this.#monthQuery()
    if (query) this.#monthState = this.#months.reload(query)
    this.#pendingFocus = 'conflict'
  }

  // ---- rendering -----------------------------------------------------------

  protected override render(): TemplateResult {
    const t = this.#t
    return html`<section
      class="root"
      part="root"
      lang=${this.#resolvedLocale}
      aria-label=${this.meetingTypeData?.name ?? t.widgetLabel}
      aria-busy=${this.step === 'loading' ? 'true' : 'false'}
    >
      ${this.#renderStep()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    </section>`
  }

  #renderStep(): TemplateResult {
    switch (this.step) {
      case 'loading':
        return this.#renderSkeleton()
      case 'load-error':
        return this.#renderLoadError()
      case 'inactive':
        return html`${this.#renderHeader()}
          <h2 tabindex="-1" data-focus-heading part="title">${this.#t.notActive}</h2>
          ${this.#renderBookingSummary()}`
      case 'calendar':
        return this.#renderCalendarStep()
      case 'details':
        return this.#renderDetailsStep()
      case 'cancel':
        return this.#renderCancelStep()
      case 'done':
        return this.#renderDone()
    }
  }

  #renderSkeleton(): TemplateResult {
    return html`<div part="skeleton">
      <span class="visually-hidden">${this.#t.loading}</span>
      <span class="skeleton sk-title"></span>
      <div class="layout">
        <div><span class="skeleton sk-line"></span><span class="skeleton sk-grid"></span></div>
        <div>
          <span class="skeleton sk-line"></span>
          ${[0, 1, 2, 3, 4].map(() => html`<span class="skeleton sk-slot"></span>`)}
        </div>
      </div>
    </div>`
  }

  #renderLoadError(): TemplateResult {
    const t = this.#t
    return html`<div class="alert" role="alert" part="error" tabindex="-1">
      <p><strong>${t.loadError}</strong></p>
      <p>${this.loadError?.message}</p>
      <button type="button" part="button" @click=${() => this.#retryLoad()}>${t.retry}</button>
    </div>`
  }

  #retryLoad(): void {
    this.#start()
    this.#pendingFocus = 'heading'
  }

  #renderHeader(): TemplateResult {
    const mt = this.meetingTypeData
    if (!mt) return html``
    return html`<header class="header" part="header">
      <h2>${mt.name}</h2>
      <span class="muted">${translate(this.#t.minutes, { n: this.#duration })} · ${mt.host.name}</span>
    </header>`
  }

  #renderCalendarStep(): TemplateResult {
    const t = this.#t
    const mt = this.meetingTypeData!
    const zone = this.effectiveTimeZone
    const state = this.#monthState
    // A failed month shows plain days (the error and its retry are beside it), not skeletons.
    const available = state && state.status !== 'loading' ? new Set(state.days.keys()) : undefined
    const focusDate =
      this.focusDate && monthOf(this.focusDate) === this.month
        ? this.focusDate
        : initialFocusDate(this.month, {
            selected: this.selectedDate,
            today: this.#today,
            available,
          })
    const options = [mt.duration_minutes, ...mt.duration_options_minutes]
      .filter((v, i, all) => all.indexOf(v) === i)
      .sort((a, b) => a - b)
    return html`${this.#renderHeader()}
      ${
        this.mode === 'reschedule' && this.booking
          ? html`<p class="summary">
            ${translate(t.currentBooking, {
              time: formatSlotDateTime(this.booking.start_time, {
                ...this.#timeOptions,
                timeZoneName: false,
              }),
            })}
          </p>`
          : nothing
      }
      ${this.#renderConflict()}
      ${
        options.length > 1 && this.mode === 'book'
          ? html`<div class="durations row" role="group" aria-label=${t.duration}>
            ${options.map(
              (m) =>
                html`<button
                  type="button"
                  part="button"
                  aria-pressed=${m === this.#duration ? 'true' : 'false'}
                  @click=${() => this.#chooseDuration(m)}
                >
                  ${translate(t.minutes, { n: m })}
                </button>`,
            )}
          </div>`
          : nothing
      }
      <div class="layout">
        <div part="calendar">
          <h2 class="visually-hidden" tabindex="-1" data-focus-heading>
            ${this.mode === 'reschedule' ? t.rescheduleTitle : t.chooseDate}
          </h2>
          <div class="cal-nav">
            <button
              type="button"
              part="button"
              aria-label=${t.previousMonth}
              ?disabled=${this.month <= this.#firstMonth}
              @click=${() => this.#goToMonth(addMonths(this.month, -1))}
            >
              ‹
            </button>
            <h3 id="month-title">${formatMonth(this.month, this.#resolvedLocale)}</h3>
            <button
              type="button"
              part="button"
              aria-label=${t.nextMonth}
              ?disabled=${this.month >= this.#lastMonth}
              @click=${() => this.#goToMonth(addMonths(this.month, 1))}
            >
              ›
            </button>
          </div>
          ${renderCalendarGrid({
            month: this.month,
            firstDayOfWeek: this.#weekStart,
            weekdaysShort: weekdayNames(this.#resolvedLocale, this.#weekStart, 'short'),
            weekdaysLong: weekdayNames(this.#resolvedLocale, this.#weekStart, 'long'),
            focusDate,
            selectedDate: this.selectedDate,
            available,
            today: this.#today,
            dayLabel: (date) => formatDateHeading(date, this.#resolvedLocale),
            availableLabel: t.available,
            gridLabel: `${t.chooseDate}, ${formatMonth(this.month, this.#resolvedLocale)}`,
            onSelect: (date) => this.#selectDate(date),
            onKey: (event) => this.#onGridKey(event),
          })}
          ${renderZonePicker({
            idPrefix: 'sk',
            timeZone: zone,
            toggleLabel: `${t.timeZone}: ${zone.replace(/_/g, ' ')} (${zoneOffsetLabel(Date.now(), zone)})`,
            open: this.zoneOpen,
            query: this.zoneQuery,
            options: this.#zoneOptions,
            activeIndex: this.zoneActive,
            searchLabel: t.searchTimeZone,
            emptyLabel: t.noZoneMatch,
            offsetOf: (z) => zoneOffsetLabel(Date.now(), z),
            onToggle: () => {
              this.zoneOpen = !this.zoneOpen
              this.zoneQuery = ''
              this.zoneActive = Math.max(0, this.#zoneOptions.indexOf(zone))
              if (this.zoneOpen) this.#pendingFocus = 'zone-input'
            },
            onInput: (event) => {
              this.zoneQuery = (event.target as HTMLInputElement).value
              this.zoneActive = 0
            },
            onKey: (event) => this.#onZoneKey(event),
            onChoose: (z) => this.#chooseZone(z),
          })}
        </div>
        ${this.#renderSlots(state)}
      </div>`
  }

  #renderConflict(): TemplateResult | typeof nothing {
    const conflict = this.conflict
    if (!conflict) return nothing
    const t = this.#t
    const next = conflict.alternatives[0]
    return html`<div class="alert" role="alert" part="error" tabindex="-1">
      <p>${conflict.reason === 'CONFLICT' || !conflict.reason ? t.slotTaken : t.slotRefused}</p>
      ${
        next
          ? html`<button
            type="button"
            class="primary"
            part="button button-primary"
            data-suggest
            @click=${() => this.#pickSlot(next)}
          >
            ${translate(t.suggested, {
              time: formatSlotDateTime(next.start, { ...this.#timeOptions, timeZoneName: false }),
            })}
          </button>`
          : nothing
      }
    </div>`
  }

  #renderSlots(state: MonthSlots | undefined): TemplateResult {
    const t = this.#t
    const date = this.selectedDate
    const heading = date
      ? formatDateHeading(date, this.#resolvedLocale, { year: false })
      : t.chooseTime
    let body: TemplateResult
    if (!state || state.status === 'loading') {
      body = html`<div part="skeleton" aria-hidden="true">
        ${[0, 1, 2, 3].map(() => html`<span class="skeleton sk-slot"></span>`)}
      </div>`
    } else if (state.status === 'error') {
      body = html`<div class="alert" role="alert" part="error">
        <p>${t.slotsError}</p>
        <button
          type="button"
          part="button"
          @click=${() => {
            const q = this.#monthQuery()
            if (q) this.#monthState = this.#months.reload(q)
            this.requestUpdate()
          }}
        >
          ${t.retry}
        </button>
      </div>`
    } else if (state.days.size === 0) {
      body = html`<p class="muted">
          ${translate(t.noTimesInMonth, { month: formatMonth(this.month, this.#resolvedLocale) })}
        </p>
        ${
          this.month < this.#lastMonth
            ? html`<button type="button" part="button" @click=${() => this.#goToMonth(addMonths(this.month, 1))}>
              ${t.nextMonth}
            </button>`
            : nothing
        }`
    } else if (!date || monthOf(date) !== this.month) {
      body = html`<p class="muted">${t.pickDay}</p>`
    } else {
      const slots = state.days.get(date) ?? []
      const suggested = this.conflict?.alternatives[0]?.start
      body =
        slots.length === 0
          ? html`<p class="muted">${t.noTimesForDay}</p>`
          : html`<ul class="slot-list" role="list" aria-labelledby="slots-title">
              ${slots.map((slot) => {
                const isSuggested =
                  suggested !== undefined && Date.parse(suggested) === Date.parse(slot.start)
                return html`<li>
                  <button
                    type="button"
                    class="slot"
                    part=${isSuggested ? 'slot slot-suggested' : 'slot'}
                    ?data-suggested=${isSuggested}
                    data-start=${slot.start}
                    @click=${() => this.#pickSlot(slot)}
                  >
                    ${formatSlotTime(slot.start, this.#timeOptions)}
                  </button>
                </li>`
              })}
            </ul>`
    }
    return html`<div class="slots" part="slots" aria-busy=${state?.status === 'loading' ? 'true' : 'false'}>
      <h3 id="slots-title">${heading}</h3>
      ${body}
    </div>`
  }

  #renderSlotSummary(slot: ApiSlot): TemplateResult {
    const end = slot.end
    const lines = formatInBothZones({
      startsAt: slot.start,
      endsAt: end,
      inviteeTimeZone: this.effectiveTimeZone,
      hostTimeZone: this.meetingTypeData?.host.time_zone ?? this.effectiveTimeZone,
      locale: this.#resolvedLocale,
      ...(this.hour12 === undefined ? {} : { hour12: this.hour12 }),
    })
    return html`<div class="summary">
      <p><strong>${lines.invitee}</strong></p>
      <p class="muted">${this.effectiveTimeZone.replace(/_/g, ' ')}</p>
    </div>`
  }

  #renderDetailsStep(): TemplateResult {
    const t = this.#t
    const mt = this.meetingTypeData!
    const slot = this.selectedSlot!
    const back = html`<button type="button" class="link" part="button" @click=${() => this.#backToCalendar()}>
      ← ${t.back}
    </button>`
    if (this.mode === 'reschedule') {
      const time = formatSlotDateTime(slot.start, { ...this.#timeOptions, timeZoneName: false })
      return html`${this.#renderHeader()} ${back}
        <h2 tabindex="-1" data-focus-heading part="title">${t.rescheduleTitle}</h2>
        ${
          this.booking
            ? html`<p class="muted">
              ${translate(t.currentBooking, {
                time: formatSlotDateTime(this.booking.start_time, {
                  ...this.#timeOptions,
                  timeZoneName: false,
                }),
              })}
            </p>`
            : nothing
        }
        ${this.#renderSlotSummary(slot)} ${this.#renderSubmitError()}
        <button
          type="button"
          class="primary"
          part="button button-primary"
          ?disabled=${this.submitting}
          @click=${() => this.#submitReschedule()}
        >
          ${this.submitting ? t.rescheduling : translate(t.rescheduleConfirm, { time })}
        </button>`
    }
    return html`${this.#renderHeader()} ${back}
      <h2 tabindex="-1" data-focus-heading part="title">${t.yourDetails}</h2>
      ${this.#renderSlotSummary(slot)} ${this.#renderSubmitError()}
      <form part="form" novalidate @submit=${this.#submitBooking} @input=${this.#onInput} @change=${this.#onInput}>
        ${renderInputField({
          key: 'name',
          label: t.name,
          type: 'text',
          required: true,
          value: this.#value('name'),
          error: this.fieldErrors.name,
          autocomplete: 'name',
          maxLength: 200,
        })}
        ${renderInputField({
          key: 'email',
          label: t.email,
          type: 'email',
          required: true,
          value: this.#value('email'),
          error: this.fieldErrors.email,
          autocomplete: 'email',
          maxLength: 254,
        })}
        ${mt.questions.map((q: Question) =>
          renderQuestionField(q, this.#value(`q-${q.id}`), this.fieldErrors[`q-${q.id}`]),
        )}
        <div>
          <button type="submit" class="primary" part="button button-primary" ?disabled=${this.submitting}>
            ${this.submitting ? t.scheduling : t.confirm}
          </button>
        </div>
      </form>`
  }

  #renderSubmitError(): TemplateResult | typeof nothing {
    const e = this.submitError
    if (!e) return nothing
    const t = this.#t
    return html`<div class="alert" role="alert" part="error" tabindex="-1">
      <p><strong>${e.code === 'BOOKING_NOT_ACTIVE' ? t.notActive : t.submitError}</strong></p>
      <p>${e.message}</p>
      <p class="muted">${e.code}</p>
    </div>`
  }

  #renderBookingSummary(): TemplateResult | typeof nothing {
    const b = this.booking
    if (!b) return nothing
    const t = this.#t
    const hostZone = this.meetingTypeData?.host.time_zone
    const lines = formatInBothZones({
      startsAt: b.start_time,
      endsAt: b.end_time,
      inviteeTimeZone: this.effectiveTimeZone,
      hostTimeZone: hostZone ?? this.effectiveTimeZone,
      locale: this.#resolvedLocale,
      ...(this.hour12 === undefined ? {} : { hour12: this.hour12 }),
    })
    return html`<dl>
      ${
        this.meetingTypeData
          ? html`<dt>${t.event}</dt>
            <dd>${this.meetingTypeData.name}</dd>`
          : nothing
      }
      <dt>${translate(t.yourTime, { zone: this.effectiveTimeZone.replace(/_/g, ' ') })}</dt>
      <dd>${lines.invitee}</dd>
      ${
        hostZone && hostZone !== this.effectiveTimeZone
          ? html`<dt>${translate(t.hostTime, { zone: hostZone.replace(/_/g, ' ') })}</dt>
            <dd>${lines.host}</dd>`
          : nothing
      }
    </dl>`
  }

  #renderCancelStep(): TemplateResult {
    const t = this.#t
    return html`${this.#renderHeader()}
      <h2 tabindex="-1" data-focus-heading part="title">${t.cancelTitle}</h2>
      ${this.#renderBookingSummary()} ${this.#renderSubmitError()}
      <form part="form" @submit=${this.#submitCancel}>
        <div part="field">
          <label for="cancel-reason" part="label">${t.cancelReason}</label>
          <textarea
            id="cancel-reason"
            part="input"
            rows="3"
            maxlength="1000"
            .value=${this.cancelReason}
            @input=${(e: Event) => {
              this.cancelReason = (e.target as HTMLTextAreaElement).value
            }}
          ></textarea>
        </div>
        <div>
          <button type="submit" class="primary" part="button button-primary" ?disabled=${this.submitting}>
            ${this.submitting ? t.cancelling : t.cancelConfirm}
          </button>
        </div>
      </form>`
  }

  #renderDone(): TemplateResult {
    const t = this.#t
    const b = this.booking!
    const title =
      this.outcome === 'booked'
        ? t.booked
        : this.outcome === 'rescheduled'
          ? t.rescheduled
          : t.cancelled
    const mt = this.meetingTypeData
    const event: CalendarEvent = {
      id: b.id,
      title: mt ? `${mt.name} (${mt.host.name})` : t.widgetLabel,
      startsAt: b.start_time,
      endsAt: b.end_time,
      description: [
        b.reschedule_url && `${t.manageReschedule}: ${b.reschedule_url}`,
        b.cancel_url && `${t.manageCancel}: ${b.cancel_url}`,
      ]
        .filter(Boolean)
        .join('\n'),
    }
    return html`<div part="confirmation">
      ${this.#renderHeader()}
      <h2 tabindex="-1" data-focus-heading part="title">
        <span class=${this.outcome === 'cancelled' ? 'muted' : 'success'} aria-hidden="true">
          ${this.outcome === 'cancelled' ? '✕' : '✓'}
        </span>
        ${title}
      </h2>
      ${
        this.outcome === 'booked' && b.invitee_email
          ? html`<p>${translate(t.bookedLead, { email: b.invitee_email })}</p>`
          : nothing
      }
      ${this.#renderBookingSummary()}
      ${
        this.outcome === 'cancelled'
          ? nothing
          : html`<h3>${t.addToCalendar}</h3>
            ${renderAddToCalendar({
              event,
              stampedAt: b.created_at ?? b.start_time,
              fileName: mt?.name ?? 'meeting',
              labels: { ics: t.downloadIcs, google: t.google, outlook: t.outlook },
            })}
            ${
              b.reschedule_url || b.cancel_url
                ? html`<p class="row manage">
                  ${
                    b.reschedule_url
                      ? html`<a class="link" part="button" href=${b.reschedule_url}>${t.manageReschedule}</a>`
                      : nothing
                  }
                  ${b.cancel_url ? html`<a class="link" part="button" href=${b.cancel_url}>${t.manageCancel}</a>` : nothing}
                </p>`
                : nothing
            }`
      }
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'schedule-widget': ScheduleWidget
  }
  // Typed `addEventListener('schedule-booked', (e) => e.detail.booking)` on any element.
  interface HTMLElementEventMap extends ScheduleWidgetEventMap {}
}
