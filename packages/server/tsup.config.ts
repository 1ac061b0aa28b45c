import { defineConfig } from 'tsup'
import { defineSlotkitBuild } from '../../tooling/tsup'

export default defineConfig(
  defineSlotkitBuild({
    entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
    format: ['esm'],
    platform: 'node',
  }),
)
