/**
 * `@slotkit/widget`: the `<schedule-widget>` element class and its types.
 * Importing this entry registers nothing; import `@slotkit/widget/define`
 * (or call `customElements.define` yourself) to use the tag.
 *
 * @example
 * ```ts
 * import { ScheduleWidget } from '@slotkit/widget'
 * customElements.define('my-scheduler', class extends ScheduleWidget {})
 * ```
 *
 * @packageDocumentation
 */

export type { CalendarEvent } from './calendar-links'
export { buildIcs, googleCalendarUrl, outlookCalendarUrl } from './calendar-links'
export { fromClient } from './controllers/from-client'
export type { WidgetApi } from './controllers/widget-api'
export type {
  ScheduleBookingDetail,
  ScheduleDateSelectedDetail,
  ScheduleErrorDetail,
  ScheduleReadyDetail,
  ScheduleSlotSelectedDetail,
  ScheduleWidgetEventMap,
} from './events'
export type {
  LocaleCatalog,
  LocaleLoader,
  MessageKey,
  Messages,
  PluralMessage,
} from './i18n/catalog'
export {
  en,
  loadLocale,
  registerLocale,
  registerMessages,
  resolveMessages,
  setLocaleLoader,
} from './i18n/catalog'
export type {
  ScheduleWidgetMode,
  ScheduleWidgetPrefill,
  ScheduleWidgetTheme,
} from './schedule-widget'
export { ScheduleWidget } from './schedule-widget'
