#!/usr/bin/env node
// Size budget of the self-contained bundle (issue 6): ≤ 25 KB min+gzip, English
// built in. Each language module next to it (dist/i18n/<tag>.js, fetched only by
// pages in that language) is printed too, with a budget of its own.
// Exits 1 when anything is over budget. Run after `npm run build`.
import { readdirSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const DIST = new URL('../dist/', import.meta.url)
const BUDGET_BYTES = 25 * 1000
const LANGUAGE_BUDGET_BYTES = 3 * 1000

const kb = (n) => `${(n / 1000).toFixed(2)} kB`
const sizes = (file) => {
  const bytes = readFileSync(new URL(file, DIST))
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length }
}

let bundle
try {
  bundle = sizes('schedule-widget.bundle.js')
} catch {
  console.error(
    'dist/schedule-widget.bundle.js is missing: run `npm run build -w @slotkit/widget` first.',
  )
  process.exit(1)
}
let over = false
const line = `schedule-widget.bundle.js: ${kb(bundle.minified)} minified, ${kb(bundle.gzipped)} min+gzip (budget ${kb(BUDGET_BYTES)})`
if (bundle.gzipped > BUDGET_BYTES) {
  console.error(`${line}: OVER BUDGET by ${kb(bundle.gzipped - BUDGET_BYTES)}`)
  over = true
} else console.log(`${line}: ok, ${kb(BUDGET_BYTES - bundle.gzipped)} to spare`)

for (const file of readdirSync(new URL('i18n/', DIST))
  .filter((f) => f.endsWith('.js'))
  .sort()) {
  const { minified, gzipped } = sizes(`i18n/${file}`)
  const text = `  i18n/${file.padEnd(11)} ${kb(minified)} minified, ${kb(gzipped)} min+gzip`
  if (gzipped > LANGUAGE_BUDGET_BYTES) {
    console.error(`${text}: OVER the ${kb(LANGUAGE_BUDGET_BYTES)} budget of a language`)
    over = true
  } else console.log(text)
}
if (over) process.exit(1)
