import { sql } from 'kysely'
import type { Db } from '../database'
import { isUuid } from '../ids'
import type { UserRow } from '../schema'

/** The repository methods take `db` or a transaction (same type in Kysely). */
export async function insertUser(
  db: Db,
  user: { email: string; name: string; timeZone: string },
): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow()
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst()
}

export async function updateUser(
  db: Db,
  id: string,
  changes: Partial<{ email: string; name: string; timeZone: string }>,
): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined
  return (
    db
      .updateTable('users')
      // A new zone moves the working hours: a trigger bumps schedule_version (migration 0003).
      .set({ ...changes, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
  )
}

/**
 * Layer 2 of DESIGN.md: locks the host row for the rest of the transaction, so
 * every locked booking, reschedule and rule change of one host runs one at a
 * time, and bumps `schedule_version`, so an optimistic booking checked against
 * the data before this change cannot commit (ADR 0008).
 */
export async function lockHost(trx: Db, hostId: string): Promise<UserRow | undefined> {
  return trx
    .updateTable('users')
    .set({ scheduleVersion: sql`schedule_version + 1` })
    .where('id', '=', hostId)
    .returningAll()
    .executeTakeFirst()
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertApiKey(
  db: Db,
  key: { userId: string; prefix: string; keyHash: string },
): Promise<void> {
  await db.insertInto('apiKeys').values(key).execute()
}

/** The user an API key (by its hash) belongs to, unless revoked. */
export async function findUserIdByKeyHash(db: Db, keyHash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('apiKeys')
    .select('userId')
    .where('keyHash', '=', keyHash)
    .where('revokedAt', 'is', null)
    .executeTakeFirst()
  return row?.userId
}
