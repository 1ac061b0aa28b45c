import { type Kysely, sql } from 'kysely'

/**
 * Notifications (issue 4): outbound webhooks, their delivery log, and the log of
 * e-mails sent, which makes the e-mail jobs idempotent (one row per message key;
 * a job that runs twice finds the row and sends nothing). Every table carries the
 * host id, like the booking tables (docs/architecture.md: shard by host).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhooks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      url text NOT NULL CHECK (char_length(url) <= 2048),
      events text[] NOT NULL CHECK (cardinality(events) >= 1),
      -- Signs deliveries (HMAC-SHA256); the server needs it in clear to sign.
      secret text NOT NULL,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX webhooks_user_id_idx ON webhooks (user_id, created_at, id)`.execute(db)

  await sql`
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      host_id uuid NOT NULL,
      -- One event fans out to every matching webhook once: (webhook_id, event_id) is unique.
      event_id uuid NOT NULL,
      event text NOT NULL,
      booking_id uuid,
      -- The exact JSON body that is signed and sent, the same on every attempt.
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      response_status integer,
      error text,
      -- Millisecond precision: the log's cursor carries it through a JavaScript Date.
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      last_attempt_at timestamptz,
      next_attempt_at timestamptz
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX webhook_deliveries_event_key ON webhook_deliveries (webhook_id, event_id)`.execute(
    db,
  )
  // The delivery log of a webhook, newest first (cursor = created_at, id).
  await sql`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC)`.execute(
    db,
  )

  await sql`
    CREATE TABLE notification_log (
      booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
      -- What was sent and to whom, e.g. 'confirmation:invitee', 'reminder-1h:host'.
      kind text NOT NULL,
      -- The booking version the message describes.
      version integer NOT NULL,
      host_id uuid NOT NULL,
      recipient text NOT NULL,
      message_id text NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (booking_id, kind, version)
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['notification_log', 'webhook_deliveries', 'webhooks']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db)
  }
}
