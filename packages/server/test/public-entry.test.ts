import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const INDEX = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const INTERNAL = fileURLToPath(new URL('../src/internal.ts', import.meta.url))
const README = fileURLToPath(new URL('../README.md', import.meta.url))

/** The TypeScript program of both entries: one type-check serves every test here. */
let program: ts.Program | undefined

/** Every name an entry exports (values and types), with its TSDoc, through the compiler. */
function exportsOf(entry: string): Map<string, string> {
  program ??= ts.createProgram([INDEX, INTERNAL], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(entry)
  if (!source) throw new Error(`no source file ${entry}`)
  const module = checker.getSymbolAtLocation(source)
  if (!module) throw new Error(`${entry} is not a module`)
  const docs = new Map<string, string>()
  for (const symbol of checker.getExportsOfModule(module)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    docs.set(symbol.name, ts.displayPartsToString(target.getDocumentationComment(checker)).trim())
  }
  return docs
}

/** The README's "Embedding" section, up to the next heading of its level. */
function embeddingSection(): string {
  const readme = readFileSync(README, 'utf8')
  const start = readme.indexOf('\n## Embedding\n')
  if (start < 0) throw new Error('README has no "## Embedding" section')
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

// What an app embedding Slotkit needs: build the whole app or register the plugin with
// what it takes (database, cache, secrets, jobs, mailer), run the CLI's commands as
// functions, and check webhook deliveries.
const PUBLIC_VALUES = [
  'CalendarSync',
  'ConfigError',
  'MemorySlotCache',
  'RedisSlotCache',
  'SIGNATURE_HEADER',
  'buildApp',
  'createDb',
  'createMailer',
  'createProviderRegistry',
  'defineConfig',
  'loadConfig',
  'migrateToLatest',
  'openDatabase',
  'resolveSecretBox',
  'resolveSecretKey',
  'slotkitPlugin',
  'startJobs',
  'startServer',
  'startWorker',
  'verifyWebhookSignature',
]

describe('the public entry (@slotkit/server)', () => {
  const entry = exportsOf(INDEX)

  it('exports the values an embedding app needs, and nothing of the internals', async () => {
    const runtime = await import('../src/index')
    expect(Object.keys(runtime).sort()).toEqual(PUBLIC_VALUES)
  })

  it('gives every export TSDoc', () => {
    const undocumented = [...entry].filter(([, doc]) => doc === '').map(([name]) => name)
    expect(undocumented).toEqual([])
  })

  it('lists every export in the README\'s "Embedding" section', () => {
    const section = embeddingSection()
    const missing = [...entry.keys()].filter((name) => !new RegExp(`\\b${name}\\b`).test(section))
    expect(missing).toEqual([])
  })
})

describe('the internal entry (@slotkit/server/internal)', () => {
  it('is marked @internal, and repeats none of the public names', () => {
    const publicNames = new Set(exportsOf(INDEX).keys())
    const internal = exportsOf(INTERNAL)
    expect(internal.size).toBeGreaterThan(0)
    expect([...internal.keys()].filter((name) => publicNames.has(name))).toEqual([])
    // The module's own TSDoc says so (a tag, which documentation comments leave out).
    const moduleDoc = /^\/\*\*[\s\S]*?\*\//.exec(readFileSync(INTERNAL, 'utf8'))?.[0]
    expect(moduleDoc).toMatch(/^\s*\* @internal$/m)
  })
})
