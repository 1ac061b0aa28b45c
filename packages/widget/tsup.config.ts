import { readdirSync } from 'node:fs'
import { defineConfig } from 'tsup'
import { defineSlotkitBuild } from '../../tooling/tsup'
import { minifyTemplatesPlugin } from './scripts/minify-templates'

// One module per language, `dist/i18n/<tag>.js`: data only, no imports, so the
// same file serves `@slotkit/widget/i18n/<tag>` and the bundle's on-demand load.
const languages = Object.fromEntries(
  readdirSync('src/i18n/locales')
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => [`i18n/${file.slice(0, -3)}`, `src/i18n/locales/${file}`]),
)

// Text as UTF-8 rather than esbuild's default \u escapes (6 bytes for a kana):
// module scripts are always decoded as UTF-8, whatever the server's charset.
const utf8 = (options: { charset?: 'ascii' | 'utf8' }) => {
  options.charset = 'utf8'
}

export default defineConfig([
  // The npm package: ESM, lit and the Slotkit packages stay imports; `define`
  // and `index` share one chunk so both name the same class.
  defineSlotkitBuild({
    entry: { index: 'src/index.ts', define: 'src/define.ts' },
    format: ['esm'],
    platform: 'browser',
    extra: { clean: false, splitting: true, esbuildPlugins: [minifyTemplatesPlugin()] },
  }),
  // The languages: minified (they travel on their own), each standing alone.
  defineSlotkitBuild({
    entry: languages,
    format: ['esm'],
    platform: 'browser',
    extra: { clean: false, minify: true, esbuildOptions: utf8 },
  }),
  // One self-contained module for <script type="module" src=…>: everything inlined
  // but the languages, which it imports from `./i18n/` next to itself when needed.
  defineSlotkitBuild({
    entry: { 'schedule-widget.bundle': 'src/bundle.ts' },
    format: ['esm'],
    platform: 'browser',
    noExternal: [/.*/],
    extra: {
      clean: false,
      dts: false,
      minify: true,
      treeshake: false,
      sourcemap: true,
      esbuildPlugins: [minifyTemplatesPlugin()],
      // Lit's BSD-3-Clause notices go to schedule-widget.bundle.js.LEGAL.txt, shipped
      // beside it and named by a one-line comment, instead of the module every page loads.
      esbuildOptions: (options: { legalComments?: string }) => {
        options.legalComments = 'linked'
      },
    },
  }),
])
