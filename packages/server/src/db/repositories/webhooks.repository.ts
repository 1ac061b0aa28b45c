import { type Kysely, sql } from 'kysely'
import type { WebhookDeliveryRow, WebhookDeliveryStatus, WebhookRow } from '../notifications.schema'
import type { Database } from '../schema'
import { notificationDb } from './notifications.repository'

/** Creates a webhook subscription. */
export async function insertWebhook(
  db: Kysely<Database>,
  values: { userId: string; url: string; events: string[]; secret: string },
): Promise<WebhookRow> {
  return notificationDb(db)
    .insertInto('webhooks')
    .values(values)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Creates a webhook unless its host already has `max` webhooks (then
 * `undefined`). Count and insert run under a per-host transaction lock, so two
 * requests at once cannot both take the last place. An advisory lock rather
 * than the host row: the booking path's batched write skips host rows someone
 * holds (ADR 0008), and a webhook change has no business delaying bookings.
 */
export async function insertWebhookWithin(
  db: Kysely<Database>,
  values: { userId: string; url: string; events: string[]; secret: string },
  max: number,
): Promise<WebhookRow | undefined> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`slotkit:webhooks:${values.userId}`}, 0))`.execute(
      trx,
    )
    const { count } = await notificationDb(trx)
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('userId', '=', values.userId)
      .executeTakeFirstOrThrow()
    if (Number(count) >= max) return undefined
    return insertWebhook(trx, values)
  })
}

/** A host's webhooks in creation order. */
export async function listWebhooks(db: Kysely<Database>, userId: string): Promise<WebhookRow[]> {
  return notificationDb(db)
    .selectFrom('webhooks')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute()
}

export async function findWebhookById(
  db: Kysely<Database>,
  id: string,
): Promise<WebhookRow | undefined> {
  return notificationDb(db)
    .selectFrom('webhooks')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Changes the fields of a webhook that are given; `undefined` when there is no such webhook. */
export async function updateWebhook(
  db: Kysely<Database>,
  id: string,
  changes: { url?: string; events?: string[]; isActive?: boolean },
): Promise<WebhookRow | undefined> {
  return notificationDb(db)
    .updateTable('webhooks')
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.events !== undefined ? { events: changes.events } : {}),
      ...(changes.isActive !== undefined ? { isActive: changes.isActive } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** Deletes a webhook (its deliveries go with it); false when there was none. */
export async function deleteWebhook(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await notificationDb(db)
    .deleteFrom('webhooks')
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Active webhooks of a host subscribed to `event`, oldest first, at most `limit`. */
export async function findSubscribedWebhooks(
  db: Kysely<Database>,
  hostId: string,
  event: string,
  limit: number,
): Promise<{ id: string }[]> {
  return notificationDb(db)
    .selectFrom('webhooks')
    .select('id')
    .where('userId', '=', hostId)
    .where('isActive', '=', true)
    .where(sql<boolean>`${event} = ANY(events)`)
    .orderBy('createdAt')
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** Creates one delivery per webhook for an event; existing ones are kept. Returns the new ids. */
export async function insertDeliveries(
  db: Kysely<Database>,
  rows: {
    webhookId: string
    hostId: string
    eventId: string
    event: string
    bookingId: string | null
    body: string
  }[],
): Promise<string[]> {
  if (rows.length === 0) return []
  const inserted = await notificationDb(db)
    .insertInto('webhookDeliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['webhookId', 'eventId']).doNothing())
    .returning('id')
    .execute()
  return inserted.map((r) => r.id)
}

/** A delivery with its webhook's url, secret and state. */
export async function findDeliveryForSending(db: Kysely<Database>, deliveryId: string) {
  return notificationDb(db)
    .selectFrom('webhookDeliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhookId')
    .select([
      'd.id',
      'd.event',
      'd.body',
      'd.status',
      'w.url',
      'w.secret',
      'w.isActive',
      'w.id as webhookId',
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst()
}

/** Records one attempt. */
export async function recordDeliveryAttempt(
  db: Kysely<Database>,
  deliveryId: string,
  attempt: {
    status: WebhookDeliveryStatus
    responseStatus: number | null
    error: string | null
    at: Date
    nextAttemptAt: Date | null
  },
): Promise<void> {
  await notificationDb(db)
    .updateTable('webhookDeliveries')
    .set({
      status: attempt.status,
      attempts: sql`attempts + 1`,
      responseStatus: attempt.responseStatus,
      error: attempt.error,
      lastAttemptAt: attempt.at,
      nextAttemptAt: attempt.nextAttemptAt,
    })
    .where('id', '=', deliveryId)
    .execute()
}

/** One page of a webhook's delivery log, newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  webhookId: string,
  options: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<WebhookDeliveryRow[]> {
  let query = notificationDb(db)
    .selectFrom('webhookDeliveries')
    .selectAll()
    .where('webhookId', '=', webhookId)
  if (options.before) {
    const { createdAt, id } = options.before
    query = query.where((eb) =>
      eb.or([
        eb('createdAt', '<', createdAt),
        eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)]),
      ]),
    )
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(options.limit).execute()
}
