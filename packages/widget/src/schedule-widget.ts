import { createInviteeClient, type InviteeClient } from '@slotkit/client'
import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit'
import { nextFocusDate } from './components/calendar-grid'
import { filterTimeZones, MAX_ZONE_OPTIONS } from './components/zone-picker'
import { fromClient } from './controllers/from-client'
import {
  type MonthQuery,
  type MonthSlots,
  MonthSlotsController,
} from './controllers/month-slots-controller'
import { toWidgetError, type WidgetApi, type WidgetError } from './controllers/widget-api'
import type { ScheduleErrorDetail, ScheduleWidgetEventMap } from './events'
import { directionOf, loadLocale, type Messages, resolveMessages, translate } from './i18n/catalog'
import { addDays, addMonths, monthOf } from './i18n/dates'
import {
  canonicalLocale,
  canonicalTimeZone,
  detectTimeZone,
  firstDayOfWeekFor,
  formatDateHeading,
  formatMonth,
  isValidTimeZone,
  localDateOf,
  localeFallbacks,
  supportedTimeZones,
  zoneName,
} from './i18n/format'
import { renderCalendarStep } from './steps/calendar'
import { renderCancelStep } from './steps/cancel'
import { renderDetailsStep } from './steps/details'
import { renderDoneStep } from './steps/done'
import { renderInactiveStep } from './steps/inactive'
import { renderLoadErrorStep } from './steps/load-error'
import { renderLoadingStep } from './steps/loading'
import {
  type Conflict,
  type FocusTarget,
  findFocusTarget,
  focusOnEnter,
  type Outcome,
  type Step,
  type StepOf,
} from './steps/step'
import type {
  ScheduleWidgetMode,
  StepActions,
  StepView,
  TimeOptions,
  ZonePickerState,
} from './steps/view'
import { themeStyles, widgetStyles } from './styles/widget-styles'
import type { ApiSlot, Booking, CreateBookingBody, PublicMeetingType, Question } from './types'

export type { ScheduleWidgetMode } from './steps/view'

/** Light, dark, or follow `prefers-color-scheme` (`auto`, the default). */
export type ScheduleWidgetTheme = 'light' | 'dark' | 'auto'

/** Invitee details to fill the form with. */
export interface ScheduleWidgetPrefill {
  readonly name?: string | undefined
  readonly email?: string | undefined
  /** Answers keyed by question id. */
  readonly answers?: Readonly<Record<string, string | boolean>> | undefined
}

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

const CLOSED_ZONE_PICKER: ZonePickerState = { open: false, query: '', active: 0 }

/** Which render function draws which step. */
const RENDER_STEP: {
  readonly [K in Step['kind']]: (view: StepView, step: StepOf<K>) => TemplateResult
} = {
  loading: renderLoadingStep,
  'load-error': renderLoadErrorStep,
  inactive: renderInactiveStep,
  calendar: renderCalendarStep,
  details: renderDetailsStep,
  cancel: renderCancelStep,
  done: renderDoneStep,
}

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
 * @csspart meeting-link - The join link on the confirmation (Meet, Teams or the location's link).
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
  /**
   * BCP 47 locale for dates, times, UI strings and the reading direction.
   * Default: the nearest `lang`, then the browser's. Languages other than
   * English are fetched when first needed (see `setLocaleLoader`).
   */
  declare locale: string
  /** The invitee's IANA zone. Default: detected from the browser; the invitee can switch it. */
  declare timeZone: string
  /** `true` for a 12-hour clock, `false` for 24 hours; default: the locale's. */
  declare hour12: boolean | undefined
  /** First column of the calendar: 0 = Sunday … 6 = Saturday. Default: the locale's. */
  declare firstDayOfWeek: number | undefined
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  declare theme: ScheduleWidgetTheme
  /** A `@slotkit/client` instance (`createClient` or `createInviteeClient`) to use instead of one built from `base-url`. */
  declare client: InviteeClient | undefined
  /** Advanced: the narrow port the widget calls (see `WidgetApi`), e.g. for tests or a custom transport. */
  declare api: WidgetApi | undefined
  /** Invitee details to fill the form with. */
  declare prefill: ScheduleWidgetPrefill
  /** Overrides of UI strings for this element (see `registerMessages` for page-wide catalogs). */
  declare messages: Partial<Messages>

  // Reactive properties are declared through `static properties` and `declare`
  // fields (Lit's form without decorators) rather than standard decorators:
  // esbuild lowers each `@property() accessor` to helper calls, about 40 bytes
  // apiece of the self-contained bundle's 25 KB min+gzip budget.
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
    meetingTypeData: { state: true },
    booking: { state: true },
    chosenZone: { state: true },
    durationMinutes: { state: true },
    zonePicker: { state: true },
    values: { state: true },
    announcement: { state: true },
  }
  /** Where the flow is, with that step's data (see {@link Step}). */
  declare private step: Step
  declare private meetingTypeData: PublicMeetingType | undefined
  /** In reschedule and cancel modes, the booking from the invitee's link. */
  declare private booking: Booking | undefined
  /** The zone the invitee picked in the widget, over the `time-zone` attribute. */
  declare private chosenZone: string | undefined
  declare private durationMinutes: number | undefined
  declare private zonePicker: ZonePickerState
  /** What the invitee typed: kept across steps, so a 409 loses nothing. */
  declare private values: Record<string, string | boolean>
  /** The polite live region's text. */
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
    this.step = { kind: 'loading' }
    this.zonePicker = CLOSED_ZONE_PICKER
    this.values = {}
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
  #pendingFocus: FocusTarget | undefined
  /** A day whose times are being reloaded (after a 409): announced once they are in. */
  #announceTimesOf: string | undefined
  /** The locale whose catalog was last asked for. */
  #catalogOf: string | undefined

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#run?.abort()
  }

  override connectedCallback(): void {
    super.connectedCallback()
    // Re-attached after a move in the DOM: disconnecting aborted the requests in
    // flight, so reload what was loading (the meeting type, or the month).
    if (this.#started && this.step.kind === 'loading') this.#start()
    else if (this.#started) this.requestUpdate()
  }

  /** Starts over: reloads the meeting type (and booking) and shows the first step. */
  reset(): void {
    this.#start()
  }

  // ---- derived values -------------------------------------------------------

  /** The first well-formed tag of: `locale`, the nearest `lang`, the browser's; else `en`. */
  get #resolvedLocale(): string {
    for (const tag of [
      this.locale,
      this.closest('[lang]')?.getAttribute('lang'),
      navigator.language,
    ]) {
      const canonical = tag && canonicalLocale(tag)
      if (canonical) return canonical
    }
    return 'en'
  }

  get #t(): Messages {
    return { ...resolveMessages(this.#resolvedLocale), ...this.messages }
  }

  /**
   * The zone times are shown in: the invitee's choice, the `time-zone`
   * attribute, or the browser's; always under its current IANA name
   * (`Asia/Kathmandu` where the browser says `Asia/Katmandu`), as shown and sent.
   */
  get effectiveTimeZone(): string {
    const zone = this.chosenZone ?? this.timeZone
    return zone && isValidTimeZone(zone) ? canonicalTimeZone(zone) : detectTimeZone()
  }

  get #weekStart(): number {
    const n = this.firstDayOfWeek
    return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 6
      ? n
      : firstDayOfWeekFor(this.#resolvedLocale)
  }

  get #timeOptions(): TimeOptions {
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

  #monthQuery(month: string): MonthQuery | undefined {
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

  get #zoneOptions(): string[] {
    // Every browser with the CSS this element needs (light-dark(), container
    // queries) lists its zones; one that cannot offers the invitee's own. Core's
    // listTimeZones would bring a 60-zone fallback list into the bundle for that.
    const zones = supportedTimeZones() ?? [this.effectiveTimeZone]
    return filterTimeZones(zones, this.zonePicker.query).slice(0, MAX_ZONE_OPTIONS)
  }

  #value(key: string): string | boolean | undefined {
    if (key in this.values) return this.values[key]
    if (key === 'name') return this.prefill.name
    if (key === 'email') return this.prefill.email
    return this.prefill.answers?.[key.slice(2)]
  }

  // ---- lifecycle -----------------------------------------------------------

  protected override willUpdate(changed: PropertyValues): void {
    // The language's catalog is fetched alongside the meeting type; English shows until it is in.
    const locale = this.#resolvedLocale
    if (locale !== this.#catalogOf) {
      this.#catalogOf = locale
      void loadLocale(locale).then((arrived) => arrived && this.requestUpdate())
    }
    if (!this.#started || RESTART_ON.some((key) => changed.has(key))) this.#start()
    if (changed.has('timeZone')) this.chosenZone = undefined
    if (this.step.kind === 'calendar') this.#loadMonth(this.step)
    const date = this.#announceTimesOf
    if (date && this.#monthState?.status !== 'loading') {
      this.#announceTimesOf = undefined
      // The count of the list as reloaded, not of the one the 409 replaced.
      if (this.#calendar?.selectedDate === date && this.#monthState?.status === 'ready')
        this.#announceTimes(date)
    }
    const from = changed.get('step') as Step | undefined
    if (from) this.#pendingFocus = focusOnEnter(this.step, from) ?? this.#pendingFocus
  }

  protected override updated(): void {
    const focus = this.#pendingFocus
    if (!focus) return
    this.#pendingFocus = undefined
    findFocusTarget(this.renderRoot as ShadowRoot, focus)?.focus()
  }

  #loadMonth(step: StepOf<'calendar'>): void {
    let query = this.#monthQuery(step.month)
    if (!query) return
    this.#monthState = this.#months.get(query)
    // The rest of a month can be empty (the 29th, or min notice): skip ahead
    // on the first load, at most three months, rather than open on a blank month.
    let month = step.month
    while (
      this.#autoAdvance > 0 &&
      this.#monthState.status === 'ready' &&
      this.#monthState.days.size === 0 &&
      month < this.#lastMonth
    ) {
      this.#autoAdvance--
      month = addMonths(month, 1)
      this.step = { ...step, month, focusDate: undefined }
      query = this.#monthQuery(month)!
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
            createInviteeClient({
              baseUrl: new URL(this.baseUrl, document.baseURI).href.replace(/\/$/, ''),
            }),
          )
        : undefined)
    this.#resolvedApi = api
    this.step = { kind: 'loading' }
    this.booking = undefined
    this.durationMinutes = undefined
    this.#autoAdvance = 3
    // Not configured yet (attributes still coming): keep the skeleton.
    if (!api) return
    if (this.mode === 'book' && !this.meetingType) return
    if (this.mode !== 'book' && (!this.bookingId || !this.token)) {
      this.#fail(
        {
          code: 'VALIDATION_FAILED',
          message: this.#t.missingBooking,
          text: 'missingBooking',
          status: 0,
          alternatives: [],
        },
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
      this.step =
        booking && booking.status !== 'confirmed'
          ? { kind: 'inactive' }
          : this.mode === 'cancel'
            ? { kind: 'cancel', reason: '', submitting: false }
            : {
                kind: 'calendar',
                month: monthOf(opens && opens > this.#today ? opens : this.#today),
              }
      this.#emit('schedule-ready', { mode: this.mode, meetingType, booking })
    } catch (error) {
      if (signal.aborted) return
      this.#fail(toWidgetError(error), 'load')
    }
  }

  #fail(error: WidgetError, during: ScheduleErrorDetail['during']): void {
    this.step = { kind: 'load-error', error }
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

  /** The calendar step, when the flow is on it (a click can outlive its step). */
  get #calendar(): StepOf<'calendar'> | undefined {
    return this.step.kind === 'calendar' ? this.step : undefined
  }

  /**
   * The invitee's moves, handed to the step renderers: arrow functions, so they
   * are stable across renders and keep `this`. A move checks that the flow is
   * still on its step (a click can outlive the step that rendered it).
   */
  readonly #actions: StepActions = {
    retryLoad: () => this.#start(),
    goToMonth: (month, focusDate) => {
      const step = this.#calendar
      if (!step) return
      this.step = { ...step, month, focusDate }
      this.#autoAdvance = 0
      this.announcement = formatMonth(month, this.#resolvedLocale)
    },
    selectDate: (date) => {
      const step = this.#calendar
      if (!step) return
      this.step = { ...step, selectedDate: date, focusDate: date }
      this.#autoAdvance = 0
      this.#emit('schedule-date-selected', {
        date,
        timeZone: this.effectiveTimeZone,
        slotCount: this.#announceTimes(date),
      })
    },
    // Arrow keys, Home/End and PageUp/PageDown move the grid's one focusable day.
    gridKey: (event) => {
      const step = this.#calendar
      const date = (event.target as HTMLElement).closest<HTMLElement>('[data-date]')?.dataset.date
      const next =
        date &&
        nextFocusDate(event.key, date, this.#weekStart, {
          shiftKey: event.shiftKey,
          rtl: directionOf(this.#resolvedLocale) === 'rtl',
        })
      if (!step || !next) return
      event.preventDefault()
      const month = monthOf(next)
      if (month < this.#firstMonth || month > this.#lastMonth) return
      if (month !== step.month) this.#actions.goToMonth(month, next)
      else this.step = { ...step, focusDate: next }
      this.#pendingFocus = 'day'
    },
    retrySlots: () => {
      const step = this.#calendar
      const query = step && this.#monthQuery(step.month)
      if (query) this.#monthState = this.#months.reload(query)
      this.requestUpdate()
    },
    chooseDuration: (minutes) => {
      const step = this.#calendar
      if (!step || minutes === this.#duration) return
      this.durationMinutes = minutes
      this.step = { ...step, conflict: undefined }
    },
    toggleZones: () => {
      const open = !this.zonePicker.open
      // The search starts empty: the highlight goes to the current zone in the full list.
      this.zonePicker = { open, query: '', active: 0 }
      const active = Math.max(0, this.#zoneOptions.indexOf(this.effectiveTimeZone))
      this.zonePicker = { open, query: '', active }
      if (open) this.#pendingFocus = 'zone-input'
    },
    searchZones: (event) => {
      this.zonePicker = {
        ...this.zonePicker,
        query: (event.target as HTMLInputElement).value,
        active: 0,
      }
    },
    // The combobox's keys: arrows move the highlight, Enter chooses, Escape closes.
    zoneKey: (event) => {
      const options = this.#zoneOptions
      const picker = this.zonePicker
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const delta = event.key === 'ArrowDown' ? 1 : -1
        this.zonePicker = {
          ...picker,
          active: Math.max(0, Math.min(options.length - 1, picker.active + delta)),
        }
        this.updateComplete.then(() =>
          this.renderRoot
            .querySelector('[role="option"][data-active]')
            ?.scrollIntoView({ block: 'nearest' }),
        )
      } else if (event.key === 'Enter') {
        event.preventDefault()
        const zone = options[picker.active]
        if (zone) this.#actions.chooseZone(zone)
      } else if (event.key === 'Escape') {
        event.preventDefault()
        this.zonePicker = { ...picker, open: false }
        this.#pendingFocus = 'zone-toggle'
      }
    },
    chooseZone: (zone) => {
      this.chosenZone = zone
      this.zonePicker = CLOSED_ZONE_PICKER
      const step = this.#calendar
      if (step) this.step = { ...step, conflict: undefined }
      this.#pendingFocus = 'zone-toggle'
      this.announcement = `${this.#t.timeZone}: ${zoneName(zone)}`
    },
    pickSlot: (slot) => {
      this.step = {
        kind: 'details',
        slot,
        conflict: this.#calendar?.conflict,
        submitting: false,
        fieldErrors: {},
      }
      this.#emit('schedule-slot-selected', {
        slot: { start: slot.start, end: slot.end },
        timeZone: this.effectiveTimeZone,
        durationMinutes: this.#duration,
      })
    },
    back: () => {
      if (this.step.kind !== 'details') return
      const date = localDateOf(this.step.slot.start, this.effectiveTimeZone)
      this.step = {
        kind: 'calendar',
        month: monthOf(date),
        focusDate: date,
        selectedDate: date,
        conflict: this.step.conflict,
      }
    },
    // Typed values are kept on the element (a 409 loses nothing); typing clears the field's error.
    input: (event) => {
      const el = event.target as HTMLInputElement
      const key = el.dataset.key
      if (!key) return
      this.values = { ...this.values, [key]: el.type === 'checkbox' ? el.checked : el.value }
      const step = this.step
      if (step.kind === 'details' && step.fieldErrors[key]) {
        const { [key]: _, ...rest } = step.fieldErrors
        this.step = { ...step, fieldErrors: rest }
      }
    },
    submitBooking: (event) => void this.#submitBooking(event),
    submitReschedule: () => {
      const step = this.step
      const api = this.#resolvedApi
      if (step.kind !== 'details' || !api || step.submitting) return
      void this.#submit(
        (signal) => api.rescheduleBooking(this.bookingId, this.token, step.slot.start, signal),
        'rescheduled',
      )
    },
    cancelReason: (event) => {
      if (this.step.kind === 'cancel')
        this.step = { ...this.step, reason: (event.target as HTMLTextAreaElement).value }
    },
    submitCancel: (event) => {
      event.preventDefault()
      const step = this.step
      const api = this.#resolvedApi
      if (step.kind !== 'cancel' || !api || step.submitting) return
      const reason = step.reason.trim() || undefined
      void this.#submit(
        (signal) => api.cancelBooking(this.bookingId, this.token, reason, signal),
        'cancelled',
      )
    },
  }

  /** Says in the live region how many times `date` has now; returns that number. */
  #announceTimes(date: string): number {
    const count = this.#monthState?.days.get(date)?.length ?? 0
    const locale = this.#resolvedLocale
    this.announcement = translate(
      this.#t.timesFor,
      { count, date: formatDateHeading(date, locale, { year: false }) },
      locale,
    )
    return count
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
    const step = this.step
    const mt = this.meetingTypeData
    const api = this.#resolvedApi
    if (step.kind !== 'details' || !mt || !api || step.submitting) return
    const fieldErrors = this.#validate(mt.questions)
    this.step = { ...step, fieldErrors }
    const firstInvalid = Object.keys(fieldErrors)[0]
    if (firstInvalid) {
      this.#pendingFocus = `#${firstInvalid}`
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
      start_time: step.slot.start,
      invitee_name: String(this.#value('name')).trim(),
      invitee_email: String(this.#value('email')).trim(),
      invitee_timezone: this.effectiveTimeZone,
      ...this.#bookingLocale,
      ...(this.#duration === mt.duration_minutes ? {} : { duration_minutes: this.#duration }),
      ...(mt.questions.length > 0 ? { answers } : {}),
    }
    await this.#submit((signal) => api.createBooking(body, signal), 'booked')
  }

  /**
   * The invitee's language for the booking (their e-mails): the locale without
   * extensions (`fr-CA`, not `fr-CA-u-ca-gregory`), left out past the API's 35
   * characters.
   */
  get #bookingLocale(): { locale?: string } {
    // The first tag of the fallback chain is the locale without its extensions.
    const tag = localeFallbacks(this.#resolvedLocale)[0]!
    return tag.length <= 35 ? { locale: tag } : {}
  }

  /** Runs a submit of the `details` or `cancel` step and moves on with its outcome. */
  async #submit(call: (signal: AbortSignal) => Promise<Booking>, outcome: Outcome): Promise<void> {
    const step = this.step
    if (step.kind !== 'details' && step.kind !== 'cancel') return
    const signal = this.#run?.signal ?? new AbortController().signal
    this.step = { ...step, submitting: true, error: undefined }
    // Back to the same step, enabled again (with what was typed meanwhile).
    const settle = (error?: WidgetError) => {
      const now = this.step
      if (now.kind === 'details' || now.kind === 'cancel')
        this.step = { ...now, submitting: false, error }
    }
    try {
      const booking = await call(signal)
      if (signal.aborted) return settle()
      this.step = { kind: 'done', outcome, booking }
      this.#emit(`schedule-${outcome}`, { booking })
      void this.#awaitMeetingLink(booking, signal)
    } catch (error) {
      if (signal.aborted) return settle()
      const e = toWidgetError(error)
      this.#emitError(e, 'submit')
      if (e.code === 'SLOT_UNAVAILABLE' && step.kind === 'details') this.#showConflict(e, step.slot)
      else {
        settle(e)
        this.#pendingFocus = 'alert'
      }
    }
  }

  /**
   * A Meet or Teams link is made by the host's calendar after the booking: ask
   * for the booking again every 2 s, for half a minute at most, and show the
   * link once it is there (the invitee also gets it by e-mail).
   */
  async #awaitMeetingLink(booking: Booking, signal: AbortSignal): Promise<void> {
    const api = this.#resolvedApi
    const token = booking.cancel_url && new URL(booking.cancel_url).searchParams.get('token')
    const kind = booking.location?.type
    if (!api || !token || (kind !== 'google_meet' && kind !== 'teams')) return
    let b = booking
    for (
      let tries = 0;
      tries < 15 && !b.meeting_url && b.calendar_sync.state === 'pending';
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 2000))
      b = await api.getBooking(b.id, token, signal).catch(() => b)
      const step = this.step
      if (signal.aborted || step.kind !== 'done' || step.booking.id !== b.id) return
      if (b.meeting_url) this.step = { ...step, booking: b }
    }
  }

  /** A 409: back to the times, freshly loaded, with the server's next open slot offered. */
  #showConflict(error: WidgetError, slot: ApiSlot): void {
    const date = localDateOf(slot.start, this.effectiveTimeZone)
    const conflict: Conflict = { alternatives: error.alternatives, reason: error.reason }
    const month = monthOf(date)
    this.step = { kind: 'calendar', month, focusDate: date, selectedDate: date, conflict }
    this.#autoAdvance = 0
    const query = this.#monthQuery(month)
    if (query) this.#monthState = this.#months.reload(query)
    this.#announceTimesOf = date
  }

  // ---- rendering -----------------------------------------------------------

  protected override render(): TemplateResult {
    const t = this.#t
    const step = this.step
    const locale = this.#resolvedLocale
    const view: StepView = {
      ...this.#actions,
      t,
      locale,
      dir: directionOf(locale),
      mode: this.mode,
      timeZone: this.effectiveTimeZone,
      hostTimeZone: this.meetingTypeData && canonicalTimeZone(this.meetingTypeData.host.time_zone),
      time: this.#timeOptions,
      meetingType: this.meetingTypeData,
      booking: this.booking,
      durationMinutes: this.#duration,
      today: this.#today,
      weekStart: this.#weekStart,
      firstMonth: this.#firstMonth,
      lastMonth: this.#lastMonth,
      monthSlots: this.#monthState,
      zonePicker: this.zonePicker,
      zoneOptions: this.#zoneOptions,
      value: (key) => this.#value(key),
    }
    const renderStep = RENDER_STEP[step.kind] as (view: StepView, step: Step) => TemplateResult
    return html`<section
      class="root"
      part="root"
      lang=${view.locale}
      dir=${view.dir}
      aria-label=${this.meetingTypeData?.name ?? t.widgetLabel}
      aria-busy=${step.kind === 'loading' ? 'true' : 'false'}
    >
      ${renderStep(view, step)}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'schedule-widget': ScheduleWidget
  }
  // Typed `addEventListener('schedule-booked', (e) => e.detail.booking)` on any element.
  interface HTMLElementEventMap extends ScheduleWidgetEventMap {}
}
