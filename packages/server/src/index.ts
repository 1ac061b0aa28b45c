/**
 * @slotkit/server: the Slotkit reference server (Fastify, PostgreSQL, Redis).
 *
 * - {@link buildApp}: a ready Fastify app (no listen), for tests and custom hosting.
 * - {@link slotkitPlugin}: the API as one plugin, to embed into an existing Fastify app.
 * - {@link startServer}: what `slotkit-server start` does (embedded defaults, listen).
 * - {@link verifyWebhookSignature}: checks a webhook delivery on the receiving side.
 * - {@link startJobs}, {@link startWorker}: the job queue and workers (e-mail, reminders, webhooks).
 * - {@link resolveSecretKey}: SECRET_KEY, or the generated key every process on the database shares.
 * - {@link CalendarSync}, {@link createProviderRegistry}, {@link resolveSecretBox}: calendar
 *   integrations (providers from GOOGLE_*, tokens sealed under ENCRYPTION_KEY) for `slotkitPlugin`.
 */
export { type AppDeps, type AppJobsOptions, BODY_LIMIT_BYTES, buildApp } from './app'
export { MemorySlotCache, RedisSlotCache, type SlotCache } from './cache/slot-cache'
export { type Config, ConfigError, defineConfig, loadConfig } from './config/config'
export {
  ENCRYPTION_KEY_FILE,
  type ResolveSecretBoxOptions,
  resolveSecretBox,
} from './config/encryption-key'
export { type ResolveSecretKeyOptions, resolveSecretKey } from './config/secrets'
export { createDb, type Db } from './db/database'
export {
  type EmbeddedPostgres,
  EmbeddedPostgresError,
  startEmbeddedPostgres,
} from './db/embedded-postgres'
export { migrateToLatest } from './db/migrate'
export { seedDemo } from './db/seed-demo'
export { ERROR_STATUS } from './http/error-status'
export {
  CalendarSync,
  type CalendarSyncOptions,
  type ProviderRegistry,
  type SyncOutcome,
} from './integrations/calendar/calendar-sync'
export type {
  BusyInterval,
  CalendarDelta,
  CalendarProvider,
  OAuthConnect,
  ProviderSession,
  PushSupport,
} from './integrations/calendar/provider'
export { createProviderRegistry } from './integrations/calendar/registry'
export { createSecretBox, type SecretBox } from './integrations/calendar/secret-box'
export { createMailer } from './integrations/email/create-mailer'
export type { Mailer, OutgoingEmail, SentEmail } from './integrations/email/mailer'
export { createOutboxMailer } from './integrations/email/outbox-mailer'
export { createSmtpMailer, type SmtpMailerOptions } from './integrations/email/smtp-mailer'
export {
  SIGNATURE_HEADER,
  signWebhookPayload,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  type WebhookVerification,
} from './integrations/webhooks/signature'
export { JobQueue, type JobQueueOptions, type JobState } from './jobs/job-queue'
export {
  CALENDAR_POLL,
  CALENDAR_RENEW_CHANNELS,
  CALENDAR_SYNC,
  DEFAULT_RETRY_POLICIES,
  DELIVER_WEBHOOK,
  DISPATCH_WEBHOOKS,
  QUEUE_NAMES,
  type QueueName,
  type RetryPolicy,
  SEND_EMAIL,
  SEND_INTEGRATION_EMAIL,
  SEND_REMINDER,
} from './jobs/queues'
export { type RegisterWorkersOptions, registerWorkers } from './jobs/register-workers'
export { openDatabase, type RunningServer, type StartOptions, startServer } from './main'
export { type JobsRuntime, type StartJobsOptions, startJobs } from './plugins/jobs'
export type { BookingEvent } from './services/deps'
export { type SlotkitPluginOptions, slotkitPlugin } from './slotkit-plugin'
export { type RunningWorker, startWorker } from './worker'
