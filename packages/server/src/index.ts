/**
 * @slotkit/server: the Slotkit reference server (Fastify, PostgreSQL, Redis), for apps
 * that run or embed it. The names here are the public API:
 *
 * - {@link buildApp}: the whole app (no listen), as `slotkit-server start` builds it.
 * - {@link slotkitPlugin}: the API as one plugin, to register in an existing Fastify app,
 *   with what it takes: {@link createDb} and {@link migrateToLatest}, a slot cache
 *   ({@link MemorySlotCache}, {@link RedisSlotCache}), {@link resolveSecretKey}, and
 *   {@link startJobs} for e-mail, reminders and webhooks.
 * - The CLI's commands as functions: {@link startServer} (`start`), {@link startWorker}
 *   (`worker`), {@link openDatabase} (`migrate`: embedded or DATABASE_URL, migrated).
 * - {@link loadConfig} / {@link defineConfig}: the configuration, from the environment or
 *   from code.
 * - {@link verifyWebhookSignature}: checks a webhook delivery on the receiving side.
 * - {@link CalendarSync}, {@link createProviderRegistry}, {@link resolveSecretBox}: calendar
 *   integrations (providers from GOOGLE_* and MICROSOFT_*, tokens sealed under ENCRYPTION_KEY), which
 *   `buildApp` makes from config and `slotkitPlugin` takes as `calendarSync`.
 *
 * The repository's own tooling (e2e tests, benchmarks) uses `@slotkit/server/internal`,
 * which is not a public API.
 */
export { type AppDeps, type AppJobsOptions, buildApp } from './app'
export type { MailLimits } from './cache/mail-limiter'
export { MemorySlotCache, RedisSlotCache, type SlotCache } from './cache/slot-cache'
export { type Config, ConfigError, defineConfig, loadConfig } from './config/config'
export { type ResolveSecretBoxOptions, resolveSecretBox } from './config/encryption-key'
export { type ResolveSecretKeyOptions, resolveSecretKey } from './config/secrets'
export { type CreateDbOptions, createDb, type Db } from './db/database'
export { migrateToLatest } from './db/migrate'
export type { UndocumentedReply } from './http/error-responses'
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
export type { SecretBox } from './integrations/calendar/secret-box'
export { type CreateMailerOptions, createMailer } from './integrations/email/create-mailer'
export type { Mailer, OutgoingEmail, SentEmail } from './integrations/email/mailer'
export {
  SIGNATURE_HEADER,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  type WebhookVerification,
} from './integrations/webhooks/signature'
export { openDatabase, type RunningServer, type StartOptions, startServer } from './main'
export { type JobsRuntime, type StartJobsOptions, startJobs } from './plugins/jobs'
export type { BookingEvent } from './services/deps'
export { type SlotkitPluginOptions, slotkitPlugin } from './slotkit-plugin'
export { type RunningWorker, startWorker } from './worker'
