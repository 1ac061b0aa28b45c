import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../src/db/database'
import { createHost, createTestApp, testConfig } from '../helpers'

let app: FastifyInstance
let db: Db

beforeAll(async () => {
  app = await createTestApp()
  db = createDb({ connectionString: testConfig().databaseUrl! })
})

afterAll(async () => {
  await app.close()
  await db.destroy()
})

async function version(hostId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select('scheduleVersion')
    .where('id', '=', hostId)
    .executeTakeFirstOrThrow()
  return Number(row.scheduleVersion)
}

describe('external_busy triggers (migration 0007)', () => {
  it('bumps schedule_version once per statement, not once per row', async () => {
    const host = await createHost(app, 'UTC')
    const before = await version(host.id)
    // 5,000 rows in one statement, as a calendar's initial sync writes them.
    await sql`
      INSERT INTO external_busy (host_id, source, external_id, starts_at, ends_at)
      SELECT ${host.id}, 'test', 'e' || n, timestamptz '2027-03-01T00:00Z' + n * interval '1 hour',
             timestamptz '2027-03-01T00:30Z' + n * interval '1 hour'
        FROM generate_series(1, 5000) AS n`.execute(db)
    expect(await version(host.id)).toBe(before + 1)
    await sql`UPDATE external_busy SET transparent = true WHERE host_id = ${host.id}`.execute(db)
    expect(await version(host.id)).toBe(before + 2)
    await sql`DELETE FROM external_busy WHERE host_id = ${host.id}`.execute(db)
    expect(await version(host.id)).toBe(before + 3)
  })

  it('bumps every host a statement touched, and none when it touched no row', async () => {
    const a = await createHost(app, 'UTC')
    const b = await createHost(app, 'UTC')
    const [va, vb] = [await version(a.id), await version(b.id)]
    await sql`
      INSERT INTO external_busy (host_id, source, starts_at, ends_at)
      VALUES (${a.id}, 'test', '2027-03-02T10:00Z', '2027-03-02T11:00Z'),
             (${b.id}, 'test', '2027-03-02T10:00Z', '2027-03-02T11:00Z')`.execute(db)
    expect([await version(a.id), await version(b.id)]).toEqual([va + 1, vb + 1])
    await sql`DELETE FROM external_busy WHERE host_id = ${a.id} AND source = 'nothing'`.execute(db)
    expect(await version(a.id)).toBe(va + 1)
  })

  it("moves all-day busy rows to the host's new zone", async () => {
    const host = await createHost(app, 'America/New_York')
    await sql`
      INSERT INTO external_busy (host_id, source, starts_at, ends_at, all_day_start, all_day_end)
      VALUES (${host.id}, 'test', '2027-03-10T05:00Z', '2027-03-11T05:00Z', '2027-03-10', '2027-03-11')`.execute(
      db,
    )
    await sql`UPDATE users SET time_zone = 'Asia/Kolkata' WHERE id = ${host.id}`.execute(db)
    const row = await db
      .selectFrom('externalBusy')
      .select(['startsAt', 'endsAt'])
      .where('hostId', '=', host.id)
      .executeTakeFirstOrThrow()
    // Midnight in Kolkata (UTC+05:30) is 18:30 UTC the day before.
    expect(row.startsAt.toISOString()).toBe('2027-03-09T18:30:00.000Z')
    expect(row.endsAt.toISOString()).toBe('2027-03-10T18:30:00.000Z')
  })
})
