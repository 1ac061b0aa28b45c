import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { TRANSLATED_LOCALES } from '@slotkit/core/format'
import { type Language, languageFor } from '../../i18n/messages'
import { escapeHtml, page } from './html'

/** Where the server serves `<schedule-widget>`'s self-contained ES module. */
export const WIDGET_BUNDLE_PATH = '/widget/schedule-widget.js'

/**
 * Where the bundle's language modules are served: `i18n/<tag>.js` next to it,
 * which is where the bundle imports them from (relative to its own URL).
 */
export const WIDGET_LOCALES_PATH = '/widget/i18n/:file'

/**
 * The license notices of the libraries in the bundle (lit), which its last
 * comment names relative to its own URL.
 */
export const WIDGET_LEGAL_PATH = '/widget/schedule-widget.bundle.js.LEGAL.txt'

let cached: Buffer | undefined
let cachedLegal: Buffer | undefined
const cachedLocales = new Map<string, Buffer>()

/**
 * The widget's bundle, read once. Resolved at run time rather than declared as a
 * dependency: the widget's browser tests run against this server, so a declared
 * dependency would make a cycle. In a checkout, `npm run build` (which `npm start`
 * runs) produces it; without it the API still works and the pages say what to do.
 */
export function loadWidgetBundle(): Buffer | null {
  if (cached) return cached
  try {
    const file = createRequire(import.meta.url).resolve('@slotkit/widget/schedule-widget.bundle.js')
    cached = readFileSync(file)
  } catch {
    // Not cached as missing for good: a build may produce it while the server runs.
    return null
  }
  return cached
}

/** The bundle's license notices, read once; null when the widget is not built. */
export function loadWidgetLegal(): Buffer | null {
  if (cachedLegal) return cachedLegal
  try {
    const bundle = createRequire(import.meta.url).resolve(
      '@slotkit/widget/schedule-widget.bundle.js',
    )
    cachedLegal = readFileSync(join(dirname(bundle), 'schedule-widget.bundle.js.LEGAL.txt'))
  } catch {
    return null
  }
  return cachedLegal
}

/**
 * The widget's module of a built-in language (`fr.js`, `pt-PT.js`), read once;
 * `null` for a name that is no such module (only tags of `TRANSLATED_LOCALES`
 * are looked up, so no request reaches the file system with a name of its own)
 * or when the widget is not built.
 */
export function loadWidgetLocale(file: string): Buffer | null {
  const tag = file.endsWith('.js') ? file.slice(0, -3) : ''
  if (tag === 'en' || !(TRANSLATED_LOCALES as readonly string[]).includes(tag)) return null
  const hit = cachedLocales.get(tag)
  if (hit) return hit
  try {
    const bundle = createRequire(import.meta.url).resolve(
      '@slotkit/widget/schedule-widget.bundle.js',
    )
    const module = readFileSync(join(dirname(bundle), 'i18n', `${tag}.js`))
    cachedLocales.set(tag, module)
    return module
  } catch {
    return null
  }
}

/**
 * A `<schedule-widget>` tag talking to this server, with the given attributes
 * (escaped), and what a browser without JavaScript shows instead, in `language`.
 */
export function widgetTag(
  attributes: Readonly<Record<string, string>>,
  language: Language = languageFor(undefined),
): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('')
  const noscript = escapeHtml(language.messages.noscript).replace(
    '{docs}',
    '<a href="/docs">/docs</a>',
  )
  return `<schedule-widget base-url="/"${attrs}></schedule-widget>
<noscript>${noscript}</noscript>`
}

/** Adds the widget bundle's `<script type="module">` to a page's head. */
export function withWidgetScript(html: string): string {
  return html.replace(
    '</head>',
    `<script type="module" src="${WIDGET_BUNDLE_PATH}"></script>\n</head>`,
  )
}

/**
 * A page holding one `<schedule-widget>` with the given attributes, in
 * `language`: its title (a key of the server's catalog), `lang` and `dir`, which
 * the widget inherits (it reads the nearest `lang`).
 */
export function widgetPage(
  title: 'pageBook' | 'pageCancel' | 'pageReschedule',
  attributes: Readonly<Record<string, string>>,
  language: Language = languageFor(undefined),
): string {
  return withWidgetScript(
    page(
      language.messages[title],
      `<main>\n${widgetTag(attributes, language)}\n</main>`,
      '',
      language,
    ),
  )
}
