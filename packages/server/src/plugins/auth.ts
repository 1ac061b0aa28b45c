import type { FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { Db } from '../db/database'
import { findUserIdByKeyHash } from '../db/repositories/users.repository'
import { ApiError } from '../http/api-error'
import { sameDigest, sha256 } from '../services/tokens'

/** Who is calling: the administrator (ADMIN_TOKEN) or a host (its API key). */
export type Principal =
  | { readonly kind: 'admin' }
  | { readonly kind: 'user'; readonly userId: string }

export interface Authenticator {
  /** The caller, `undefined` without an Authorization header; 401 for an unknown key. */
  principalOf(request: FastifyRequest): Promise<Principal | undefined>
}

/**
 * Bearer-token authentication. Keys are looked up by their sha-256; a short
 * in-process cache spares the database on busy hosts.
 */
export function createAuthenticator(db: Db, adminTokenHash: string): Authenticator {
  const keys = new LRUCache<string, string>({ max: 10_000, ttl: 30_000 })
  return {
    async principalOf(request) {
      const header = request.headers.authorization
      if (header === undefined) return undefined
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match) throw new ApiError('UNAUTHORIZED', 'Authorization must be "Bearer <key>"')
      const hash = sha256(match[1]!)
      if (sameDigest(hash, adminTokenHash)) return { kind: 'admin' }
      let userId = keys.get(hash)
      if (!userId) {
        userId = await findUserIdByKeyHash(db, hash)
        if (!userId) throw new ApiError('UNAUTHORIZED', 'Unknown or revoked API key')
        keys.set(hash, userId)
      }
      return { kind: 'user', userId }
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
