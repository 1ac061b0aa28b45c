// biome-ignore lint/style/noRestrictedImports: tests may do I/O; src may not.
import { readdirSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'

const here = new URL('./', import.meta.url)

function importsOf(file: URL): string[] {
  // Drop comments first: TSDoc examples show imports of the public entry.
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
  return [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  )
}

describe('the format entry', () => {
  it('imports no Temporal and no engine module (the widget bundles it)', () => {
    const allowed = new Set(['../errors/scheduling-error', '../errors/codes'])
    const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    expect(sources.length).toBeGreaterThan(0)
    for (const file of sources) {
      for (const spec of importsOf(new URL(file, here))) {
        expect(spec.startsWith('./') || allowed.has(spec), `${file} imports ${spec}`).toBe(true)
      }
    }
    for (const dep of allowed) {
      for (const spec of importsOf(new URL(`${dep}.ts`, here))) {
        expect(spec.startsWith('./'), `${dep} imports ${spec}`).toBe(true)
      }
    }
  })
})

describe('listTimeZones without Intl.supportedValuesOf', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('falls back to the built-in list of common zones', async () => {
    vi.stubGlobal('Intl', {
      ...Intl,
      DateTimeFormat: Intl.DateTimeFormat,
      supportedValuesOf: undefined,
    })
    vi.resetModules()
    const { listTimeZones } = await import('./zones')
    const zones = listTimeZones()
    expect(zones).toContain('America/New_York')
    expect(zones).toContain('UTC')
    expect(zones.length).toBeGreaterThan(40)
    expect(zones.length).toBeLessThan(100)
  })
})
