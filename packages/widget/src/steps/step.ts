import type { WidgetError } from '../controllers/widget-api'
import type { ApiSlot, Booking } from '../types'

/** How a flow ended. */
export type Outcome = 'booked' | 'rescheduled' | 'cancelled'

/** A 409 `SLOT_UNAVAILABLE`: why, and the server's next open slots. */
export interface Conflict {
  readonly alternatives: readonly ApiSlot[]
  readonly reason?: string | undefined
}

/**
 * Where the flow is, with exactly the data that step needs:
 *
 * - `loading`: the meeting type (and booking) are on their way.
 * - `load-error`: they could not be loaded; a retry starts over.
 * - `inactive`: the invitee's link points at a booking that is no longer confirmed.
 * - `calendar`: a month with the bookable days and the chosen day's times
 *   (`conflict` after a 409, until the zone or duration changes).
 * - `details`: a time is chosen; the form (or, to reschedule, the confirmation).
 * - `cancel`: the booking to cancel, with an optional reason.
 * - `done`: the booking made, moved or cancelled.
 */
export type Step =
  | { readonly kind: 'loading' }
  | { readonly kind: 'load-error'; readonly error: WidgetError }
  | { readonly kind: 'inactive' }
  | {
      readonly kind: 'calendar'
      /** `YYYY-MM` shown. */
      readonly month: string
      /** The day in the grid's tab order, when the invitee moved it. */
      readonly focusDate?: string | undefined
      readonly selectedDate?: string | undefined
      readonly conflict?: Conflict | undefined
    }
  | {
      readonly kind: 'details'
      readonly slot: ApiSlot
      /** The conflict the times showed when the slot was picked: back shows it again. */
      readonly conflict?: Conflict | undefined
      readonly submitting: boolean
      readonly error?: WidgetError | undefined
      /** Messages of invalid fields, keyed by field id. */
      readonly fieldErrors: Readonly<Record<string, string>>
    }
  | {
      readonly kind: 'cancel'
      readonly reason: string
      readonly submitting: boolean
      readonly error?: WidgetError | undefined
    }
  | { readonly kind: 'done'; readonly outcome: Outcome; readonly booking: Booking }

/** A step's `kind`. */
export type StepKind = Step['kind']

/** The step of one kind. */
export type StepOf<K extends StepKind> = Extract<Step, { readonly kind: K }>

/**
 * What can take focus, each as selectors tried in order in the shadow root
 * (the suggested slot of a 409 sits inside its alert, so order matters). A
 * `#id` names a form field.
 */
const FOCUS_SELECTORS = {
  heading: ['[data-focus-heading]'],
  day: ['button.day[tabindex="0"]'],
  conflict: ['[data-suggest]', '.alert'],
  alert: ['.alert'],
  'zone-toggle': ['.zone-toggle'],
  'zone-input': ['.zone-panel input'],
} as const satisfies Record<string, readonly string[]>

/** A focus target: a named place, or `#id` of a form field. */
export type FocusTarget = keyof typeof FOCUS_SELECTORS | `#${string}`

/**
 * Where focus goes when the invitee's action moves the flow into a step of
 * another kind, by that kind (`from` is the step left). Steps reached from
 * `loading` take no focus: an embedded widget must not pull focus away from the
 * page when it loads. Moves inside a step (arrow keys in the grid, the zone
 * list, an invalid field, a failed submit) name their target themselves.
 */
export const FOCUS_ON_ENTER: {
  readonly [K in StepKind]: (step: StepOf<K>, from: Step) => FocusTarget | undefined
} = {
  loading: () => undefined,
  'load-error': () => undefined,
  inactive: () => 'heading',
  // A 409 the invitee has not seen yet: its suggestion. Back from the form: the day.
  calendar: (step, from) =>
    step.conflict && !(from.kind === 'details' && from.conflict === step.conflict)
      ? 'conflict'
      : 'day',
  details: () => 'heading',
  cancel: () => 'heading',
  done: () => 'heading',
}

/** The focus a move from `from` into `to` calls for, if any. */
export function focusOnEnter(to: Step, from: Step): FocusTarget | undefined {
  if (to.kind === from.kind || from.kind === 'loading') return undefined
  return (FOCUS_ON_ENTER[to.kind] as (step: Step, from: Step) => FocusTarget | undefined)(to, from)
}

/** The element `target` names in `root`, if it is rendered. */
export function findFocusTarget(root: ShadowRoot, target: FocusTarget): HTMLElement | null {
  if (target.startsWith('#')) return root.getElementById(target.slice(1))
  for (const selector of FOCUS_SELECTORS[target as keyof typeof FOCUS_SELECTORS]) {
    const element = root.querySelector<HTMLElement>(selector)
    if (element) return element
  }
  return null
}
