import { type Kysely, sql } from 'kysely'

/**
 * `server_secrets`: secrets every process on this database must share, one row per
 * name. Today one row, `booking-token`: the key deriving invitees' cancel/reschedule
 * tokens when SECRET_KEY is unset (it used to live in each process's DATA_DIR, so two
 * processes on one database disagreed). The value is generated in Node by
 * `resolveSecretKey` (src/config/secrets.ts), not here: pgcrypto may be absent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE server_secrets (
      name text PRIMARY KEY,
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS server_secrets`.execute(db)
}
