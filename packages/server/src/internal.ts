/**
 * @slotkit/server/internal: what the repository's own tooling (the e2e tests, the
 * benchmarks) needs beyond the public entry. Not a public API: these names change or
 * go without notice; an app uses `@slotkit/server`.
 *
 * @internal
 */
export {
  type EmbeddedPostgres,
  EmbeddedPostgresError,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './db/embedded-postgres'
export { createSecretBox } from './integrations/calendar/secret-box'
export { createSmtpMailer, type SmtpMailerOptions } from './integrations/email/smtp-mailer'
export { JobQueue, type JobQueueOptions } from './jobs/job-queue'
export { type RegisterWorkersOptions, registerWorkers } from './jobs/register-workers'
