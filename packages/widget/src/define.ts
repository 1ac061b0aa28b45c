/**
 * Registers `<schedule-widget>`: the package's one module with a side effect.
 * Importing it twice (or next to the self-contained bundle) is harmless.
 *
 * @example
 * ```ts
 * import '@slotkit/widget/define'
 * ```
 */
import { ScheduleWidget } from './schedule-widget'

if (!customElements.get('schedule-widget')) customElements.define('schedule-widget', ScheduleWidget)

export { ScheduleWidget }
