import { type Kysely, sql } from 'kysely'

/**
 * `users.schedule_version`: a counter of the changes that can make a slot check
 * wrong (a new booking, rules and overrides, meeting-type edits, the host's zone,
 * external busy times). The booking path checks a slot against data read at one
 * version and inserts only if the host row still has it (ADR 0008).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN schedule_version bigint NOT NULL DEFAULT 0`.execute(db)
  await sql`
    COMMENT ON COLUMN users.schedule_version IS
      'Bumped in the same transaction as every write that can turn a passed slot check into a failed one; see docs/decisions/0008'
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN schedule_version`.execute(db)
}
