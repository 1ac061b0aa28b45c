// The polling trigger end to end: pg-boss's cron fires `calendar.poll`, which queues
// a sync of every integration not synced for 10 minutes. On a database of its own:
// a poller on the shared test database would sync other test files' integrations.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDb, type Db } from '../../src/db/database'
import { ensureDatabase } from '../../src/db/embedded-postgres'
import { migrateToLatest } from '../../src/db/migrate'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { createHost } from '../helpers'
import { connectGoogle, integrationOf, liveClock, startGoogleApp, testBox, until } from './harness'

const template = inject('databaseUrlTemplate')
const name = `slotkit_poll_${randomUUID().replaceAll('-', '').slice(0, 12)}`
let fake: GoogleFake
let db: Db
let app: FastifyInstance

beforeAll(async () => {
  await ensureDatabase(template.replace('__DB__', 'postgres'), name)
  db = createDb({ connectionString: template.replace('__DB__', name), max: 2 })
  await migrateToLatest(db)
  fake = await startGoogleFake()
})

afterAll(async () => {
  await app?.close()
  await db.destroy()
  await fake.close()
  const admin = new pg.Client({ connectionString: template.replace('__DB__', 'postgres') })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.end()
})

describe('polling', () => {
  it('the schedule syncs an integration whose last sync is older than 10 minutes', async () => {
    const clock = liveClock()
    const box = testBox()
    const setup = await startGoogleApp({
      fake,
      clock,
      box,
      config: { databaseUrl: template.replace('__DB__', name) },
    })
    const host = await createHost(setup, 'UTC')
    fake.addAccount('poll@example.com')
    await connectGoogle(setup, fake, host, 'poll@example.com')
    const id = await integrationOf(setup, host)
    await setup.close()
    expect((await findIntegration(db, id))!.lastSyncedAt).toBeNull()

    // Now a server with workers and the cron schedules, nothing else.
    app = await startGoogleApp({
      fake,
      clock,
      box,
      workers: true,
      schedules: true,
      config: { databaseUrl: template.replace('__DB__', name) },
    })
    const schedules = await app.slotkitJobs!.boss.getSchedules()
    expect(schedules.map((s) => [s.name, s.cron]).sort()).toEqual([
      ['calendar.poll', '* * * * *'],
      ['calendar.renew-channels', '*/15 * * * *'],
    ])
    await until(
      async () => (await findIntegration(db, id))!.lastSyncedAt !== null,
      'the poller to sync',
      30_000,
    )
    expect(fake.count('events.list')).toBeGreaterThanOrEqual(1)
  }, 60_000)
})
