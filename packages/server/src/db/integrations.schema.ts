/**
 * Table types of migration 0007 (calendar integrations), as Kysely sees them (camelCase).
 */
import type { ColumnType, Generated, Selectable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>

/** Where an integration stands: syncing, its last sync failed (retried), or it needs a reconnect. */
export type IntegrationStatus = 'active' | 'error' | 'disconnected'

export interface IntegrationsTable {
  id: Generated<string>
  hostId: string
  /** A provider id of the registry, e.g. 'google'. */
  provider: string
  accountEmail: string
  status: Generated<IntegrationStatus>
  /** Sealed credentials JSON (secret-box.ts); never leaves the server. */
  credentials: string
  keyId: string
  accessExpiresAt: Timestamp | null
  lastSyncedAt: Timestamp | null
  lastError: string | null
  failureCount: Generated<number>
  nextAttemptAt: Timestamp | null
  syncLeaseUntil: Timestamp | null
  /** The sync holding the claim (migration 0012): only it renews or releases it. */
  syncHolder: string | null
  /** A token refresh is in flight until then (migration 0012), by `refreshHolder`. */
  refreshingUntil: Timestamp | null
  refreshHolder: string | null
  disconnectedAt: Timestamp | null
  disconnectNotifiedAt: Timestamp | null
  createdAt: CreatedAt
  updatedAt: Generated<Date>
}

export interface IntegrationCalendarsTable {
  id: Generated<string>
  integrationId: string
  hostId: string
  externalId: string
  name: string
  timeZone: string | null
  isPrimary: Generated<boolean>
  busy: Generated<boolean>
  write: Generated<boolean>
  syncCursor: string | null
  syncedAt: Timestamp | null
  windowEnd: Timestamp | null
  channelId: string | null
  channelResourceId: string | null
  channelTokenHash: string | null
  channelExpiresAt: Timestamp | null
  createdAt: CreatedAt
  updatedAt: Generated<Date>
}

export interface OauthStatesTable {
  stateHash: string
  hostId: string
  provider: string
  /** Sealed PKCE code verifier. */
  codeVerifier: string
  returnUrl: string | null
  expiresAt: Timestamp
  usedAt: Timestamp | null
  createdAt: CreatedAt
}

/** The tables of migration 0007. */
export interface IntegrationTables {
  integrations: IntegrationsTable
  integrationCalendars: IntegrationCalendarsTable
  oauthStates: OauthStatesTable
}

export type IntegrationRow = Selectable<IntegrationsTable>
export type IntegrationCalendarRow = Selectable<IntegrationCalendarsTable>
