#!/usr/bin/env node
// Size budget of the self-contained bundle (issue 6): ≤ 25 KB min+gzip.
// Prints the figure and exits 1 when over budget. Run after `npm run build`.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const FILE = new URL('../dist/schedule-widget.bundle.js', import.meta.url)
const BUDGET_BYTES = 25 * 1000

let bytes
try {
  bytes = readFileSync(FILE)
} catch {
  console.error(
    'dist/schedule-widget.bundle.js is missing: run `npm run build -w @slotkit/widget` first.',
  )
  process.exit(1)
}
const gzipped = gzipSync(bytes, { level: 9 }).length
const kb = (n) => `${(n / 1000).toFixed(2)} kB`
const line = `schedule-widget.bundle.js: ${kb(bytes.length)} minified, ${kb(gzipped)} min+gzip (budget ${kb(BUDGET_BYTES)})`
if (gzipped > BUDGET_BYTES) {
  console.error(`${line}: OVER BUDGET by ${kb(gzipped - BUDGET_BYTES)}`)
  process.exit(1)
}
console.log(`${line}: ok, ${kb(BUDGET_BYTES - gzipped)} to spare`)
