import { formatUtc } from '@slotkit/core'
import type { Integration, IntegrationProvider } from '@slotkit/core/api'
import type { IntegrationCalendarRow, IntegrationRow } from '../../db/integrations.schema'

/** The wire shape of an integration and its calendars: never a token or a channel secret. */
export function toWireIntegration(
  row: IntegrationRow,
  calendars: readonly IntegrationCalendarRow[],
): Integration {
  return {
    id: row.id,
    user_id: row.hostId,
    provider: row.provider as IntegrationProvider,
    account_email: row.accountEmail,
    status: row.status,
    calendars: calendars.map((c) => ({
      id: c.externalId,
      name: c.name,
      primary: c.isPrimary,
      busy: c.busy,
      write: c.write,
    })),
    last_synced_at: row.lastSyncedAt ? formatUtc(row.lastSyncedAt.getTime()) : null,
    last_error: row.lastError,
    created_at: formatUtc(row.createdAt.getTime()),
  }
}
