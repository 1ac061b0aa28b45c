import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'widget',
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser suite starts PostgreSQL, the server and Chromium once per file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
