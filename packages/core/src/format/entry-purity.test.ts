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
    // Outside format/, only these Temporal-free modules may be reached, and only
    // through relative imports: no package at all (Temporal, typebox).
    const allowed = new Set([
      '../errors/scheduling-error.ts',
      '../errors/codes.ts',
      '../time/epoch-day.ts',
      '../time/canonical-time-zone.ts',
    ])
    const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    expect(sources.length).toBeGreaterThan(0)
    const seen = new Set<string>()
    const pending = sources.map((file) => new URL(file, here))
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file.href)) continue
      seen.add(file.href)
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('.'), `${file.pathname} imports ${spec}`).toBe(true)
        const target = new URL(`${spec}.ts`, file)
        const fromHere = target.href.startsWith(here.href)
          ? target.href.slice(here.href.length)
          : `../${target.href.slice(new URL('../', here).href.length)}`
        expect(
          !fromHere.startsWith('../') || allowed.has(fromHere),
          `${file.pathname} imports ${spec}`,
        ).toBe(true)
        pending.push(target)
      }
    }
    // The walk did reach the shared modules, so the check above covered them.
    expect([...seen].filter((href) => !href.startsWith(here.href)).length).toBe(allowed.size)
  })
})

describe('listTimeZones and supportedTimeZones without Intl.supportedValuesOf', () => {
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
    const { listTimeZones, supportedTimeZones } = await import('./zones')
    // The runtime cannot list its zones; only listTimeZones has an answer anyway.
    expect(supportedTimeZones()).toBeUndefined()
    const zones = listTimeZones()
    expect(zones).toContain('America/New_York')
    expect(zones).toContain('UTC')
    expect(zones.length).toBeGreaterThan(40)
    expect(zones.length).toBeLessThan(100)
  })
})
