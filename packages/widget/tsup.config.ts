import { defineConfig } from 'tsup'
import { defineSlotkitBuild } from '../../tooling/tsup'
import { minifyTemplatesPlugin } from './scripts/minify-templates'

export default defineConfig([
  // The npm package: ESM, lit and the Slotkit packages stay imports; `define`
  // and `index` share one chunk so both name the same class.
  defineSlotkitBuild({
    entry: { index: 'src/index.ts', define: 'src/define.ts' },
    format: ['esm'],
    platform: 'browser',
    extra: { clean: false, splitting: true, esbuildPlugins: [minifyTemplatesPlugin()] },
  }),
  // One self-contained module for <script type="module" src=…>: everything inlined.
  defineSlotkitBuild({
    entry: { 'schedule-widget.bundle': 'src/bundle.ts' },
    format: ['esm'],
    platform: 'browser',
    noExternal: [/.*/],
    extra: {
      clean: false,
      dts: false,
      minify: true,
      sourcemap: true,
      esbuildPlugins: [minifyTemplatesPlugin()],
    },
  }),
])
