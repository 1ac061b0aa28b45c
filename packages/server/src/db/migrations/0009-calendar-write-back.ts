import { type Kysely, sql } from 'kysely'

/**
 * Meeting locations and calendar write-back (issue 12, stage B; ADR 0015).
 *
 * `meeting_types.location`: where its meetings happen, as the API writes it
 * (`{type: "google_meet"}`, `{type: "link", url}`, …); NULL for none.
 *
 * On `bookings`:
 * - `location`: the location resolved for this booking (a phone call carries
 *   the number to dial and who dials it), kept on reschedule;
 * - `meeting_url`: the join link, a link location's at once, a Meet or Teams
 *   link once the write-back made it;
 * - `calendar_sync`, `calendar_sync_error`, `calendar_sync_attempts`: where
 *   writing the booking to the host's calendar stands (`pending` when a
 *   `calendar.write-event` job was queued with the booking, `not_applicable`
 *   when the host had no write calendar);
 * - `calendar_id`: the calendar (`integration_calendars`) holding the event
 *   of `calendar_event_id` (migration 0001), so a cancel deletes it there even
 *   after the host picked another write calendar. A calendar removed with its
 *   integration leaves the booking's event where it was (SET NULL).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE meeting_types ADD COLUMN location jsonb`.execute(db)
  await sql`
    ALTER TABLE bookings
      ADD COLUMN location jsonb,
      ADD COLUMN meeting_url text CONSTRAINT bookings_meeting_url_length CHECK (char_length(meeting_url) <= 2048),
      ADD COLUMN calendar_sync text NOT NULL DEFAULT 'not_applicable'
        CONSTRAINT bookings_calendar_sync_check
        CHECK (calendar_sync IN ('pending', 'synced', 'failed', 'not_applicable')),
      ADD COLUMN calendar_sync_error text
        CONSTRAINT bookings_calendar_sync_error_length CHECK (char_length(calendar_sync_error) <= 1000),
      ADD COLUMN calendar_sync_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN calendar_id uuid REFERENCES integration_calendars (id) ON DELETE SET NULL`.execute(
    db,
  )
  // Removing an integration sets its bookings' calendar_id to NULL: without this
  // index that would scan every booking.
  await sql`CREATE INDEX bookings_calendar_id_idx ON bookings (calendar_id) WHERE calendar_id IS NOT NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX bookings_calendar_id_idx`.execute(db)
  await sql`
    ALTER TABLE bookings
      DROP COLUMN calendar_id,
      DROP COLUMN calendar_sync_attempts,
      DROP COLUMN calendar_sync_error,
      DROP COLUMN calendar_sync,
      DROP COLUMN meeting_url,
      DROP COLUMN location`.execute(db)
  await sql`ALTER TABLE meeting_types DROP COLUMN location`.execute(db)
}
