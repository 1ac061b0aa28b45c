// One PostgreSQL for the whole e2e run, migrated once: DATABASE_URL when set,
// else an embedded cluster in a temporary folder (the approach of
// packages/server/test/global-setup.ts, through the server's package exports).
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDb, migrateToLatest } from '@slotkit/server'
// The embedded cluster with fsync off: test tooling, not the public API.
import { startEmbeddedPostgres } from '@slotkit/server/internal'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated database the e2e servers share. */
    databaseUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stop = async () => {}
  let databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'slotkit-e2e-'))
    // Traversable by the "postgres" user when the tests run as root.
    await chmod(dataDir, 0o711)
    const pg = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
    databaseUrl = pg.url
    stop = async () => {
      await pg.stop()
      // As root the cluster may live elsewhere; the server notes where.
      const relocated = await readFile(join(dataDir, 'postgres-location'), 'utf8').catch(() => '')
      if (relocated.trim()) await rm(relocated.trim(), { recursive: true, force: true })
      await rm(dataDir, { recursive: true, force: true })
    }
  }
  const db = createDb({ connectionString: databaseUrl })
  try {
    await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
  project.provide('databaseUrl', databaseUrl)
  return stop
}
