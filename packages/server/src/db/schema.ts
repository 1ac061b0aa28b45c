/**
 * Table types as Kysely sees them (camelCase; the CamelCasePlugin maps to the
 * snake_case columns of the migrations).
 */
import type { BookingLocation, CalendarSyncState, MeetingLocation } from '@slotkit/core/api'
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { IntegrationTables } from './integrations.schema'
import type { NotificationTables } from './notifications.schema'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>

export interface UsersTable {
  id: Generated<string>
  email: string
  name: string
  timeZone: string
  /** Bumped by every write that can invalidate a slot check (migration 0003, ADR 0008). */
  scheduleVersion: Generated<number>
  createdAt: CreatedAt
  updatedAt: Generated<Date>
}

export interface ApiKeysTable {
  id: Generated<string>
  userId: string
  /** First characters of the key, shown to help tell keys apart. */
  prefix: string
  /** sha-256 (hex) of the whole key. */
  keyHash: string
  createdAt: CreatedAt
  lastUsedAt: Timestamp | null
  revokedAt: Timestamp | null
}

/** A question an invitee answers when booking (stored as jsonb). */
export interface Question {
  id: string
  label: string
  type: 'text' | 'textarea' | 'select' | 'checkbox' | 'phone'
  required: boolean
  options?: string[]
}

export interface MeetingTypesTable {
  id: Generated<string>
  userId: string
  name: string
  slug: string | null
  durationMinutes: number
  durationOptionsMinutes: ColumnType<number[], number[] | undefined, number[]>
  bufferBeforeMinutes: Generated<number>
  bufferAfterMinutes: Generated<number>
  slotIntervalMinutes: number | null
  minNoticeMinutes: Generated<number>
  maxDaysAhead: Generated<number>
  maxBookingsPerDay: number | null
  maxBookingsPerWeek: number | null
  dateRangeStart: string | null
  dateRangeEnd: string | null
  questions: ColumnType<Question[], string, string>
  isActive: Generated<boolean>
  /** Where its meetings happen, as the API wrote it; null for none (migration 0009). */
  location: ColumnType<MeetingLocation | null, string | null | undefined, string | null>
  createdAt: CreatedAt
  updatedAt: Generated<Date>
}

export interface AvailabilityRulesTable {
  id: Generated<string>
  userId: string
  dayOfWeek: number
  /** `HH:MM:SS` as PostgreSQL returns a `time`; "24:00:00" is the end of the day. */
  startTime: string
  endTime: string
}

export interface DateOverridesTable {
  userId: string
  date: string
  /** `[{start_time, end_time}]`; empty = day off. */
  intervals: ColumnType<{ start_time: string; end_time: string }[], string, string>
}

export type BookingStatus = 'confirmed' | 'cancelled' | 'rescheduled'

export interface BookingsTable {
  id: Generated<string>
  hostId: string
  meetingTypeId: string
  status: BookingStatus
  version: Generated<number>
  startsAt: Timestamp
  endsAt: Timestamp
  bufferBeforeMinutes: number
  bufferAfterMinutes: number
  /** tstzrange `[startsAt - bufferBefore, endsAt + bufferAfter)`, written by the repository. */
  blocked: ColumnType<string, string, string>
  inviteeName: string
  inviteeEmail: string
  inviteeTimeZone: string
  /** The invitee's language, a canonical BCP 47 tag; null when none was sent (migration 0008). */
  locale: string | null
  answers: ColumnType<Record<string, unknown>, string, string>
  /** sha-256 (hex) of the invitee's cancel/reschedule token. */
  tokenHash: string
  idempotencyKey: string | null
  requestHash: string | null
  cancelReason: string | null
  cancelledAt: Timestamp | null
  rescheduledFrom: string | null
  rescheduledTo: string | null
  /** The event written to the host's calendar (`calendar_id`), once written. */
  calendarEventId: ColumnType<string | null, string | null | undefined, string | null>
  /** Where the meeting happens, resolved for this booking (migration 0009); null for none. */
  location: ColumnType<BookingLocation | null, string | null | undefined, string | null>
  /** The join link: a link location's at once, a Meet/Teams link once written. */
  meetingUrl: ColumnType<string | null, string | null | undefined, string | null>
  /** Where writing it to the host's calendar stands. */
  calendarSync: ColumnType<CalendarSyncState, CalendarSyncState | undefined, CalendarSyncState>
  /** Why the last write attempt failed (never a token). */
  calendarSyncError: ColumnType<string | null, string | null | undefined, string | null>
  calendarSyncAttempts: Generated<number>
  /** The calendar (`integration_calendars.id`) holding `calendarEventId`. */
  calendarId: ColumnType<string | null, string | null | undefined, string | null>
  createdAt: CreatedAt
  updatedAt: Generated<Date>
}

/** Busy times of external calendars: synced by integrations (migration 0007) or written directly. */
export interface ExternalBusyTable {
  id: Generated<string>
  hostId: string
  source: string
  externalId: string | null
  startsAt: Timestamp
  endsAt: Timestamp
  transparent: Generated<boolean>
  updatedAt: Generated<Date>
  /** The integration and calendar a synced row came from (null for rows written directly). */
  integrationId: ColumnType<string | null, string | null | undefined, string | null>
  calendarId: ColumnType<string | null, string | null | undefined, string | null>
  /** An all-day event's dates (`YYYY-MM-DD`, end exclusive); its instants are their midnights in the host's zone. */
  allDayStart: ColumnType<string | null, string | null | undefined, string | null>
  allDayEnd: ColumnType<string | null, string | null | undefined, string | null>
}

/** Secrets every process on the database shares, one row per name (migration 0004). */
export interface ServerSecretsTable {
  /** e.g. 'booking-token': the generated key of invitees' tokens when SECRET_KEY is unset. */
  name: string
  value: string
  createdAt: CreatedAt
}

/**
 * Every table; those of migration 0002 (webhooks, deliveries, notification log) come from
 * notifications.schema, those of 0007 (integrations) from integrations.schema.
 */
export interface Database extends NotificationTables, IntegrationTables {
  users: UsersTable
  apiKeys: ApiKeysTable
  meetingTypes: MeetingTypesTable
  availabilityRules: AvailabilityRulesTable
  dateOverrides: DateOverridesTable
  bookings: BookingsTable
  externalBusy: ExternalBusyTable
  serverSecrets: ServerSecretsTable
}

export type UserRow = Selectable<UsersTable>
export type ApiKeyRow = Selectable<ApiKeysTable>
export type MeetingTypeRow = Selectable<MeetingTypesTable>
export type NewMeetingType = Insertable<MeetingTypesTable>
export type MeetingTypeUpdate = Updateable<MeetingTypesTable>
export type BookingRow = Selectable<BookingsTable>
export type NewBooking = Insertable<BookingsTable>
