// Checks on the built package (`dist/`, as the browser tests load it).
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const dist = new URL('../dist/', import.meta.url)

test("the published types are @slotkit/client's plain interfaces, not core's TypeBox schemas", () => {
  const declarations = readdirSync(dist).filter((file) => file.endsWith('.d.ts'))
  expect(declarations).toContain('index.d.ts')
  const imports = declarations.flatMap((file) =>
    [
      ...readFileSync(new URL(file, dist), 'utf8').matchAll(
        /\bfrom\s+'([^']+)'|\bimport\s+'([^']+)'/g,
      ),
    ].map((m) => m[1] ?? m[2]),
  )
  // ADR 0006: the wire types reach users through the client, with no typebox behind them.
  expect(imports).toContain('@slotkit/client')
  expect(imports.filter((spec) => spec === '@slotkit/core/api' || spec === 'typebox')).toEqual([])
})

test('each language is a module of its own in dist/i18n, with no imports, as the bundle loads it', async () => {
  const { TRANSLATED_LOCALES } = await import('@slotkit/core/format')
  const files = readdirSync(new URL('i18n/', dist)).filter((f) => f.endsWith('.js'))
  expect(files.sort()).toEqual(
    TRANSLATED_LOCALES.filter((tag) => tag !== 'en')
      .map((tag) => `${tag}.js`)
      .sort(),
  )
  for (const file of files) {
    const text = readFileSync(new URL(`i18n/${file}`, dist), 'utf8')
    // Loaded from next to the bundle on any origin: nothing else to fetch.
    expect(text, file).not.toMatch(/\bimport\b|\brequire\(/)
    const module = (await import(new URL(`i18n/${file}`, dist).href)) as {
      default: { locale: string; messages: Record<string, unknown> }
    }
    expect(module.default.locale).toBe(file.slice(0, -3))
    expect(Object.keys(module.default.messages).length).toBeGreaterThan(50)
  }
  // The npm entry names each: `@slotkit/widget/i18n/fr` is that file.
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  expect(
    Object.keys(manifest.exports)
      .filter((key) => key.startsWith('./i18n/'))
      .sort(),
  ).toEqual(files.map((file) => `./i18n/${file.slice(0, -3)}`).sort())
  expect(createRequire(import.meta.url).resolve('@slotkit/widget/i18n/fr')).toBe(
    fileURLToPath(new URL('i18n/fr.js', dist)),
  )
})
