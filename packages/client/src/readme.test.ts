// The README's TypeScript examples must compile against the real public API
// (STYLE §8: examples that compile). Each ```ts block is checked as its own
// module, with the names the prose assumes declared up front.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { expect, test } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const readme = readFileSync(join(here, '../README.md'), 'utf8')
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')

const prelude = `
import type { SlotkitClient } from '@slotkit/client'
declare const meetingTypeId: string
declare const bookingId: string
declare const hostKey: string
declare const cancelUrl: string
declare const inviteeToken: string
declare const slotkit: SlotkitClient
`

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(6)
})

test('every README example type-checks', () => {
  const files = new Map<string, string>()
  blocks.forEach((block, index) => {
    // A block that creates its own `slotkit` does not get the declared one.
    const head = /const slotkit\b/.test(block)
      ? prelude.replace(/.*const slotkit.*\n/, '')
      : prelude
    files.set(join(here, `__readme_${index}.ts`), `${head}\n${block}\nexport {}\n`)
  })
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    paths: { '@slotkit/client': [join(here, 'index.ts')] },
  }
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  host.readFile = (name) => files.get(name) ?? readFile(name)
  host.fileExists = (name) => files.has(name) || fileExists(name)
  const program = ts.createProgram([...files.keys()], options, host)
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  expect(diagnostics).toEqual([])
}, 60_000)
