import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'e2e',
    include: ['src/**/*.test.ts'],
    // One embedded PostgreSQL (or DATABASE_URL) for the whole run, migrated once.
    globalSetup: ['./src/global-setup.ts'],
    // Fails any test whose request got a reply the route does not document in OpenAPI.
    setupFiles: ['./src/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
