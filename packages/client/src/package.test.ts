// Package checks that `npm test` runs after the build (the root `npm test`
// builds first): the size budget and publint --strict. `npm run size` and
// `npm run check:package` (which adds attw --pack) run the same by hand or in CI.
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { publint } from 'publint'
import { expect, test } from 'vitest'
import { BUDGET_BYTES, measureClientSize } from '../scripts/size.mjs'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

test('the ESM build stays within 5 KB min+gzip', async () => {
  const { gzippedBytes } = await measureClientSize()
  expect(gzippedBytes).toBeLessThanOrEqual(BUDGET_BYTES)
})

test("an app that imports only createInviteeClient ships none of the host's calls", async () => {
  const bundle = async (name: string) => {
    const result = await build({
      stdin: {
        contents: `import { ${name} } from './index.js'\nexport const c = ${name}({ baseUrl: 'https://x' })`,
        resolveDir: fileURLToPath(new URL('../dist', import.meta.url)),
      },
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      logLevel: 'error',
    })
    return result.outputFiles[0]!.text
  }
  const [full, invitee] = await Promise.all([bundle('createClient'), bundle('createInviteeClient')])
  expect(full).toContain('/api/webhooks')
  for (const hostPath of ['/api/webhooks', '/api/integrations', '/api/users', '/api/admin']) {
    expect(invitee).not.toContain(hostPath)
  }
  // What the widget saves by it (figures printed, not asserted).
  const gz = (text: string) => gzipSync(text, { level: 9 }).length
  process.stdout.write(
    `[client size] createClient ${gz(full)} B, createInviteeClient ${gz(invitee)} B min+gzip\n`,
  )
})

test('publint --strict finds nothing', async () => {
  const { messages } = await publint({ pkgDir: packageDir, strict: true, pack: false })
  expect(messages.filter((message) => message.type !== 'suggestion')).toEqual([])
}, 30_000)
