// Checks on the built package (`dist/`, as the browser tests load it).
import { readdirSync, readFileSync } from 'node:fs'
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
