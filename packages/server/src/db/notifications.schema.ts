/**
 * Table types of migration 0002 (notifications), as Kysely sees them (camelCase).
 */
import type { ColumnType, Generated, Selectable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>

export interface WebhooksTable {
  id: Generated<string>
  userId: string
  url: string
  events: string[]
  secret: string
  isActive: Generated<boolean>
  createdAt: CreatedAt
  updatedAt: Generated<Date>
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed'

export interface WebhookDeliveriesTable {
  id: Generated<string>
  webhookId: string
  hostId: string
  eventId: string
  event: string
  bookingId: string | null
  body: string
  status: Generated<WebhookDeliveryStatus>
  attempts: Generated<number>
  responseStatus: number | null
  error: string | null
  createdAt: CreatedAt
  lastAttemptAt: Timestamp | null
  nextAttemptAt: Timestamp | null
}

export interface NotificationLogTable {
  bookingId: string
  kind: string
  version: number
  hostId: string
  recipient: string
  messageId: string
  sentAt: Generated<Date>
}

/** The tables of migration 0002. */
export type NotificationTables = {
  webhooks: WebhooksTable
  webhookDeliveries: WebhookDeliveriesTable
  notificationLog: NotificationLogTable
}

export type WebhookRow = Selectable<WebhooksTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>
