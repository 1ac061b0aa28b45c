import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type { CreateUserBody, CreateUserReply, PatchUserBody, User } from '../types'

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
}

/** Builds {@link UsersResource} over a requester. */
export function createUsers(request: Requester): UsersResource {
  return {
    create: (body, options) => request('POST', '/api/users', { body, options }),
    get: (userId, options) => request('GET', `/api/users/${id(userId)}`, { retry: true, options }),
    update: (userId, body, options) =>
      request('PATCH', `/api/users/${id(userId)}`, { body, options }),
  }
}
