/**
 * @slotkit/server: the Slotkit reference server (Fastify, PostgreSQL, Redis).
 *
 * - {@link buildApp}: a ready Fastify app (no listen), for tests and custom hosting.
 * - {@link slotkitPlugin}: the API as one plugin, to embed into an existing Fastify app.
 * - {@link startServer}: what `slotkit-server start` does (embedded defaults, listen).
 * - {@link verifyWebhookSignature}: checks a webhook delivery on the receiving side.
 * - {@link startJobs}, {@link startWorker}: the job queue and workers (e-mail, reminders, webhooks).
 * - {@link resolveSecretKey}: SECRET_KEY, or the generated key every process on the database shares.
 */
export { type AppDeps, type AppJobsOptions, BODY_LIMIT_BYTES, buildApp } from './app'
export type { MailLimits } from './cache/mail-limiter'
export { MemorySlotCache, RedisSlotCache, type SlotCache } from './cache/slot-cache'
export { type Config, ConfigError, defineConfig, loadConfig } from './config/config'
export { type ResolveSecretKeyOptions, resolveSecretKey } from './config/secrets'
export { createDb, type Db } from './db/database'
export {
  type EmbeddedPostgres,
  EmbeddedPostgresError,
  startEmbeddedPostgres,
} from './db/embedded-postgres'
export { migrateToLatest } from './db/migrate'
export { seedDemo } from './db/seed-demo'
export type { UndocumentedReply } from './http/error-responses'
export { ERROR_STATUS } from './http/error-status'
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
  DEFAULT_RETRY_POLICIES,
  DELIVER_WEBHOOK,
  DISPATCH_WEBHOOKS,
  QUEUE_NAMES,
  type QueueName,
  type RetryPolicy,
  SEND_EMAIL,
  SEND_REMINDER,
} from './jobs/queues'
export { type RegisterWorkersOptions, registerWorkers } from './jobs/register-workers'
export { openDatabase, type RunningServer, type StartOptions, startServer } from './main'
export { type JobsRuntime, type StartJobsOptions, startJobs } from './plugins/jobs'
export type { BookingEvent } from './services/deps'
export { type SlotkitPluginOptions, slotkitPlugin } from './slotkit-plugin'
export { type RunningWorker, startWorker } from './worker'
