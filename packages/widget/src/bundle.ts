/**
 * The self-contained browser module (`dist/schedule-widget.bundle.js`): lit,
 * the client and the element in one file, registering the tag on load. English
 * is built in; another language is imported on first use from `./i18n/<tag>.js`
 * beside this file, resolved against the module's own URL, so a page on another
 * origin that loads the bundle from a CDN or a Slotkit server gets them too.
 *
 * @example
 * ```html
 * <script type="module" src="/widget/schedule-widget.js"></script>
 * ```
 */
import { setLocaleLoader } from './i18n/catalog'
import { ScheduleWidget } from './schedule-widget'

// A URL, not a string literal: bundlers leave the import alone, the browser resolves it.
setLocaleLoader((tag) => import(new URL(`./i18n/${tag}.js`, import.meta.url).href))

if (!customElements.get('schedule-widget')) customElements.define('schedule-widget', ScheduleWidget)

export * from './index'
