// Package checks that `npm test` runs after the build (the root `npm test`
// builds first): the size budget and publint --strict. `npm run size` and
// `npm run check:package` (which adds attw --pack) run the same by hand or in CI.
import { fileURLToPath } from 'node:url'
import { publint } from 'publint'
import { expect, test } from 'vitest'
import { BUDGET_BYTES, measureClientSize } from '../scripts/size.mjs'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

test('the ESM build stays within 5 KB min+gzip', async () => {
  const { gzippedBytes } = await measureClientSize()
  expect(gzippedBytes).toBeLessThanOrEqual(BUDGET_BYTES)
})

test('publint --strict finds nothing', async () => {
  const { messages } = await publint({ pkgDir: packageDir, strict: true, pack: false })
  expect(messages.filter((message) => message.type !== 'suggestion')).toEqual([])
}, 30_000)
