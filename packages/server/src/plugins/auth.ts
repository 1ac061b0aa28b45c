import type { FastifyBaseLogger, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import {
  AUTH_FAILURE_WINDOW_MS,
  type AuthState,
  MemoryAuthState,
  RedisAuthState,
} from '../cache/auth-state'
import type { Db } from '../db/database'
import { findActiveApiKey } from '../db/repositories/users.repository'
import { ApiError, RateLimitedError } from '../http/api-error'
import { rateLimitKey } from '../http/client-key'
import type { ApiKeyCacheControl } from '../services/deps'
import { sameDigest, sha256 } from '../services/tokens'

/** Who is calling: the administrator (ADMIN_TOKEN) or a host (its API key). */
export type Principal =
  | { readonly kind: 'admin' }
  | { readonly kind: 'user'; readonly userId: string }

export interface Authenticator extends ApiKeyCacheControl {
  /**
   * The caller, `undefined` without an Authorization header; 401 for an unknown
   * key, 429 for a key not known to be valid once the client's failed attempts
   * reached the limit.
   */
  principalOf(request: FastifyRequest): Promise<Principal | undefined>
}

/** Failed authentications per client (address, or IPv6 /64) per minute before 429, by default. */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 20

/**
 * How long a process trusts a key it found valid without asking the database again
 * (while the key-set generation stays the same). Also the longest a revoked key can
 * still be accepted by another process when the revocation could not bump the
 * generation (Redis unreachable).
 */
const VALID_KEY_TTL_MS = 30_000

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  readonly db: Db
  /** sha-256 (hex) of the admin token. */
  readonly adminTokenHash: string
  /** Shares failure counts and the key-set generation between processes; default in process. */
  readonly redis?: Redis
  /** Failed authentications per client per minute; then 429 until the minute is over. 0 = no limit. */
  readonly failuresPerMinute?: number
  readonly log?: FastifyBaseLogger
}

/** A key found valid, and what it was looked up under. */
interface CachedKey {
  readonly userId: string
  /** The key-set generation read before the look-up. */
  readonly generation: string
  /** This process's count of revocations before the look-up. */
  readonly revocations: number
}

/**
 * Bearer-token authentication. Keys are looked up by their sha-256, and the
 * look-ups are cached in process:
 *
 * - a valid key for {@link VALID_KEY_TTL_MS}, but only while the key-set generation
 *   (bumped by every revocation, in Redis when there is Redis) is the one it was
 *   looked up under, so a revoked key is refused by every process at once;
 * - an unknown hash for 5 s, so a flood of one bad key costs one query.
 *
 * A client (address, or IPv6 /64) whose failed attempts reach `failuresPerMinute`
 * gets 429 RATE_LIMITED with Retry-After, until its minute (counted from its first
 * failure) is over, for every key that would need a database look-up and that this
 * process has not found valid before. The admin token, a cached key and a key known
 * to be valid still work: many clients share an address (a NAT, a proxy without
 * TRUST_PROXY), and one of them sending bad keys must not lock the others out.
 *
 * Per request with a key: one Redis command (MGET of the failure count and the
 * generation); none for the admin token or without an Authorization header.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { db, adminTokenHash, log } = options
  const limit = options.failuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE
  const state: AuthState = options.redis ? new RedisAuthState(options.redis) : new MemoryAuthState()
  const keys = new LRUCache<string, CachedKey>({ max: 10_000, ttl: VALID_KEY_TTL_MS })
  // Bounded, so a spray of random keys cannot grow memory; each entry is one hash.
  const unknown = new LRUCache<string, true>({ max: 10_000, ttl: 5_000 })
  // Hashes this process found valid (or created), with no expiry: over the failure
  // limit they are still looked up, so a host whose entry in `keys` expired (or was
  // cleared by any revocation) is not locked out by its neighbours' bad keys. Only a
  // successful look-up or a new key adds one: bad keys can neither fill nor evict it.
  const knownValid = new LRUCache<string, true>({ max: 10_000 })
  // Counts this process's revocations. A look-up that started before one (and saw
  // the key still active) is cached under the count it started with, so it is not
  // trusted afterwards even when the revocation could not bump the generation.
  let revocations = 0
  // A revocation whose generation bump failed: retried before this process next
  // authenticates a key, so other processes stop trusting their cached keys soon
  // after Redis is back.
  let bumpPending = false

  // Redis trouble must not lock everyone out (as the public rate limiter's
  // skipOnError): no limit then, and no cached key without a known generation.
  async function guarded<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run()
    } catch (error) {
      log?.warn({ err: error }, `authentication: ${what} failed`)
      return undefined
    }
  }

  async function refuse(client: string, message: string): Promise<never> {
    if (limit > 0) await guarded('counting a failure', () => state.recordFailure(client))
    throw new ApiError('UNAUTHORIZED', message)
  }

  async function retryBump(): Promise<void> {
    // Cleared first, so concurrent requests do not all retry; set again on failure.
    bumpPending = false
    const done = await guarded('bumping the API-key generation again', async () => {
      await state.bumpGeneration()
      return true
    })
    if (!done) bumpPending = true
  }

  async function tooManyFailures(client: string): Promise<never> {
    const retryMs = (await guarded('reading the window', () => state.retryAfterMs(client))) ?? 1
    const seconds = Math.max(1, Math.ceil(Math.min(retryMs, AUTH_FAILURE_WINDOW_MS) / 1000))
    throw new RateLimitedError(
      `Too many failed authentications: at most ${limit} per minute from one address; retry in ${seconds} s`,
      seconds,
    )
  }

  return {
    async principalOf(request) {
      const header = request.headers.authorization
      if (header === undefined) return undefined
      const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]
      const hash = token === undefined ? undefined : sha256(token)
      // Before the limit, and without Redis: see createAuthenticator.
      if (hash !== undefined && sameDigest(hash, adminTokenHash)) return { kind: 'admin' }
      const client = rateLimitKey(request.ip)
      if (bumpPending) await retryBump()
      const revocationsBefore = revocations
      const snapshot = await guarded('reading the failure count and API-key generation', () =>
        state.read(limit > 0 ? client : undefined),
      )
      const cached = hash === undefined ? undefined : keys.get(hash)
      if (
        cached &&
        snapshot &&
        cached.generation === snapshot.generation &&
        cached.revocations === revocationsBefore
      ) {
        return { kind: 'user', userId: cached.userId }
      }
      if (limit > 0 && snapshot && snapshot.failures >= limit) {
        // Only a key found valid before may still cost a look-up (which also tells
        // whether it has been revoked since); anything else is refused without one.
        if (hash === undefined || !knownValid.has(hash)) return tooManyFailures(client)
      }
      if (hash === undefined) return refuse(client, 'Authorization must be "Bearer <key>"')
      if (unknown.has(hash)) return refuse(client, 'Unknown or revoked API key')
      const key = await findActiveApiKey(db, hash)
      if (!key) {
        unknown.set(hash, true)
        keys.delete(hash)
        knownValid.delete(hash)
        return refuse(client, 'Unknown or revoked API key')
      }
      knownValid.set(hash, true)
      // The generation was read before the look-up: a revocation committed after the
      // look-up bumps it past this value, so this entry is never trusted again.
      if (snapshot) {
        keys.set(hash, {
          userId: key.userId,
          generation: snapshot.generation,
          revocations: revocationsBefore,
        })
      }
      return { kind: 'user', userId: key.userId }
    },

    keyCreated(keyHash) {
      // A new key is 192 random bits, so nobody can have tried it before; dropping
      // the entry anyway makes "a new key works at once" hold without that argument.
      unknown.delete(keyHash)
      // Valid from now: a host rotating keys behind an address that is over the
      // failure limit (the old key's failures) can use the new one with this process.
      knownValid.set(keyHash, true)
    },

    async keysRevoked() {
      keys.clear()
      revocations += 1
      try {
        await state.bumpGeneration()
      } catch (error) {
        // The revocation is committed: the caller's reply must not turn into a 500
        // (the rotated key would be lost). This process trusts none of its earlier
        // look-ups any more; other processes may still accept a revoked key from their
        // caches until the bump is retried (before this process next authenticates a
        // key) or, at the latest, until their entries expire.
        bumpPending = true
        log?.error(
          { err: error },
          `authentication: could not bump the API-key generation; other processes may accept revoked keys for up to ${VALID_KEY_TTL_MS / 1000} s`,
        )
      }
    },
  }
}

/** Where a route names the host whose key may call it (after schema validation). */
export type HostIdSource = 'params.id' | 'query.user_id' | 'body.user_id'

/**
 * Who may call a route, declared in its options as `config: { auth }`; {@link authPlugin}
 * refuses to register an API route without it.
 *
 * - `'public'`: anyone. No credentials are read: an Authorization header, even a bad
 *   one, costs nothing and is ignored.
 * - `'admin'`: the admin token (401 without credentials, 403 for a host's key).
 * - `'key'`: the admin token or any host's key (401 without). For a resource looked up
 *   by id, whose host is known only once it is loaded: the handler then checks
 *   `requireUser(request.slotkitPrincipal, owner)`, so an anonymous caller learns nothing
 *   about ids (401 before 404).
 * - `{ user: 'params.id' }` (or `'query.user_id'`, `'body.user_id'`): the admin token,
 *   or the key of the host named there (401 without credentials, 403 for another key).
 * - `'booking'`: a key (the service checks it is the booking's host's, or the admin
 *   token), or the invitee's `?token=` from the booking links; 401 with neither. The
 *   handler reads who it is with {@link bookingActorOf}.
 */
export type RouteAuth = 'public' | 'admin' | 'key' | 'booking' | { readonly user: HostIdSource }

/** The invitee of a booking, by the token of the booking's links (`?token=`). */
export interface InviteeToken {
  readonly kind: 'token'
  readonly token: string
}

/** Who acts on a booking: its host or the admin by key, or its invitee by token. */
export type BookingActor = Principal | InviteeToken

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The caller, set by the route's auth guard before the handler runs: the admin
     * or a host. `null` on a public route, and on a `'booking'` route called with
     * the invitee's token instead of a key. Named for Slotkit because the plugin is
     * embedded into other apps, whose own `request.principal` (or `user`) it must
     * not collide with: Fastify refuses a second decorator of one name.
     */
    slotkitPrincipal: Principal | null
  }
  interface FastifyContextConfig {
    /** Who may call the route ({@link RouteAuth}); every API route declares it. */
    auth?: RouteAuth
  }
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  readonly authenticator: Authenticator
}

/** The OpenAPI security requirement of every route that reads a key (`bearerAuth`, plugins/docs.ts). */
const BEARER_SECURITY = [{ bearerAuth: [] }]

const HOST_ID_SOURCES: ReadonlySet<string> = new Set<HostIdSource>([
  'params.id',
  'query.user_id',
  'body.user_id',
])

/**
 * Authentication as route declarations. Registered inside slotkitPlugin's scope
 * (fastify-plugin, so its hooks apply to the routes registered after it there), it
 * decorates requests with `slotkitPrincipal` and looks at every route as it is added:
 *
 * - an API route (one under `/api/`, or any route OpenAPI documents) without
 *   `config.auth` is refused: registration throws, so the app never starts;
 * - a non-public route gets a `preHandler` guard, ahead of its own, that resolves the
 *   principal ({@link Authenticator.principalOf}) and enforces the declaration, and
 *   its OpenAPI `security` (the same declaration, so the two never disagree);
 * - a public route gets nothing: no hook runs on it.
 *
 * The guard runs as a `preHandler`, after schema validation, where the checks used
 * to sit at the top of each handler: an invalid request gets its 400 without a key
 * being hashed, looked up or counted as a failed authentication, as before.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, { authenticator }) => {
    app.decorateRequest('slotkitPrincipal', null)
    const api = `${app.prefix}/api/`
    app.addHook('onRoute', (route) => {
      const auth = route.config?.auth
      const where = `${String(route.method)} ${route.url}`
      if (auth === undefined) {
        // HTML pages, Swagger UI and CORS preflights: hidden from OpenAPI, outside /api.
        if (route.schema?.hide && !route.url.startsWith(api)) return
        throw new Error(
          `${where}: declare who may call it: config.auth ('public', 'admin', 'key', 'booking' or { user: 'params.id' })`,
        )
      }
      if (route.schema?.security)
        throw new Error(
          `${where}: OpenAPI security comes from config.auth; declare no schema.security`,
        )
      if (auth === 'public') return
      if (!route.schema?.hide) route.schema = { ...route.schema, security: BEARER_SECURITY }
      const own = route.preHandler
      route.preHandler = [guardOf(where, auth, authenticator), ...(own ? [own].flat() : [])]
    })
  },
  { name: 'slotkit-auth', fastify: '5.x' },
)

/** The preHandler that enforces `auth` on one route. */
function guardOf(
  where: string,
  auth: Exclude<RouteAuth, 'public'>,
  authenticator: Authenticator,
): preHandlerAsyncHookHandler {
  async function resolve(request: FastifyRequest): Promise<Principal | null> {
    request.slotkitPrincipal = (await authenticator.principalOf(request)) ?? null
    return request.slotkitPrincipal
  }
  switch (auth) {
    case 'admin':
      return async (request) => requireAdmin(await resolve(request))
    case 'key':
      return async (request) => requireKey(await resolve(request))
    case 'booking':
      return async (request) => {
        await resolve(request)
        bookingActorOf(request)
      }
  }
  if (typeof auth !== 'object' || auth === null || !HOST_ID_SOURCES.has(auth.user)) {
    throw new Error(`${where}: unknown config.auth ${JSON.stringify(auth)}`)
  }
  const [part, field] = auth.user.split('.') as ['params' | 'query' | 'body', string]
  return async (request) => {
    const principal = await resolve(request)
    const value = (request[part] as Record<string, unknown> | undefined)?.[field]
    requireUser(principal, typeof value === 'string' ? value : '')
  }
}

/**
 * Who acts on a booking, on a route declared `auth: 'booking'`: the caller's key
 * (the admin, or a host: the service checks it is the booking's), else the
 * invitee's `?token=`. 401 with neither.
 */
export function bookingActorOf(request: FastifyRequest): BookingActor {
  if (request.slotkitPrincipal) return request.slotkitPrincipal
  const token = (request.query as { token?: unknown } | undefined)?.token
  if (typeof token === 'string' && token) return { kind: 'token', token }
  throw new ApiError(
    'UNAUTHORIZED',
    'Send a Bearer API key, or the token from the booking links (?token=)',
  )
}

/** 401 without credentials; 403 for a non-admin. */
export function requireAdmin(principal: Principal | null | undefined): void {
  if (!principal)
    throw new ApiError(
      'UNAUTHORIZED',
      'This endpoint needs the admin token (Authorization: Bearer <ADMIN_TOKEN>)',
    )
  if (principal.kind !== 'admin')
    throw new ApiError('FORBIDDEN', 'This endpoint needs the admin token')
}

/** 401 without credentials (any key, or the admin token, will do). */
function requireKey(principal: Principal | null | undefined): asserts principal is Principal {
  if (!principal)
    throw new ApiError('UNAUTHORIZED', 'Send an API key (Authorization: Bearer <key>)')
}

/** 401 without credentials; 403 unless admin or the key of `userId`. */
export function requireUser(principal: Principal | null | undefined, userId: string): void {
  requireKey(principal)
  if (principal.kind === 'user' && principal.userId !== userId) {
    throw new ApiError('FORBIDDEN', 'This API key does not belong to that user')
  }
}

/**
 * A resource looked up by id on a route declared `auth: 'key'`: loads it
 * (`load` answers 404 for an unknown id) and answers it once the caller may act
 * for its host, `ownerOf(row)`: the admin, or that host's key. Another host's
 * key gets 403 FORBIDDEN, as for every resource of a host (meeting types,
 * webhooks, calendar integrations); the resource's contents are never shown.
 */
export async function requireOwner<TRow>(
  principal: Principal | null | undefined,
  load: () => Promise<TRow>,
  ownerOf: (row: TRow) => string,
): Promise<TRow> {
  const row = await load()
  requireUser(principal, ownerOf(row))
  return row
}
