import { type Kysely, sql } from 'kysely'

/**
 * `bookings.locale`: the invitee's language as a canonical BCP 47 tag (`fr`,
 * `pt-BR`), as the widget or API client sent it with the booking; NULL for
 * bookings made without one (and all made before). The invitee's e-mails and
 * cancel/reschedule pages use it, falling back to English. The tag is stored as
 * sent (canonicalized), not as the catalog it resolved to, so a language
 * translated later reaches bookings already made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE bookings ADD COLUMN locale text
      CONSTRAINT bookings_locale_length CHECK (char_length(locale) BETWEEN 2 AND 35)
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE bookings DROP COLUMN locale`.execute(db)
}
