/**
 * @slotkit/server: the Slotkit reference server (Fastify, PostgreSQL, Redis).
 *
 * - {@link buildApp}: a ready Fastify app (no listen), for tests and custom hosting.
 * - {@link slotkitPlugin}: the API as one plugin, to embed into an existing Fastify app.
 * - {@link startServer}: what `slotkit-server start` does (embedded defaults, listen).
 */
export { type AppDeps, BODY_LIMIT_BYTES, buildApp } from './app'
export { MemorySlotCache, RedisSlotCache, type SlotCache } from './cache/slot-cache'
export { type Config, ConfigError, defineConfig, loadConfig } from './config/config'
export { createDb, type Db } from './db/database'
export {
  type EmbeddedPostgres,
  EmbeddedPostgresError,
  startEmbeddedPostgres,
} from './db/embedded-postgres'
export { migrateToLatest } from './db/migrate'
export { seedDemo } from './db/seed-demo'
export { ERROR_STATUS } from './http/error-status'
export { openDatabase, type RunningServer, type StartOptions, startServer } from './main'
export type { BookingEvent } from './services/deps'
export { type SlotkitPluginOptions, slotkitPlugin } from './slotkit-plugin'
