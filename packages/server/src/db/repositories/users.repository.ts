import { sql } from 'kysely'
import type { Db } from '../database'
import { isUuid } from '../ids'
import type { ApiKeyRow, UserRow } from '../schema'

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
 * Layer 2 of the booking invariant (docs/architecture.md): locks the host row for the rest of the transaction, so
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
): Promise<ApiKeyRow> {
  return db.insertInto('apiKeys').values(key).returningAll().executeTakeFirstOrThrow()
}

/**
 * The active key with this hash, or undefined. The same statement stamps its
 * `last_used_at`, at most once a minute, so a busy key costs no extra write per
 * look-up (and look-ups are cached, so the stamp is accurate to about a minute).
 */
export async function findActiveApiKey(
  db: Db,
  keyHash: string,
): Promise<{ id: string; userId: string } | undefined> {
  const { rows } = await sql<{ id: string; userId: string }>`
    WITH key AS (
      SELECT id, user_id, last_used_at FROM api_keys
       WHERE key_hash = ${keyHash} AND revoked_at IS NULL
    ), touched AS (
      UPDATE api_keys SET last_used_at = now() FROM key
       WHERE api_keys.id = key.id
         AND (key.last_used_at IS NULL OR key.last_used_at < now() - interval '1 minute')
    )
    SELECT id, user_id FROM key`.execute(db)
  return rows[0]
}

/** The user's active keys, oldest first. */
export async function listActiveApiKeys(db: Db, userId: string): Promise<ApiKeyRow[]> {
  if (!isUuid(userId)) return []
  return db
    .selectFrom('apiKeys')
    .selectAll()
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .orderBy('createdAt')
    .orderBy('id')
    .execute()
}

/**
 * Revokes the user's key `keyId`. `undefined` when the user has no such key;
 * a key revoked before is returned as it is (revoking is idempotent).
 */
export async function revokeApiKey(
  db: Db,
  userId: string,
  keyId: string,
): Promise<ApiKeyRow | undefined> {
  if (!isUuid(userId) || !isUuid(keyId)) return undefined
  const revoked = await db
    .updateTable('apiKeys')
    .set({ revokedAt: sql`now()` })
    .where('id', '=', keyId)
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .returningAll()
    .executeTakeFirst()
  if (revoked) return revoked
  return db
    .selectFrom('apiKeys')
    .selectAll()
    .where('id', '=', keyId)
    .where('userId', '=', userId)
    .executeTakeFirst()
}

/** Revokes every active key of the user but `keepId`; returns how many. */
export async function revokeOtherApiKeys(db: Db, userId: string, keepId: string): Promise<number> {
  const result = await db
    .updateTable('apiKeys')
    .set({ revokedAt: sql`now()` })
    .where('userId', '=', userId)
    .where('id', '!=', keepId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
