import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  Migrator,
} from 'kysely'
import * as initial from './migrations/0001-initial'
import * as notifications from './migrations/0002-notifications'
import * as scheduleVersion from './migrations/0003-schedule-version'
import * as serverSecret from './migrations/0004-server-secret'
import * as calendarIntegrations from './migrations/0007-calendar-integrations'
import * as bookingLocale from './migrations/0008-booking-locale'
import * as calendarWriteBack from './migrations/0009-calendar-write-back'
import * as calendarSyncLease from './migrations/0012-calendar-sync-lease'
import * as oneWriteCalendar from './migrations/0013-one-write-calendar'

/** Migrations in order, bundled with the code (no file-system lookup at run time). */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-notifications': notifications,
  '0003-schedule-version': scheduleVersion,
  '0004-server-secret': serverSecret,
  '0007-calendar-integrations': calendarIntegrations,
  '0008-booking-locale': bookingLocale,
  '0009-calendar-write-back': calendarWriteBack,
  '0012-calendar-sync-lease': calendarSyncLease,
  '0013-one-write-calendar': oneWriteCalendar,
}

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
}

/**
 * Brings the schema up to date. Concurrent callers are safe (Kysely takes an
 * advisory lock), so two servers starting together on one database is fine.
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'slotkit_migrations',
    migrationLockTableName: 'slotkit_migrations_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return results ?? []
}
