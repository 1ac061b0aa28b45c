import { type Kysely, sql } from 'kysely'

/**
 * Calendar integrations (issue 12, ADR 0012): a host's connected provider
 * accounts, their calendars, and the OAuth states of connects in progress.
 * Synced busy times stay in `external_busy`, which gains the integration and
 * calendar they came from and, for all-day events, their dates. Every table
 * carries the host id, like the booking tables, so the data stays shardable by
 * host (docs/architecture.md).
 *
 * It also replaces migration 0003's per-row trigger on `external_busy` with
 * per-statement ones: a sync writes thousands of rows in one statement, and
 * bumping `users.schedule_version` once per row updated the host row that
 * many times. The guarantee of ADR 0008 is unchanged: every statement that
 * writes `external_busy` bumps the version of each host it touched, in the
 * same transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE integrations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      host_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      provider text NOT NULL CHECK (provider ~ '^[a-z][a-z0-9-]{0,31}$'),
      -- The provider account (Google: the primary calendar's id, an e-mail address).
      account_email text NOT NULL CHECK (char_length(account_email) <= 320),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'error', 'disconnected')),
      -- AES-256-GCM ciphertext of the credentials JSON (tokens, or a CalDAV password);
      -- key_id names the key that sealed it (integrations/calendar/secret-box.ts).
      credentials text NOT NULL,
      key_id text NOT NULL,
      access_expires_at timestamptz,
      last_synced_at timestamptz,
      last_error text CHECK (char_length(last_error) <= 1000),
      -- Backoff after failures: no sync before next_attempt_at.
      failure_count integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      -- One sync at a time per integration across processes: a claim that expires.
      sync_lease_until timestamptz,
      disconnected_at timestamptz,
      -- The host was e-mailed about the disconnection of disconnected_at.
      disconnect_notified_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  // One integration per provider account of a host: reconnecting updates it.
  await sql`CREATE UNIQUE INDEX integrations_account_key ON integrations (host_id, provider, lower(account_email))`.execute(
    db,
  )
  // The slots endpoint reads the oldest sync of a host's live integrations in its one query.
  await sql`CREATE INDEX integrations_host_idx ON integrations (host_id) INCLUDE (status, last_synced_at)`.execute(
    db,
  )
  // The poller's "live integrations not synced for 10 minutes".
  await sql`CREATE INDEX integrations_due_idx ON integrations (last_synced_at NULLS FIRST) WHERE status <> 'disconnected'`.execute(
    db,
  )

  await sql`
    CREATE TABLE integration_calendars (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      integration_id uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
      host_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      external_id text NOT NULL CHECK (char_length(external_id) <= 1024),
      name text NOT NULL CHECK (char_length(name) <= 1000),
      time_zone text,
      is_primary boolean NOT NULL DEFAULT false,
      -- Its events block the host's time.
      busy boolean NOT NULL DEFAULT false,
      -- Bookings are written to it (stage B of issue 12).
      write boolean NOT NULL DEFAULT false,
      -- The provider's cursor (Google nextSyncToken, Graph deltaLink, CalDAV ctag) and
      -- the end of the range the last full sync covered.
      sync_cursor text,
      synced_at timestamptz,
      window_end timestamptz,
      -- Push channel (Google events.watch, Graph subscription); only a hash of its token.
      channel_id text,
      channel_resource_id text,
      channel_token_hash text,
      channel_expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (integration_id, external_id)
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX integration_calendars_write_key ON integration_calendars (integration_id) WHERE write`.execute(
    db,
  )
  // A push notification finds its calendar by channel id.
  await sql`CREATE UNIQUE INDEX integration_calendars_channel_key ON integration_calendars (channel_id) WHERE channel_id IS NOT NULL`.execute(
    db,
  )
  await sql`CREATE INDEX integration_calendars_host_idx ON integration_calendars (host_id)`.execute(
    db,
  )

  await sql`
    CREATE TABLE oauth_states (
      -- sha-256 (hex) of the state sent to the provider; the state itself is never stored.
      state_hash text PRIMARY KEY,
      host_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      provider text NOT NULL,
      -- The PKCE code verifier, encrypted like credentials.
      code_verifier text NOT NULL,
      return_url text CHECK (char_length(return_url) <= 2048),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX oauth_states_expires_idx ON oauth_states (expires_at)`.execute(db)

  await sql`
    ALTER TABLE external_busy
      ADD COLUMN integration_id uuid REFERENCES integrations (id) ON DELETE CASCADE,
      ADD COLUMN calendar_id uuid REFERENCES integration_calendars (id) ON DELETE CASCADE,
      -- An all-day event's dates (end exclusive): starts_at/ends_at are their midnights
      -- in the host's zone, moved when the zone changes (trigger below).
      ADD COLUMN all_day_start date,
      ADD COLUMN all_day_end date,
      ADD CONSTRAINT external_busy_all_day_check
        CHECK ((all_day_start IS NULL) = (all_day_end IS NULL) AND all_day_end > all_day_start),
      ADD CONSTRAINT external_busy_calendar_check
        CHECK ((calendar_id IS NULL) = (integration_id IS NULL))`.execute(db)
  // One row per event of a calendar. The same event id may sit in two calendars of
  // one host (an invitation), so synced rows leave the per-source key of 0001.
  await sql`CREATE UNIQUE INDEX external_busy_calendar_key ON external_busy (calendar_id, external_id) WHERE calendar_id IS NOT NULL`.execute(
    db,
  )
  await sql`DROP INDEX external_busy_source_key`.execute(db)
  await sql`CREATE UNIQUE INDEX external_busy_source_key ON external_busy (host_id, source, external_id) WHERE external_id IS NOT NULL AND calendar_id IS NULL`.execute(
    db,
  )
  await sql`CREATE INDEX external_busy_integration_idx ON external_busy (integration_id) WHERE integration_id IS NOT NULL`.execute(
    db,
  )

  // Per statement instead of per row (0003): one bump per host a statement touched.
  // PostgreSQL allows transition tables on single-event triggers only, hence three.
  await sql`DROP TRIGGER external_busy_bump_schedule_version ON external_busy`.execute(db)
  await sql`
    CREATE FUNCTION slotkit_bump_schedule_version_of_busy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE users SET schedule_version = schedule_version + 1
         WHERE id IN (SELECT host_id FROM busy_new);
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE users SET schedule_version = schedule_version + 1
         WHERE id IN (SELECT host_id FROM busy_old);
      ELSE
        -- Both sides: a row can move hosts.
        UPDATE users SET schedule_version = schedule_version + 1
         WHERE id IN (SELECT host_id FROM busy_old UNION SELECT host_id FROM busy_new);
      END IF;
      RETURN NULL;
    END $$`.execute(db)
  await sql`
    CREATE TRIGGER external_busy_insert_bumps_schedule_version
      AFTER INSERT ON external_busy REFERENCING NEW TABLE AS busy_new
      FOR EACH STATEMENT EXECUTE FUNCTION slotkit_bump_schedule_version_of_busy()`.execute(db)
  await sql`
    CREATE TRIGGER external_busy_update_bumps_schedule_version
      AFTER UPDATE ON external_busy REFERENCING OLD TABLE AS busy_old NEW TABLE AS busy_new
      FOR EACH STATEMENT EXECUTE FUNCTION slotkit_bump_schedule_version_of_busy()`.execute(db)
  await sql`
    CREATE TRIGGER external_busy_delete_bumps_schedule_version
      AFTER DELETE ON external_busy REFERENCING OLD TABLE AS busy_old
      FOR EACH STATEMENT EXECUTE FUNCTION slotkit_bump_schedule_version_of_busy()`.execute(db)

  // All-day events block their dates in the host's zone: a zone change moves them.
  // A zone PostgreSQL's tz database does not know (newer than its copy) leaves the
  // rows as they are until the next full sync recomputes them in Node.
  await sql`
    CREATE FUNCTION slotkit_move_all_day_busy() RETURNS trigger LANGUAGE plpgsql AS $$
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
  await sql`
    CREATE TRIGGER users_zone_moves_all_day_busy
      AFTER UPDATE OF time_zone ON users
      FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
      EXECUTE FUNCTION slotkit_move_all_day_busy()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER users_zone_moves_all_day_busy ON users`.execute(db)
  await sql`DROP FUNCTION slotkit_move_all_day_busy()`.execute(db)
  for (const op of ['insert', 'update', 'delete']) {
    await sql`DROP TRIGGER ${sql.id(`external_busy_${op}_bumps_schedule_version`)} ON external_busy`.execute(
      db,
    )
  }
  await sql`DROP FUNCTION slotkit_bump_schedule_version_of_busy()`.execute(db)
  await sql`
    CREATE TRIGGER external_busy_bump_schedule_version
      AFTER INSERT OR UPDATE OR DELETE ON external_busy
      FOR EACH ROW EXECUTE FUNCTION slotkit_bump_schedule_version('host_id')`.execute(db)
  await sql`DELETE FROM external_busy WHERE calendar_id IS NOT NULL`.execute(db)
  await sql`DROP INDEX external_busy_integration_idx`.execute(db)
  await sql`DROP INDEX external_busy_source_key`.execute(db)
  await sql`CREATE UNIQUE INDEX external_busy_source_key ON external_busy (host_id, source, external_id) WHERE external_id IS NOT NULL`.execute(
    db,
  )
  await sql`DROP INDEX external_busy_calendar_key`.execute(db)
  await sql`
    ALTER TABLE external_busy
      DROP CONSTRAINT external_busy_calendar_check,
      DROP CONSTRAINT external_busy_all_day_check,
      DROP COLUMN all_day_end,
      DROP COLUMN all_day_start,
      DROP COLUMN calendar_id,
      DROP COLUMN integration_id`.execute(db)
  for (const table of ['oauth_states', 'integration_calendars', 'integrations']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db)
  }
}
