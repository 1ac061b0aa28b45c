import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { escapeHtml, page } from './html'

/** Where the server serves `<schedule-widget>`'s self-contained ES module. */
export const WIDGET_BUNDLE_PATH = '/widget/schedule-widget.js'

let cached: Buffer | undefined

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

/** A `<schedule-widget>` tag talking to this server, with the given attributes (escaped). */
export function widgetTag(attributes: Readonly<Record<string, string>>): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('')
  return `<schedule-widget base-url="/"${attrs}></schedule-widget>
<noscript>The booking flow needs JavaScript. The API is documented at <a href="/docs">/docs</a>.</noscript>`
}

/** Adds the widget bundle's `<script type="module">` to a page's head. */
export function withWidgetScript(html: string): string {
  return html.replace(
    '</head>',
    `<script type="module" src="${WIDGET_BUNDLE_PATH}"></script>\n</head>`,
  )
}

/** A page holding one `<schedule-widget>` with the given attributes. */
export function widgetPage(title: string, attributes: Readonly<Record<string, string>>): string {
  return withWidgetScript(page(title, `<main>\n${widgetTag(attributes)}\n</main>`))
}
