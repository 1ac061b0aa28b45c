import { defineProject } from 'vitest/config'

// Checks of the repository's tooling and of what the packages publish.
export default defineProject({
  test: {
    name: 'tooling',
    include: ['*.test.ts'],
    // `npm pack --dry-run` of each package; the build came first (npm test).
    testTimeout: 60_000,
  },
})
