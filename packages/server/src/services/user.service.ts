import type { CreateUserBody, PatchUserBody } from '@slotkit/core/api'
import { sqlState, UNIQUE_VIOLATION } from '../db/database'
import {
  findUserById,
  insertApiKey,
  insertUser,
  updateUser,
} from '../db/repositories/users.repository'
import type { UserRow } from '../db/schema'
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
export async function createUser(deps: Pick<ServiceDeps, 'db'>, body: CreateUserBody) {
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
