// Size budget of the published ESM entry, as an app bundler would ship it:
// dist/index.js bundled (the client has no dependencies), minified, gzipped.
// Run after `npm run build`; exits 1 over budget. CI: `npm run size -w @slotkit/client`
// (src/package.test.ts runs the same check inside `npm test`).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** The budget, in bytes of min+gzip. */
export const BUDGET_BYTES = 5 * 1024

/** Bundles, minifies and gzips dist/index.js; returns both sizes in bytes. */
export async function measureClientSize() {
  const dist = fileURLToPath(new URL('../dist', import.meta.url))
  let source
  try {
    source = readFileSync(`${dist}/index.js`, 'utf8')
  } catch {
    throw new Error(`${dist}/index.js is missing; run \`npm run build -w @slotkit/client\` first`)
  }
  const result = await build({
    stdin: { contents: source, resolveDir: dist },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  })
  const minified = result.outputFiles[0].contents
  return { minifiedBytes: minified.length, gzippedBytes: gzipSync(minified, { level: 9 }).length }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`
  try {
    const { minifiedBytes, gzippedBytes } = await measureClientSize()
    const ok = gzippedBytes <= BUDGET_BYTES
    console.log(
      `@slotkit/client: ${kb(minifiedBytes)} minified, ${kb(gzippedBytes)} min+gzip (budget ${kb(BUDGET_BYTES)}): ${ok ? 'ok' : 'OVER BUDGET'}`,
    )
    process.exitCode = ok ? 0 : 1
  } catch (error) {
    console.error(`size: ${error.message}`)
    process.exitCode = 1
  }
}
