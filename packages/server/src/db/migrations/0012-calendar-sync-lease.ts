import { type Kysely, sql } from 'kysely'

/**
 * Calendar sync hardening (issues 12/13 follow-up, ADR 0012):
 *
 * - `integrations.sync_holder`: who holds the sync claim (`sync_lease_until`). A
 *   claim is renewed and released only by its holder, so a sync that outlived its
 *   lease can no longer clear the claim of the sync that took over.
 * - `integrations.refreshing_until` / `refresh_holder`: a claim on refreshing the
 *   OAuth grant, taken and given back in short statements, so the HTTP call to
 *   the token endpoint holds no row lock and no pool connection.
 * - `slotkit_all_day_instant(date, zone)`: a date's midnight in a zone, the one
 *   expression behind an all-day event's instants. The upsert of a sync and the
 *   trigger that moves the rows when the host's zone changes both use it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE integrations
      ADD COLUMN sync_holder uuid,
      ADD COLUMN refreshing_until timestamptz,
      ADD COLUMN refresh_holder uuid`.execute(db)
  // A midnight in a DST gap resolves forward, like core's toInstant ('compatible').
  await sql`
    CREATE FUNCTION slotkit_all_day_instant(day date, zone text) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT day::timestamp AT TIME ZONE zone $$`.execute(db)
  // The zone if PostgreSQL's tz database knows it, else NULL (a zone newer than its
  // copy): callers then keep the instants Node computed.
  await sql`
    CREATE FUNCTION slotkit_known_zone(zone text) RETURNS text
      LANGUAGE plpgsql STABLE STRICT AS $$
    BEGIN
      PERFORM now() AT TIME ZONE zone;
      RETURN zone;
    EXCEPTION WHEN invalid_parameter_value THEN
      RETURN NULL;
    END $$`.execute(db)
  await sql`
    CREATE OR REPLACE FUNCTION slotkit_move_all_day_busy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF slotkit_known_zone(NEW.time_zone) IS NULL THEN
        RETURN NULL;
      END IF;
      UPDATE external_busy
         SET starts_at = slotkit_all_day_instant(all_day_start, NEW.time_zone),
             ends_at = slotkit_all_day_instant(all_day_end, NEW.time_zone),
             updated_at = now()
       WHERE host_id = NEW.id AND all_day_start IS NOT NULL;
      RETURN NULL;
    END $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION slotkit_move_all_day_busy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE external_busy
         SET starts_at = all_day_start::timestamp AT TIME ZONE NEW.time_zone,
             ends_at = all_day_end::timestamp AT TIME ZONE NEW.time_zone,
             updated_at = now()
       WHERE host_id = NEW.id AND all_day_start IS NOT NULL;
      RETURN NULL;
    EXCEPTION WHEN invalid_parameter_value THEN
      RETURN NULL;
    END $$`.execute(db)
  await sql`DROP FUNCTION slotkit_known_zone(text)`.execute(db)
  await sql`DROP FUNCTION slotkit_all_day_instant(date, text)`.execute(db)
  await sql`
    ALTER TABLE integrations
      DROP COLUMN refresh_holder,
      DROP COLUMN refreshing_until,
      DROP COLUMN sync_holder`.execute(db)
}
