import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
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
   * key, 429 once the client's failed attempts reached the limit.
   */
  principalOf(request: FastifyRequest): Promise<Principal | undefined>
}

/** Failed authentications per client (address, or IPv6 /64) per minute before 429, by default. */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 20

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

/** A key found valid, and the key-set generation it was looked up under. */
interface CachedKey {
  readonly userId: string
  readonly generation: string
}

/**
 * Bearer-token authentication. Keys are looked up by their sha-256, and the
 * look-ups are cached in process:
 *
 * - a valid key for 30 s, but only while the key-set generation (bumped by every
 *   revocation, in Redis when there is Redis) is the one it was looked up under, so
 *   a revoked key is refused by every process at once;
 * - an unknown hash for 5 s, so a flood of one bad key costs one query.
 *
 * A client (address, or IPv6 /64) whose failed attempts reach `failuresPerMinute`
 * gets 429 RATE_LIMITED with Retry-After, before its token is hashed or looked up,
 * until its minute (counted from its first failure) is over.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { db, adminTokenHash, log } = options
  const limit = options.failuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE
  const state: AuthState = options.redis ? new RedisAuthState(options.redis) : new MemoryAuthState()
  const keys = new LRUCache<string, CachedKey>({ max: 10_000, ttl: 30_000 })
  // Bounded, so a spray of random keys cannot grow memory; each entry is one hash.
  const unknown = new LRUCache<string, true>({ max: 10_000, ttl: 5_000 })

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

  return {
    async principalOf(request) {
      const header = request.headers.authorization
      if (header === undefined) return undefined
      const client = rateLimitKey(request.ip)
      const [failures, generation] = await Promise.all([
        limit > 0 ? guarded('reading the failure count', () => state.failures(client)) : 0,
        guarded('reading the API-key generation', () => state.generation()),
      ])
      if (failures !== undefined && failures >= limit && limit > 0) {
        const retryMs = (await guarded('reading the window', () => state.retryAfterMs(client))) ?? 1
        const seconds = Math.max(1, Math.ceil(Math.min(retryMs, AUTH_FAILURE_WINDOW_MS) / 1000))
        throw new RateLimitedError(
          `Too many failed authentications: at most ${limit} per minute from one address; retry in ${seconds} s`,
          seconds,
        )
      }
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match) return refuse(client, 'Authorization must be "Bearer <key>"')
      const hash = sha256(match[1]!)
      if (sameDigest(hash, adminTokenHash)) return { kind: 'admin' }
      const cached = keys.get(hash)
      if (cached && generation !== undefined && cached.generation === generation) {
        return { kind: 'user', userId: cached.userId }
      }
      if (unknown.has(hash)) return refuse(client, 'Unknown or revoked API key')
      const key = await findActiveApiKey(db, hash)
      if (!key) {
        unknown.set(hash, true)
        keys.delete(hash)
        return refuse(client, 'Unknown or revoked API key')
      }
      // The generation was read before the look-up: a revocation committed after the
      // look-up bumps it past this value, so this entry is never trusted again.
      if (generation !== undefined) keys.set(hash, { userId: key.userId, generation })
      return { kind: 'user', userId: key.userId }
    },

    keyCreated(keyHash) {
      // A new key is 192 random bits, so nobody can have tried it before; dropping
      // the entry anyway makes "a new key works at once" hold without that argument.
      unknown.delete(keyHash)
    },

    async keysRevoked() {
      keys.clear()
      await state.bumpGeneration()
    },
  }
}

/** 401 without credentials; 403 for a non-admin. */
export function requireAdmin(principal: Principal | undefined): void {
  if (!principal)
    throw new ApiError(
      'UNAUTHORIZED',
      'This endpoint needs the admin token (Authorization: Bearer <ADMIN_TOKEN>)',
    )
  if (principal.kind !== 'admin')
    throw new ApiError('FORBIDDEN', 'This endpoint needs the admin token')
}

/** 401 without credentials; 403 unless admin or the key of `userId`. */
export function requireUser(principal: Principal | undefined, userId: string): void {
  if (!principal)
    throw new ApiError('UNAUTHORIZED', 'Send an API key (Authorization: Bearer <key>)')
  if (principal.kind === 'user' && principal.userId !== userId) {
    throw new ApiError('FORBIDDEN', 'This API key does not belong to that user')
  }
}
