import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'server',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // One embedded PostgreSQL (or DATABASE_URL) and one redis-server for the whole run.
    globalSetup: ['./test/global-setup.ts'],
    // Fails any test whose app answered with a status or code its route does not document.
    setupFiles: ['./test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
