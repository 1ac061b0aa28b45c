import { formatUtc } from '@slotkit/core'
import type {
  ApiKey,
  ApiKeyList,
  CreateApiKeyBody,
  CreateApiKeyReply,
  CreateUserBody,
  PatchUserBody,
} from '@slotkit/core/api'
import { sqlState, UNIQUE_VIOLATION } from '../db/database'
import {
  findUserById,
  insertApiKey,
  insertUser,
  listActiveApiKeys,
  revokeApiKey as revokeApiKeyRow,
  revokeOtherApiKeys,
  updateUser,
} from '../db/repositories/users.repository'
import type { ApiKeyRow, UserRow } from '../db/schema'
import { ApiError, notFound } from '../http/api-error'
import type { ServiceDeps } from './deps'
import { bumpHostGeneration } from './generation'
import { newApiKey } from './tokens'
import { checkTimeZone } from './validate'

export function toWireUser(user: UserRow) {
  return { id: user.id, email: user.email, name: user.name, time_zone: user.timeZone }
}

function emailTaken(error: unknown): never {
  if (sqlState(error) === UNIQUE_VIOLATION) {
    throw new ApiError('CONFLICT', 'email: a user with this e-mail already exists', {
      field: 'email',
    })
  }
  throw error
}

/** Creates a host and its first API key; the key is returned this once (only its hash is stored). */
export async function createUser(
  deps: Pick<ServiceDeps, 'db' | 'apiKeyCache'>,
  body: CreateUserBody,
) {
  const timeZone = checkTimeZone(body.time_zone, 'time_zone')
  const key = newApiKey()
  const user = await deps.db
    .transaction()
    .execute(async (trx) => {
      const created = await insertUser(trx, {
        email: body.email,
        name: body.name.trim(),
        timeZone,
      })
      await insertApiKey(trx, { userId: created.id, prefix: key.prefix, keyHash: key.keyHash })
      return created
    })
    .catch(emailTaken)
  deps.apiKeyCache?.keyCreated(key.keyHash)
  return { ...toWireUser(user), api_key: key.key }
}

export async function getUser(deps: Pick<ServiceDeps, 'db'>, id: string) {
  const user = await findUserById(deps.db, id)
  if (!user) throw notFound('User')
  return toWireUser(user)
}

/** Changing the zone moves the host's working hours, so it bumps the generation. */
export async function patchUser(deps: ServiceDeps, id: string, body: PatchUserBody) {
  const timeZone =
    body.time_zone === undefined ? undefined : checkTimeZone(body.time_zone, 'time_zone')
  const user = await updateUser(deps.db, id, {
    ...(body.email !== undefined ? { email: body.email } : {}),
    ...(body.name !== undefined ? { name: body.name.trim() } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
  }).catch(emailTaken)
  if (!user) throw notFound('User')
  await bumpHostGeneration(deps, id)
  return toWireUser(user)
}

function toWireApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    prefix: row.prefix,
    created_at: formatUtc(row.createdAt.getTime()),
    last_used_at: row.lastUsedAt ? formatUtc(row.lastUsedAt.getTime()) : null,
  }
}

/**
 * `POST /api/users/:id/api-keys`: a new key for the user, returned this once. With
 * `revoke_others` every other active key of the user is revoked in the same
 * transaction (rotation in one call), and no process accepts them any more once
 * this returns. Once committed, the new key is returned even when Redis could not
 * tell the other processes (see `keysRevoked`): a 500 would lose it, and with the
 * old keys revoked only the admin could let the host in again.
 */
export async function createApiKey(
  deps: Pick<ServiceDeps, 'db' | 'apiKeyCache'>,
  userId: string,
  body: CreateApiKeyBody,
): Promise<CreateApiKeyReply> {
  const key = newApiKey()
  const { row, revoked } = await deps.db.transaction().execute(async (trx) => {
    if (!(await findUserById(trx, userId))) throw notFound('User')
    const inserted = await insertApiKey(trx, {
      userId,
      prefix: key.prefix,
      keyHash: key.keyHash,
    })
    const others = body.revoke_others ? await revokeOtherApiKeys(trx, userId, inserted.id) : 0
    return { row: inserted, revoked: others }
  })
  deps.apiKeyCache?.keyCreated(key.keyHash)
  if (revoked > 0) await deps.apiKeyCache?.keysRevoked()
  return {
    id: row.id,
    prefix: row.prefix,
    created_at: formatUtc(row.createdAt.getTime()),
    api_key: key.key,
  }
}

/** `GET /api/users/:id/api-keys`: the active keys, oldest first (never a key or its hash). */
export async function listApiKeys(
  deps: Pick<ServiceDeps, 'db'>,
  userId: string,
): Promise<ApiKeyList> {
  if (!(await findUserById(deps.db, userId))) throw notFound('User')
  return { api_keys: (await listActiveApiKeys(deps.db, userId)).map(toWireApiKey) }
}

/**
 * `DELETE /api/users/:id/api-keys/:key_id`: revokes the key at once in every
 * process (with Redis unreachable: see `keysRevoked`). 404 unless the key belongs
 * to the user; revoking a revoked key again succeeds (a retried DELETE). The key making the call may revoke itself, and a
 * user's last key may go: the admin token can always create a new one.
 */
export async function revokeApiKey(
  deps: Pick<ServiceDeps, 'db' | 'apiKeyCache'>,
  userId: string,
  keyId: string,
): Promise<void> {
  const row = await revokeApiKeyRow(deps.db, userId, keyId)
  if (!row) throw notFound('API key')
  // Also after a repeated DELETE: the first one may have failed after its commit,
  // before the caches heard of it.
  await deps.apiKeyCache?.keysRevoked()
}
