import type { BookingLocation } from '@slotkit/core/api'
import { type Kysely, sql } from 'kysely'
import type { NotificationTables } from '../notifications.schema'
import type { BookingStatus, Database } from '../schema'

/** Kysely over the app's tables and those of migration 0002. */
export type NotificationDb = Kysely<Database & NotificationTables>

/** The same pool, typed with the notification tables. */
export function notificationDb(db: Kysely<Database>): NotificationDb {
  return db.withTables<NotificationTables>()
}

/** A booking with what its e-mails show. */
export interface BookingForEmail {
  id: string
  hostId: string
  meetingTypeId: string
  status: BookingStatus
  version: number
  startsAt: Date
  endsAt: Date
  inviteeName: string
  inviteeEmail: string
  inviteeTimeZone: string
  /** The invitee's language (BCP 47), or null: their e-mails fall back to English. */
  locale: string | null
  cancelReason: string | null
  rescheduledFrom: string | null
  /** sha-256 of the invitee's token: tells which secret key made it (links in e-mails). */
  tokenHash: string
  /** Where the meeting happens, and its join link once known (migration 0009). */
  location: BookingLocation | null
  meetingUrl: string | null
  hostName: string
  hostEmail: string
  hostTimeZone: string
  meetingName: string
}

/** Loads a booking with its host and meeting type, or undefined when it is gone. */
export async function findBookingForEmail(
  db: Kysely<Database>,
  bookingId: string,
): Promise<BookingForEmail | undefined> {
  return db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.hostId')
    .innerJoin('meetingTypes as mt', 'mt.id', 'b.meetingTypeId')
    .select([
      'b.id',
      'b.hostId',
      'b.meetingTypeId',
      'b.status',
      'b.version',
      'b.startsAt',
      'b.endsAt',
      'b.inviteeName',
      'b.inviteeEmail',
      'b.inviteeTimeZone',
      'b.locale',
      'b.cancelReason',
      'b.rescheduledFrom',
      'b.tokenHash',
      'b.location',
      'b.meetingUrl',
      'u.name as hostName',
      'u.email as hostEmail',
      'u.timeZone as hostTimeZone',
      'mt.name as meetingName',
    ])
    .where('b.id', '=', bookingId)
    .executeTakeFirst()
}

/**
 * The first booking of a reschedule chain and how many reschedules lead to
 * `bookingId` (0 for a booking never rescheduled): the invite's UID and SEQUENCE.
 */
export async function findRescheduleChain(
  db: Kysely<Database>,
  bookingId: string,
): Promise<{ rootId: string; depth: number; previousStartsAt: Date | null }> {
  const { rows } = await sql<{ id: string; depth: number; startsAt: Date }>`
    WITH RECURSIVE chain AS (
      SELECT id, rescheduled_from, starts_at, 0 AS depth FROM bookings WHERE id = ${bookingId}
      UNION ALL
      SELECT b.id, b.rescheduled_from, b.starts_at, c.depth + 1
        FROM bookings b JOIN chain c ON b.id = c.rescheduled_from
       WHERE c.depth < 1000
    )
    SELECT id, depth, starts_at FROM chain ORDER BY depth`.execute(db)
  const root = rows[rows.length - 1]
  return {
    rootId: root?.id ?? bookingId,
    depth: root?.depth ?? 0,
    previousStartsAt: rows[1]?.startsAt ?? null,
  }
}

/** The message key of one e-mail: unique per booking, kind and booking version. */
export interface MessageKey {
  readonly bookingId: string
  /** e.g. `confirmation:invitee`. */
  readonly kind: string
  readonly version: number
}

/** Whether one of `kinds` of a booking version was sent (committed in notification_log). */
export async function wasSent(
  db: Kysely<Database>,
  key: { bookingId: string; kinds: readonly string[]; version: number },
): Promise<boolean> {
  const row = await notificationDb(db)
    .selectFrom('notificationLog')
    .select('bookingId')
    .where('bookingId', '=', key.bookingId)
    .where('kind', 'in', key.kinds)
    .where('version', '=', key.version)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Records a message as sent without sending it, in `db` (a transaction): a
 * confirmation that already carried the join link stands for the join-link
 * e-mail of the same version, which then finds its key taken. False when it is
 * taken already.
 */
export async function claimMessage(
  db: Kysely<Database>,
  key: MessageKey & { hostId: string; recipient: string; messageId: string },
): Promise<boolean> {
  const claimed = await notificationDb(db)
    .insertInto('notificationLog')
    .values({
      bookingId: key.bookingId,
      kind: key.kind,
      version: key.version,
      hostId: key.hostId,
      recipient: key.recipient,
      messageId: key.messageId,
    })
    .onConflict((oc) => oc.columns(['bookingId', 'kind', 'version']).doNothing())
    .returning('bookingId')
    .executeTakeFirst()
  return claimed !== undefined
}

/**
 * Sends at most once per message key: inserts the key into notification_log and
 * calls `send` inside one transaction. A concurrent duplicate waits on the key
 * and then skips; a failed send rolls the key back, so the retry sends. Only a
 * crash between the SMTP server accepting and the commit can repeat a message,
 * and its Message-ID is then the same. Returns false for a duplicate.
 */
export async function sendOnce(
  db: Kysely<Database>,
  key: MessageKey & { hostId: string; recipient: string; messageId: string },
  send: (trx: Kysely<Database>) => Promise<unknown>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await claimMessage(trx, key))) return false
    await send(trx)
    return true
  })
}
