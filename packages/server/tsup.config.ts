import { defineConfig } from 'tsup'
import { defineSlotkitBuild } from '../../tooling/tsup'

export default defineConfig(
  defineSlotkitBuild({
    entry: { index: 'src/index.ts', internal: 'src/internal.ts', cli: 'src/cli.ts' },
    format: ['esm'],
    platform: 'node',
  }),
)
