/**
 * The self-contained browser module (`dist/schedule-widget.bundle.js`): lit,
 * the client and the element in one file, registering the tag on load.
 *
 * @example
 * ```html
 * <script type="module" src="/widget/schedule-widget.js"></script>
 * ```
 */
import { ScheduleWidget } from './schedule-widget'

if (!customElements.get('schedule-widget')) customElements.define('schedule-widget', ScheduleWidget)

export * from './index'
