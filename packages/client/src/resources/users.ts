import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type {
  ApiKeyList,
  CreateApiKeyBody,
  CreateApiKeyReply,
  CreateUserBody,
  CreateUserReply,
  PatchUserBody,
  User,
} from '../types'

/** `client.users`: hosts. */
export interface UsersResource {
  /**
   * Creates a host (`POST /api/users`, admin token). The reply holds the host's
   * API key, shown this once.
   *
   * @example
   * ```ts
   * const admin = createClient({ baseUrl, apiKey: adminToken })
   * const { id, api_key } = await admin.users.create({
   *   email: 'ada@example.com', name: 'Ada', time_zone: 'Europe/London',
   * })
   * ```
   */
  create(body: CreateUserBody, options?: RequestOptions): Promise<CreateUserReply>
  /** Reads a host (`GET /api/users/:id`, admin token or that host's key). */
  get(userId: string, options?: RequestOptions): Promise<User>
  /** Changes a host's e-mail, name or zone (`PATCH /api/users/:id`). */
  update(userId: string, body: PatchUserBody, options?: RequestOptions): Promise<User>
  /**
   * Creates another API key for a host (`POST /api/users/:id/api-keys`, admin
   * token or that host's key), shown this once. `revoke_others: true` also
   * revokes every other key of the host in the same transaction: rotation in
   * one call. Not retried (a retry would create a second key).
   *
   * @example
   * ```ts
   * const { api_key } = await host.users.createApiKey(userId, { revoke_others: true })
   * const rotated = createClient({ baseUrl, apiKey: api_key })
   * ```
   */
  createApiKey(
    userId: string,
    body?: CreateApiKeyBody,
    options?: RequestOptions,
  ): Promise<CreateApiKeyReply>
  /** A host's active API keys, oldest first, without the keys (`GET /api/users/:id/api-keys`). */
  listApiKeys(userId: string, options?: RequestOptions): Promise<ApiKeyList>
  /**
   * Revokes one API key of a host (`DELETE /api/users/:id/api-keys/:key_id`); every
   * server process refuses it from then on. Revoking a host's last key locks the
   * host out until the admin creates a new one.
   */
  revokeApiKey(userId: string, keyId: string, options?: RequestOptions): Promise<void>
}

/** Builds {@link UsersResource} over a requester. */
export function createUsers(request: Requester): UsersResource {
  return {
    create: (body, options) => request('POST', '/api/users', { body, options }),
    get: (userId, options) => request('GET', `/api/users/${id(userId)}`, { retry: true, options }),
    update: (userId, body, options) =>
      request('PATCH', `/api/users/${id(userId)}`, { body, options }),
    createApiKey: (userId, body, options) =>
      request('POST', `/api/users/${id(userId)}/api-keys`, { body: body ?? {}, options }),
    listApiKeys: (userId, options) =>
      request('GET', `/api/users/${id(userId)}/api-keys`, { retry: true, options }),
    revokeApiKey: (userId, keyId, options) =>
      request('DELETE', `/api/users/${id(userId)}/api-keys/${id(keyId)}`, { options }),
  }
}
