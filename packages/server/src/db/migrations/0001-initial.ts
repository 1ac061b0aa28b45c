import { type Kysely, sql } from 'kysely'

/**
 * The initial schema. Every table the booking path touches carries the host id
 * (`user_id`/`host_id`) and every booking-path query filters on it, so the schema
 * stays shardable by host (docs/architecture.md, "Defaults, and the real part behind each"). Monthly partitioning of bookings
 * is planned in docs/decisions/0002-bookings-partitioning.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS btree_gist`.execute(db)

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (char_length(email) <= 254),
      name text NOT NULL CHECK (char_length(name) <= 200),
      time_zone text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`.execute(db)

  await sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      prefix text NOT NULL,
      key_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db)
  // Authentication looks a key up by its hash.
  await sql`CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash)`.execute(db)
  await sql`CREATE INDEX api_keys_user_id_idx ON api_keys (user_id)`.execute(db)

  await sql`
    CREATE TABLE meeting_types (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (char_length(name) <= 200),
      slug text,
      duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
      duration_options_minutes integer[] NOT NULL DEFAULT '{}',
      buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 1440),
      buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 1440),
      slot_interval_minutes integer CHECK (slot_interval_minutes BETWEEN 1 AND 1440),
      min_notice_minutes integer NOT NULL DEFAULT 60 CHECK (min_notice_minutes >= 0),
      max_days_ahead integer NOT NULL DEFAULT 60 CHECK (max_days_ahead >= 0),
      max_bookings_per_day integer CHECK (max_bookings_per_day >= 0),
      max_bookings_per_week integer CHECK (max_bookings_per_week >= 0),
      date_range_start date,
      date_range_end date,
      questions jsonb NOT NULL DEFAULT '[]',
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((date_range_start IS NULL) = (date_range_end IS NULL)),
      CHECK (date_range_end IS NULL OR date_range_end >= date_range_start)
    )`.execute(db)
  // "Meeting types of a user", in creation order.
  await sql`CREATE INDEX meeting_types_user_id_idx ON meeting_types (user_id, created_at, id)`.execute(
    db,
  )
  await sql`CREATE UNIQUE INDEX meeting_types_user_slug_key ON meeting_types (user_id, slug) WHERE slug IS NOT NULL`.execute(
    db,
  )

  await sql`
    CREATE TABLE availability_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      day_of_week smallint NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
      start_time time NOT NULL,
      end_time time NOT NULL,
      CHECK (end_time > start_time)
    )`.execute(db)
  await sql`CREATE INDEX availability_rules_user_id_idx ON availability_rules (user_id, day_of_week, start_time)`.execute(
    db,
  )

  await sql`
    CREATE TABLE date_overrides (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      date date NOT NULL,
      intervals jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (user_id, date)
    )`.execute(db)

  await sql`
    CREATE TABLE bookings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      host_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      meeting_type_id uuid NOT NULL REFERENCES meeting_types (id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('confirmed', 'cancelled', 'rescheduled')),
      version integer NOT NULL DEFAULT 1,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      buffer_before_minutes integer NOT NULL DEFAULT 0,
      buffer_after_minutes integer NOT NULL DEFAULT 0,
      blocked tstzrange NOT NULL,
      invitee_name text NOT NULL CHECK (char_length(invitee_name) <= 200),
      invitee_email text NOT NULL CHECK (char_length(invitee_email) <= 254),
      invitee_time_zone text NOT NULL,
      answers jsonb NOT NULL DEFAULT '{}',
      token_hash text NOT NULL,
      idempotency_key text,
      request_hash text,
      cancel_reason text,
      cancelled_at timestamptz,
      rescheduled_from uuid,
      rescheduled_to uuid,
      calendar_event_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at),
      CHECK (blocked = tstzrange(starts_at - make_interval(mins => buffer_before_minutes),
                                 ends_at + make_interval(mins => buffer_after_minutes), '[)')),
      -- Layer 1 of the booking invariant (docs/architecture.md): confirmed bookings of one host never overlap, buffers included.
      CONSTRAINT bookings_no_overlap EXCLUDE USING gist (host_id WITH =, blocked WITH &&)
        WHERE (status = 'confirmed')
    )`.execute(db)
  // The exclusion constraint's gist index also serves "confirmed bookings of a host
  // overlapping a window" (slots, the booking re-check, limits).
  // Listing a host's bookings by start (cursor = starts_at, id).
  await sql`CREATE INDEX bookings_host_starts_idx ON bookings (host_id, starts_at, id)`.execute(db)
  // Idempotency-Key, scoped per host (the booking path is keyed by host).
  await sql`CREATE UNIQUE INDEX bookings_host_idempotency_key ON bookings (host_id, idempotency_key) WHERE idempotency_key IS NOT NULL`.execute(
    db,
  )
  await sql`CREATE INDEX bookings_meeting_type_idx ON bookings (meeting_type_id)`.execute(db)

  await sql`
    CREATE TABLE external_busy (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      host_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      source text NOT NULL,
      external_id text,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      transparent boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    )`.execute(db)
  await sql`CREATE INDEX external_busy_host_range_idx ON external_busy USING gist (host_id, tstzrange(starts_at, ends_at, '[)'))`.execute(
    db,
  )
  await sql`CREATE UNIQUE INDEX external_busy_source_key ON external_busy (host_id, source, external_id) WHERE external_id IS NOT NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'external_busy',
    'bookings',
    'date_overrides',
    'availability_rules',
    'meeting_types',
    'api_keys',
    'users',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db)
  }
}
