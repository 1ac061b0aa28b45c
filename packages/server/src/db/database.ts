import { createHash } from 'node:crypto'
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema'

/** The app's Kysely instance. */
export type Db = Kysely<Database>

/** Options of {@link createDb}. */
export interface CreateDbOptions {
  readonly connectionString: string
  /** Pool size; default 20. */
  readonly max?: number
}

// Calendar dates stay `YYYY-MM-DD` strings (no accidental zone shift through Date),
// and bigint counts become numbers.
const DATE_OID = 1082
const INT8_OID = 20
function getTypeParser(oid: number, format?: 'text' | 'binary') {
  if (oid === DATE_OID) return (value: string) => value
  if (oid === INT8_OID) return (value: string) => Number(value)
  return pg.types.getTypeParser(oid, format)
}

/** Most distinct statements prepared per connection; later ones run unprepared. */
const MAX_PREPARED = 300

/**
 * A statement cache, as postgres.js and JDBC drivers keep one: every parameterized
 * query text Kysely sends becomes a named prepared statement on its connection,
 * so PostgreSQL parses and plans the hot queries (slots, booking re-check) once per
 * connection instead of on every request (about 3x cheaper for the scheduling
 * query). Texts come from fixed code paths, so their number is bounded; queries
 * without parameters (BEGIN, COMMIT, migrations' DDL) keep the simple protocol.
 */
function prepareStatements(client: pg.PoolClient, names: Map<string, string>): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  ;(client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      let name = names.get(text)
      if (name === undefined && names.size < MAX_PREPARED) {
        name = `sk_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
        names.set(text, name)
      }
      if (name !== undefined) return query({ name, text, values }, callback)
    }
    return query(text, values, callback)
  }
}

/** Creates a pool and the Kysely instance over it; `db.destroy()` closes the pool. */
export function createDb(options: CreateDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 20,
    idleTimeoutMillis: 30_000,
    types: { getTypeParser } as pg.CustomTypesConfig,
    application_name: 'slotkit-server',
  })
  // An idle client losing its connection (e.g. database restart) must not crash the process.
  pool.on('error', () => {})
  const names = new Map<string, string>()
  pool.on('connect', (client) => prepareStatements(client, names))
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // Nested keys (jsonb: answers keyed by question id, override intervals) stay as stored.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  })
}

/** PostgreSQL SQLSTATE of an error thrown by pg, if any. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/** exclusion_violation: the bookings constraint rejected an overlapping confirmed booking. */
export const EXCLUSION_VIOLATION = '23P01'
export const UNIQUE_VIOLATION = '23505'
