import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type { Availability, PutAvailabilityBody } from '../types'

/** `client.availability`: a host's weekly rules and date overrides. */
export interface AvailabilityResource {
  /** Reads the stored rules and overrides (`GET /api/users/:id/availability`). */
  get(userId: string, options?: RequestOptions): Promise<Availability>
  /**
   * Replaces the rules and overrides (`PUT /api/users/:id/availability`).
   * Times are wall-clock `HH:MM` in the host's zone; overlapping or inverted
   * windows are rejected (400). Retried like a GET: a full replacement is safe
   * to repeat.
   *
   * @example
   * ```ts
   * await client.availability.set(userId, {
   *   rules: [1, 2, 3, 4, 5].map((day_of_week) => ({
   *     day_of_week, start_time: '09:00', end_time: '17:00',
   *   })),
   *   overrides: [{ date: '2027-12-24', intervals: [] }],
   * })
   * ```
   */
  set(userId: string, body: PutAvailabilityBody, options?: RequestOptions): Promise<Availability>
}

/** Builds {@link AvailabilityResource} over a requester. */
export function createAvailability(request: Requester): AvailabilityResource {
  const path = (userId: string) => `/api/users/${id(userId)}/availability`
  return {
    get: (userId, options) => request('GET', path(userId), { retry: true, options }),
    set: (userId, body, options) => request('PUT', path(userId), { body, retry: true, options }),
  }
}
