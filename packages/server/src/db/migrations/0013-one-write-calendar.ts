import { type Kysely, sql } from 'kysely'

/**
 * One write calendar per host (issue 13, ADR 0015): every booking of a host is
 * written to the one calendar the host chose, whichever provider it is on, not
 * to one calendar per connected account. Where a host had several (one per
 * account), the one bookings already went to stays: that of the oldest account
 * not disconnected. The per-account unique index becomes a per-host one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    WITH ranked AS (
      SELECT c.id,
             row_number() OVER (
               PARTITION BY c.host_id
               ORDER BY i.status = 'disconnected', i.created_at, i.id
             ) AS n
        FROM integration_calendars c
        JOIN integrations i ON i.id = c.integration_id
       WHERE c.write
    )
    UPDATE integration_calendars c SET write = false, updated_at = now()
      FROM ranked
     WHERE ranked.id = c.id AND ranked.n > 1`.execute(db)
  await sql`DROP INDEX integration_calendars_write_key`.execute(db)
  await sql`
    CREATE UNIQUE INDEX integration_calendars_one_write_per_host
      ON integration_calendars (host_id) WHERE write`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX integration_calendars_one_write_per_host`.execute(db)
  await sql`
    CREATE UNIQUE INDEX integration_calendars_write_key
      ON integration_calendars (integration_id) WHERE write`.execute(db)
}
