import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { JobQueue } from '../../src/jobs/job-queue'
import { openTestDb } from './harness'

describe('JobQueue lifecycle', () => {
  it('a stop during start leaves no pg-boss connection behind', async () => {
    const db = await openTestDb()
    const appName = `slotkit-jobs-${randomUUID().slice(0, 8)}`
    const schema = `pgboss_life${Date.now().toString(36)}`
    const queue = new JobQueue({ connectionString: dbUrlWithAppName(appName), schema })
    try {
      const starting = queue.start().catch((error: unknown) => error)
      // Stop while pg-boss is still installing its schema and creating the queues.
      await new Promise((resolve) => setTimeout(resolve, 20))
      await queue.stop()
      await starting
      const open = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${appName}
      `.execute(db)
      expect(open.rows[0]?.n).toBe(0)
      expect(queue.running).toBe(false)
    } finally {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db)
      await db.destroy()
    }
  })
})

function dbUrlWithAppName(appName: string): string {
  const url = new URL(inject('databaseUrl'))
  url.searchParams.set('application_name', appName)
  return url.toString()
}
