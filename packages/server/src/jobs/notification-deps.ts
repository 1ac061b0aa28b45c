import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { CalendarSync } from '../integrations/calendar/calendar-sync'
import type { Mailer } from '../integrations/email/mailer'
import type { ResolveHost } from '../integrations/webhooks/ssrf-guard'
import type { SecretKeys } from '../services/tokens'
import type { JobQueue } from './job-queue'

/** A logger with the pino/Fastify call shape. */
export interface JobLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
  debug(obj: object, msg: string): void
}

/** What the job handlers need, passed explicitly. */
export interface NotificationDeps {
  readonly db: Kysely<Database>
  readonly queue: JobQueue
  readonly mailer: Mailer
  /** Derive the invitee's cancel/reschedule token (links in e-mails), newest first. */
  readonly secretKeys: SecretKeys
  /** Base URL of links, no trailing slash. */
  readonly publicUrl: () => string
  /** The clock (epoch ms) for signing and delivery logs; the real one outside tests. */
  readonly now: () => number
  /** WEBHOOK_ALLOW_PRIVATE: allow loopback and private-network webhook targets. */
  readonly allowPrivateWebhooks: boolean
  readonly log: JobLogger
  /** DNS for the webhook SSRF guard; default node:dns. */
  readonly resolveHost?: ResolveHost
  /**
   * Locale of the host's e-mails, and of the invitee's when their booking has
   * no translated locale of its own; default en-US (English).
   */
  readonly locale?: string
  /** Calendar integrations: with it the calendar jobs (sync, poll, channel renewal, e-mail) run here. */
  readonly calendarSync?: CalendarSync
}
