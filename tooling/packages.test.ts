// What each publishable package (every workspace under packages/ that is not
// private) puts in its tarball: the LICENSE, the README, package.json, a built
// file for every entry point, and nothing else (no sources, tests or test
// support). `npm pack --dry-run --ignore-scripts` lists the files without
// building, so this reads the dist/ the root `npm test` built; `prepack` builds
// (through turbo, dependencies first) whenever a real pack or publish runs.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')

interface Manifest {
  name: string
  private?: boolean
  main?: string
  module?: string
  types?: string
  exports?: unknown
  scripts?: Record<string, string>
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
}

/** The published packages: every non-private workspace under packages/. */
const published = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')) && !readManifest(dir).private)

/** Every file path an `exports` map (and main/module/types) points to, without `./`. */
function entryFiles(manifest: Manifest): string[] {
  const targets: string[] = []
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value)
    else if (value && typeof value === 'object') Object.values(value).forEach(walk)
  }
  walk(manifest.exports)
  for (const field of [manifest.main, manifest.module, manifest.types]) walk(field)
  return [...new Set(targets.map((target) => target.replace(/^\.\//, '')))].sort()
}

const packs = new Map<string, Promise<string[]>>()

/** The files `npm pack` would put in `dir`'s tarball (listed once per package). */
function packedFiles(dir: string): Promise<string[]> {
  let files = packs.get(dir)
  if (!files) {
    files = listPack(dir)
    packs.set(dir, files)
  }
  return files
}

async function listPack(dir: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: dir },
  )
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[]
  return (pack?.files ?? []).map((file) => file.path).sort()
}

describe('published packages', () => {
  it('are core, client and widget', () => {
    expect(published.map((dir) => readManifest(dir).name).sort()).toEqual([
      '@slotkit/client',
      '@slotkit/core',
      '@slotkit/widget',
    ])
  })

  describe.each(published.map((dir) => [readManifest(dir).name, dir] as const))('%s', (_, dir) => {
    const manifest = readManifest(dir)

    it('ships LICENSE (the repository’s), README.md, package.json and a file for every entry point', async () => {
      const files = await packedFiles(dir)
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']))
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(root, 'LICENSE'), 'utf8'),
      )
      const entries = entryFiles(manifest)
      expect(entries.length).toBeGreaterThan(1)
      const missing = entries.filter((entry) => !files.includes(entry))
      expect(missing, 'entry points missing from the tarball (run the build first)').toEqual([])
    })

    it('ships nothing but dist/ and those three files: no sources, tests or test support', async () => {
      const files = await packedFiles(dir)
      const stray = files.filter(
        (file) =>
          !['LICENSE', 'README.md', 'package.json'].includes(file) &&
          (!file.startsWith('dist/') ||
            /(^|\/)(src|test)\/|\.test(-d)?\.|test-server|\.tsbuildinfo$/.test(file)),
      )
      expect(stray).toEqual([])
    })

    it('builds before packing, dependencies first', () => {
      // turbo runs the package's build and, through `^build`, its dependencies';
      // a stale dist/ cannot be packed. Its output goes to stderr so that
      // `npm pack --json` stays parseable.
      const prepack = manifest.scripts?.prepack ?? ''
      expect(prepack.startsWith(`turbo run build --filter=${manifest.name} `), prepack).toBe(true)
      expect(prepack.endsWith(' >&2'), prepack).toBe(true)
    })
  })
})
