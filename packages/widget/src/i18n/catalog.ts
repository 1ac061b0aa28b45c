import {
  canonicalLocale,
  catalogChain,
  localeFallbacks,
  TRANSLATED_LOCALES,
  textDirection,
} from '@slotkit/core/format'

/**
 * A message that depends on a count: one form per `Intl.PluralRules` category
 * the language has (English `one`/`other`, Polish `one`/`few`/`many`/`other`,
 * Arabic all six, Japanese and Chinese `other` only). `other` is the fallback.
 */
export interface PluralMessage {
  readonly zero?: string
  readonly one?: string
  readonly two?: string
  readonly few?: string
  readonly many?: string
  readonly other: string
}

/**
 * The widget's UI strings in English, the language built into the bundle and
 * the fallback for every key. Dates, times, weekday and month names and
 * durations come from `Intl` (through `@slotkit/core/format`); only the words
 * around them live here. Placeholders are `{name}`; {@link translate} fills them.
 */
export const en = {
  loading: 'Loading…',
  retry: 'Try again',
  back: 'Back',
  chooseDate: 'Select a date',
  chooseTime: 'Select a time',
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  noTimesInMonth: 'No times available in {month}.',
  timesFor: {
    one: '{count} time available on {date}',
    other: '{count} times available on {date}',
  } as PluralMessage,
  noTimesForDay: 'No times available on this day.',
  pickDay: 'Select a day to see the available times.',
  available: 'available',
  duration: 'Duration',
  timeZone: 'Time zone',
  searchTimeZone: 'Search time zones',
  noZoneMatch: 'No time zone matches.',
  yourDetails: 'Enter your details',
  name: 'Name',
  email: 'E-mail',
  fieldRequired: 'Please fill in this field.',
  invalidEmail: 'Please enter a valid e-mail address.',
  confirm: 'Schedule event',
  scheduling: 'Scheduling…',
  booked: 'You are scheduled',
  bookedLead: 'Booked for {email}.',
  yourTime: 'Your time ({zone})',
  hostTime: "Host's time ({zone})",
  addToCalendar: 'Add to calendar',
  downloadIcs: 'Download .ics',
  google: 'Google Calendar',
  outlook: 'Outlook',
  manageCancel: 'Cancel',
  manageReschedule: 'Reschedule',
  slotTaken: 'Sorry, that time was just taken. Here are the times still open.',
  slotRefused: 'That time can no longer be booked. Please pick another.',
  suggested: 'Next available: {time}',
  loadError: 'We could not load this page.',
  slotsError: 'We could not load the available times.',
  submitError: 'We could not complete your request.',
  errorNotFound: 'This link is invalid or no longer offered.',
  errorNetwork: 'Check your connection, or try again in a moment.',
  errorStarted: 'This meeting has started and can no longer be changed.',
  errorChanged: 'This booking has changed. Please reload the page.',
  rescheduleTitle: 'Pick a new time',
  currentBooking: 'Current booking: {time}',
  rescheduleConfirm: 'Move to {time}',
  rescheduling: 'Rescheduling…',
  rescheduled: 'Your booking was moved',
  cancelTitle: 'Cancel your booking',
  cancelReason: 'Reason (optional)',
  cancelConfirm: 'Cancel booking',
  cancelling: 'Cancelling…',
  cancelled: 'Your booking was cancelled',
  notActive: 'This booking is no longer active.',
  missingBooking: 'The booking id and token are missing from the link.',
  widgetLabel: 'Schedule a meeting',
  event: 'Event',
  where: 'Where',
  yourPhone: 'Your phone number',
}

/** A message catalog: every key of the English one. */
export type Messages = typeof en
/** A message key. */
export type MessageKey = keyof Messages

/**
 * A language for the widget: its BCP 47 tag and its strings. Each module
 * `@slotkit/widget/i18n/<tag>` exports one (named, and as its default), ready
 * for {@link registerLocale}.
 */
export interface LocaleCatalog {
  readonly locale: string
  readonly messages: Partial<Messages>
}

/**
 * Fetches the catalog of a built-in language tag (`fr`, `pt-PT`, `zh-Hans`):
 * the module itself or its namespace (`import()`'s result), or `undefined`
 * when there is none.
 */
export type LocaleLoader = (
  locale: string,
) => Promise<LocaleCatalog | { readonly default: LocaleCatalog } | undefined> | undefined

// Languages (registered, or loaded on demand) and page overrides, by canonical tag.
const languages = new Map<string, Partial<Messages>>()
const overrides = new Map<string, Partial<Messages>>()
const loads = new Map<string, Promise<void>>()
let loader: LocaleLoader | undefined

/** Merges `messages` into `into`'s entry for `locale` (by canonical tag). */
function merge(
  into: Map<string, Partial<Messages>>,
  locale: string,
  messages: Partial<Messages>,
): void {
  const tag = canonicalLocale(locale) ?? locale
  into.set(tag, { ...into.get(tag), ...messages })
}

/**
 * Adds a language for every widget on the page, e.g. one a bundler includes
 * statically: `import { fr } from '@slotkit/widget/i18n/fr'; registerLocale(fr)`.
 * It is used for its tag and the more specific tags that fall back to it
 * (`fr` for `fr-CA`), and the loader is not asked for it any more.
 */
export function registerLocale(catalog: LocaleCatalog): void {
  merge(languages, catalog.locale, catalog.messages)
}

/**
 * Overrides single strings for every widget on the page, over any language's
 * own (`registerMessages('fr', { confirm: 'Réserver' })`, for `fr` and `fr-CA`
 * alike); keys left out keep the language's text, then English. Register
 * before the widgets render.
 */
export function registerMessages(locale: string, messages: Partial<Messages>): void {
  merge(overrides, locale, messages)
}

/**
 * Sets how the built-in languages are fetched when a widget needs one (none
 * by default in the npm entry: register languages, or set a loader such as
 * `(tag) => (tag === 'fr' ? import('@slotkit/widget/i18n/fr') : undefined)`). The
 * self-contained bundle sets one that imports `./i18n/<tag>.js` next to itself.
 */
export function setLocaleLoader(load: LocaleLoader | undefined): void {
  loader = load
}

/**
 * Fetches, through the loader, the built-in language `locale` falls back to
 * (`pt-PT` for `pt-AO`, `zh-Hans` for `zh-CN`) unless it is there already.
 * Resolves `true` once that language is there, `false` when `locale` has none
 * but English, or it could not be fetched (English stays). Each language is
 * fetched once per page.
 */
export async function loadLocale(locale: string): Promise<boolean> {
  const [tag] = catalogChain(locale, TRANSLATED_LOCALES)
  if (!tag || tag === 'en') return false
  const load = loader
  if (languages.has(tag) || !load) return languages.has(tag)
  let pending = loads.get(tag)
  if (!pending) {
    pending = Promise.resolve(load(tag)).then(
      (found) => {
        const catalog = found && 'default' in found ? found.default : found
        if (catalog) registerLocale(catalog)
      },
      // A missing or unreachable module leaves English in place.
      () => undefined,
    )
    loads.set(tag, pending)
  }
  await pending
  return languages.has(tag)
}

/**
 * Which way the widget's text runs for `locale`: that of the language its
 * strings are in, built in (loaded or on its way) or registered, else English.
 * A locale without a catalog (`he` before one is registered) shows English, so
 * it stays left to right; Arabic is right to left from the start, before its
 * strings arrive, so the layout does not flip when they do.
 */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  const tag = localeFallbacks(locale).find(
    (t) => languages.has(t) || overrides.has(t) || TRANSLATED_LOCALES.includes(t as 'en'),
  )
  return tag ? textDirection(tag) : 'ltr'
}

/**
 * The strings for a BCP 47 locale: English, overlaid with the languages of its
 * fallback chain from the general to the specific (`pt`, then `pt-PT`), then
 * with the page's overrides in the same order.
 */
export function resolveMessages(locale: string): Messages {
  const chain = localeFallbacks(locale).reverse()
  return Object.assign(
    {},
    en,
    ...chain.map((tag) => languages.get(tag)),
    ...chain.map((tag) => overrides.get(tag)),
  )
}

/**
 * Fills `{name}` placeholders of `message` from `values` (numbers written the
 * `locale`'s way). A {@link PluralMessage} picks its form by `values.count`
 * through `Intl.PluralRules`. Unknown names stay as they are.
 */
export function translate(
  message: string | PluralMessage,
  values: Readonly<Record<string, string | number>> = {},
  locale = 'en',
): string {
  // Without a count, PluralRules reads NaN: `other`.
  const template =
    typeof message === 'string'
      ? message
      : message[new Intl.PluralRules(locale).select(Number(values.count))] || message.other
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = values[key]
    if (value === undefined) return whole
    return typeof value === 'number' ? value.toLocaleString(locale) : value
  })
}
