// The modules of src/ import each other without a cycle, type-only imports
// included: a cycle makes the order modules load in matter (and bundlers warn),
// and a type-only one is a cycle waiting for its first value import.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { expect, test } from 'vitest'

const srcDir = dirname(fileURLToPath(import.meta.url))

/** Every module of src/ (tests excluded), relative to src/. */
function modules(dir = srcDir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return modules(path)
    if (!name.endsWith('.ts') || /\.test(-d)?\.ts$/.test(name)) return []
    return [relative(srcDir, path)]
  })
}

/** The src/ modules `file` imports or re-exports from, type-only imports included. */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(srcDir, file), 'utf8'), true, true)
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const base = join(dirname(file), specifier)
      const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) =>
        known.has(candidate),
      )
      if (!target) throw new Error(`${file}: cannot resolve ${specifier}`)
      return target
    })
}

/** The import graph of src/. */
function importGraph(): Map<string, string[]> {
  const files = modules()
  const known = new Set(files)
  return new Map(files.map((file) => [file, importsOf(file, known)]))
}

/** Every cycle found by a depth-first walk, each as `a.ts → b.ts → a.ts`. */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = []
  const done = new Set<string>()
  const path: string[] = []
  const visit = (file: string): void => {
    const at = path.indexOf(file)
    if (at >= 0) {
      cycles.push([...path.slice(at), file].join(' → '))
      return
    }
    if (done.has(file)) return
    path.push(file)
    for (const next of graph.get(file) ?? []) visit(next)
    path.pop()
    done.add(file)
  }
  for (const file of [...graph.keys()].sort()) visit(file)
  return cycles
}

test('src/ has no import cycle, type-only imports included', () => {
  const graph = importGraph()
  // The walk sees the real graph: the entry reaches every resource module.
  expect(graph.get('index.ts')).toEqual(expect.arrayContaining(['create-client.ts', 'errors.ts']))
  expect([...graph.values()].flat().length).toBeGreaterThan(20)
  expect(cyclesOf(graph)).toEqual([])
})

test('the cycle check finds a cycle when there is one', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ])
  expect(cyclesOf(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts'])
})
