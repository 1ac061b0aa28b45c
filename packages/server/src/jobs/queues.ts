import type { Booking, Integration, WebhookEvent } from '@slotkit/core/api'

/** Confirmation, cancellation and reschedule e-mails (to invitee and host). */
export const SEND_EMAIL = 'booking.send-email'
/** The 24 h and 1 h reminders, scheduled with `startAfter` = due time. */
export const SEND_REMINDER = 'booking.send-reminder'
/** Fans a booking event out to the host's matching webhooks (one delivery row + job each). */
export const DISPATCH_WEBHOOKS = 'webhook.dispatch'
/** POSTs one signed delivery. */
export const DELIVER_WEBHOOK = 'webhook.deliver'
/**
 * Syncs an integration's busy calendars (or one of them, after its push
 * notification). One queued job per integration and calendar (pg-boss policy
 * `short`), so a burst of notifications makes one sync.
 */
export const CALENDAR_SYNC = 'calendar.sync'
/** Every minute (pg-boss schedule): queues a sync of each integration not synced for 10 minutes. */
export const CALENDAR_POLL = 'calendar.poll'
/** Every 15 minutes: renews push channels expiring within a day, opens missing ones. */
export const CALENDAR_RENEW_CHANNELS = 'calendar.renew-channels'
/** Tells a host, once per disconnection, that a calendar account must be reconnected. */
export const SEND_INTEGRATION_EMAIL = 'integration.send-email'
/**
 * Brings a booking's event in the host's calendar in line with the booking:
 * creates it (with a Meet or Teams link when the location asks), moves it after a
 * reschedule, deletes it after a cancel (ADR 0015). Queued with the booking's
 * change; provider failures are retried by queueing the next attempt with the
 * backoff (Retry-After honoured).
 */
export const CALENDAR_WRITE_EVENT = 'calendar.write-event'
/**
 * After an integration is deleted: stops its push channels and revokes its grant at
 * the provider (best effort, retried while the provider is down).
 */
export const CALENDAR_RELEASE = 'calendar.release'

/** Every queue the server creates and works. */
export const QUEUE_NAMES = [
  SEND_EMAIL,
  SEND_REMINDER,
  DISPATCH_WEBHOOKS,
  DELIVER_WEBHOOK,
  CALENDAR_SYNC,
  CALENDAR_POLL,
  CALENDAR_RENEW_CHANNELS,
  SEND_INTEGRATION_EMAIL,
  CALENDAR_WRITE_EVENT,
  CALENDAR_RELEASE,
] as const

/** One of {@link QUEUE_NAMES}. */
export type QueueName = (typeof QUEUE_NAMES)[number]

/**
 * The event e-mails (reminders have their own queue). `meeting-link`: the
 * invitee's join link, made by the host's calendar after the confirmation or
 * reschedule e-mail went out without it.
 */
export type BookingEmailEvent = 'confirmation' | 'cancellation' | 'reschedule' | 'meeting-link'

/** The reminders, and how long before the start each is due. */
export const REMINDERS = { '24h': 24 * 60 * 60_000, '1h': 60 * 60_000 } as const

/** One of the keys of {@link REMINDERS}. */
export type ReminderKind = keyof typeof REMINDERS

/**
 * `booking.send-email`: the booking as of `version` (confirmation: the new
 * booking; cancellation: the cancelled one; reschedule: the new booking, whose
 * `rescheduled_from` is the old one). Stale messages are skipped by the handler.
 */
export interface SendEmailPayload {
  readonly event: BookingEmailEvent
  readonly bookingId: string
  readonly version: number
  /** Set when the mail limits left the invitee's message out: the host's still goes. */
  readonly skipInvitee?: true
  /** `meeting-link`: how often it waited for the confirmation to go first. */
  readonly wait?: number
}

/** `booking.send-reminder`. */
export interface SendReminderPayload {
  readonly reminder: ReminderKind
  readonly bookingId: string
  readonly version: number
  /** RFC 3339 UTC: when it is due (start − offset). */
  readonly dueAt: string
  /** Set when the booking's invitee e-mail was left out by the mail limits: host only. */
  readonly skipInvitee?: true
}

/**
 * `webhook.dispatch`: the event with its subject as it was when the event
 * happened: the booking of a booking event, the integration of
 * `integration.disconnected`.
 */
export interface DispatchWebhooksPayload {
  /** Unique per event; deliveries are unique per (webhook, eventId). */
  readonly eventId: string
  readonly event: WebhookEvent
  readonly hostId: string
  /** Booking events. */
  readonly bookingId?: string
  /** RFC 3339 UTC. */
  readonly occurredAt: string
  /** The wire booking (no manage links), for booking events. */
  readonly booking?: Booking
  /** The wire integration (never a token), for `integration.disconnected`. */
  readonly integration?: Integration
}

/**
 * Why a sync runs (logs, and whether push channels are checked afterwards:
 * `connect`, `settings` and `lifecycle`, a provider's notice about a channel).
 */
export type SyncReason =
  | 'connect'
  | 'push'
  | 'poll'
  | 'demand'
  | 'manual'
  | 'settings'
  | 'retry'
  | 'lifecycle'

/** `calendar.sync`. */
export interface CalendarSyncPayload {
  readonly integrationId: string
  /** Only this calendar (`integration_calendars.id`), after its push notification. */
  readonly calendarId?: string
  readonly reason: SyncReason
}

/** `integration.send-email`: the disconnection of `disconnectedAt` (RFC 3339). */
export interface SendIntegrationEmailPayload {
  readonly integrationId: string
  readonly disconnectedAt: string
}

/**
 * `calendar.write-event`: make the host's calendar match booking `bookingId`
 * as it is when the job runs (its `version` is the one the job was queued for,
 * for logs: a job that finds a newer version still reconciles, harmlessly).
 */
export interface CalendarWriteEventPayload {
  readonly bookingId: string
  readonly version: number
  /** The try: 0 first, then one more per provider failure (the backoff's exponent). */
  readonly attempt?: number
  /** The booking's invitee e-mail was left out by the mail limits: so is its join link's. */
  readonly skipInvitee?: true
}

/**
 * `calendar.release`: what the provider side of a deleted integration needs. The
 * credentials travel as they were stored, sealed (AES-256-GCM, bound to the
 * integration id): pg-boss's table never holds a token in plaintext.
 */
export interface CalendarReleasePayload {
  readonly integrationId: string
  readonly provider: string
  /** The deleted row's sealed credentials (`integrations.credentials`). */
  readonly credentials: string
  /** RFC 3339: when its access token expires; null if unknown. */
  readonly accessExpiresAt: string | null
  /** Its open push channels (Google channel id and resourceId; Graph subscription id). */
  readonly channels: readonly { readonly id: string; readonly resourceId: string | null }[]
}

/** `webhook.deliver`. */
export interface DeliverWebhookPayload {
  readonly deliveryId: string
}

/** The payload type of each queue. */
export interface JobPayloads {
  [SEND_EMAIL]: SendEmailPayload
  [SEND_REMINDER]: SendReminderPayload
  [DISPATCH_WEBHOOKS]: DispatchWebhooksPayload
  [DELIVER_WEBHOOK]: DeliverWebhookPayload
  [CALENDAR_SYNC]: CalendarSyncPayload
  [CALENDAR_POLL]: Record<string, never>
  [CALENDAR_RENEW_CHANNELS]: Record<string, never>
  [SEND_INTEGRATION_EMAIL]: SendIntegrationEmailPayload
  [CALENDAR_WRITE_EVENT]: CalendarWriteEventPayload
  [CALENDAR_RELEASE]: CalendarReleasePayload
}

/**
 * pg-boss queue policies: `short` keeps at most one queued (not yet running) job
 * per singleton key; the others are `standard`.
 */
export const QUEUE_POLICIES: Readonly<Record<QueueName, 'standard' | 'short'>> = {
  [SEND_EMAIL]: 'standard',
  [SEND_REMINDER]: 'standard',
  [DISPATCH_WEBHOOKS]: 'standard',
  [DELIVER_WEBHOOK]: 'standard',
  [CALENDAR_SYNC]: 'short',
  [CALENDAR_POLL]: 'standard',
  [CALENDAR_RENEW_CHANNELS]: 'standard',
  [SEND_INTEGRATION_EMAIL]: 'standard',
  [CALENDAR_WRITE_EVENT]: 'standard',
  [CALENDAR_RELEASE]: 'standard',
}

/** Retry policy of a queue (pg-boss: `retryDelay` seconds, doubled per attempt with jitter). */
export interface RetryPolicy {
  readonly retryLimit: number
  readonly retryDelaySeconds: number
  readonly retryBackoff: boolean
  /** A job running longer than this is failed (then retried). */
  readonly expireInSeconds: number
}

/**
 * Default retry policies. With backoff the n-th retry waits about
 * delay × 2^(n−1) to 2^n seconds: e-mail retries for about 9 hours in total,
 * webhooks for about 3 hours. After the last retry a job stays `failed`
 * (listed by `GET /api/admin/jobs?state=failed`, retryable).
 */
export const DEFAULT_RETRY_POLICIES: Readonly<Record<QueueName, RetryPolicy>> = {
  [SEND_EMAIL]: { retryLimit: 10, retryDelaySeconds: 20, retryBackoff: true, expireInSeconds: 300 },
  [SEND_REMINDER]: {
    retryLimit: 10,
    retryDelaySeconds: 20,
    retryBackoff: true,
    expireInSeconds: 300,
  },
  [DISPATCH_WEBHOOKS]: {
    retryLimit: 10,
    retryDelaySeconds: 5,
    retryBackoff: true,
    expireInSeconds: 120,
  },
  [DELIVER_WEBHOOK]: {
    retryLimit: 8,
    retryDelaySeconds: 20,
    retryBackoff: true,
    expireInSeconds: 120,
  },
  // A failed sync is not thrown: the sync records its own backoff and queues the
  // next attempt. These retries only cover a handler that crashed (database down).
  [CALENDAR_SYNC]: {
    retryLimit: 3,
    retryDelaySeconds: 30,
    retryBackoff: true,
    expireInSeconds: 300,
  },
  // The next run of the schedule is the retry.
  [CALENDAR_POLL]: {
    retryLimit: 0,
    retryDelaySeconds: 0,
    retryBackoff: false,
    expireInSeconds: 60,
  },
  [CALENDAR_RENEW_CHANNELS]: {
    retryLimit: 0,
    retryDelaySeconds: 0,
    retryBackoff: false,
    expireInSeconds: 600,
  },
  [SEND_INTEGRATION_EMAIL]: {
    retryLimit: 10,
    retryDelaySeconds: 20,
    retryBackoff: true,
    expireInSeconds: 300,
  },
  // A provider failure is not thrown: the handler records it on the booking and
  // queues the next attempt after the backoff. These retries only cover a handler
  // that crashed (database down).
  [CALENDAR_WRITE_EVENT]: {
    retryLimit: 5,
    retryDelaySeconds: 30,
    retryBackoff: true,
    expireInSeconds: 300,
  },
  // A provider that is down: tried again for about 17 hours, then the channels
  // expire on their own (Google: a week; Graph: 3 days) and the job stays failed.
  [CALENDAR_RELEASE]: {
    retryLimit: 10,
    retryDelaySeconds: 60,
    retryBackoff: true,
    expireInSeconds: 120,
  },
}
