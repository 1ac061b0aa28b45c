import { type ClientOptions, createRequester, type RequestOptions } from './request'
import { type AdminResource, createAdmin } from './resources/admin'
import { type AvailabilityResource, createAvailability } from './resources/availability'
import {
  type BookingsResource,
  createBookings,
  createInviteeBookings,
  type InviteeBookingsResource,
} from './resources/bookings'
import { createIntegrations, type IntegrationsResource } from './resources/integrations'
import {
  createMeetingTypes,
  createPublicMeetingTypes,
  type MeetingTypesResource,
  type PublicMeetingTypesResource,
} from './resources/meeting-types'
import { createSlots, type SlotsResource } from './resources/slots'
import { createUsers, type UsersResource } from './resources/users'
import { createWebhooks, type WebhooksResource } from './resources/webhooks'

/** Options of {@link SlotkitClient.request}, the escape hatch for routes without a typed method. */
export interface RawRequestOptions extends RequestOptions {
  /** Query parameters; `undefined` and `null` values are left out. */
  query?: Record<string, string | number | boolean | null | undefined>
  /** A JSON body. */
  body?: unknown
  /**
   * Retry network errors and 5xx replies (only for calls that are safe to
   * repeat). Default false.
   */
  retry?: boolean
}

/** A Slotkit API client: one group of typed calls per resource. */
export interface SlotkitClient {
  /** Hosts (admin token to create). */
  readonly users: UsersResource
  /** A host's weekly rules and date overrides. */
  readonly availability: AvailabilityResource
  /** A host's meeting types (and the public view of one). */
  readonly meetingTypes: MeetingTypesResource
  /** Open slots in the viewer's zone (public). */
  readonly slots: SlotsResource
  /** Booking, listing, cancelling, rescheduling. */
  readonly bookings: BookingsResource
  /** Signed callbacks on booking events. */
  readonly webhooks: WebhooksResource
  /** A host's connected calendar accounts (Google): connect, list, choose calendars, sync, remove. */
  readonly integrations: IntegrationsResource
  /** Operator calls: background jobs (admin token). */
  readonly admin: AdminResource
  /**
   * Calls any route with the client's base URL, auth, deadline and error
   * handling: for routes this version has no typed method for.
   *
   * @example
   * ```ts
   * const health = await slotkit.request<{ status: string }>('GET', '/healthz', { retry: true })
   * ```
   */
  request<TResult = unknown>(
    method: string,
    path: string,
    options?: RawRequestOptions,
  ): Promise<TResult>
}

/**
 * Creates a client for the Slotkit HTTP API at `baseUrl`. It uses only
 * `fetch`, `URL`, `AbortController` and `crypto`, so it runs in browsers,
 * Node >= 20, Deno, Bun and workers. Every call rejects with a
 * {@link SlotkitApiError} (or a subclass) and takes `{ signal, timeoutMs }`.
 *
 * @example
 * ```ts
 * import { createClient } from '@slotkit/client'
 *
 * const slotkit = createClient({ baseUrl: 'https://slots.example.com' })
 * const { slots } = await slotkit.slots.list({
 *   meeting_type_id: meetingTypeId, date: '2027-03-14', timezone: 'Europe/Berlin',
 * })
 * ```
 */
export function createClient(options: ClientOptions): SlotkitClient {
  const request = createRequester(options)
  return {
    users: createUsers(request),
    availability: createAvailability(request),
    meetingTypes: createMeetingTypes(request),
    slots: createSlots(request),
    bookings: createBookings(request),
    webhooks: createWebhooks(request),
    integrations: createIntegrations(request),
    admin: createAdmin(request),
    request: (method, path, { query, body, retry, ...call } = {}) =>
      request(method, path, { query, body, retry, options: call }),
  }
}

/**
 * The calls an invitee's page makes: a meeting type's public view, open slots,
 * booking, and reading, cancelling or moving a booking with its link's token.
 * A {@link SlotkitClient} is one too.
 */
export interface InviteeClient {
  readonly meetingTypes: PublicMeetingTypesResource
  readonly slots: SlotsResource
  readonly bookings: InviteeBookingsResource
}

/**
 * A client with only the invitee's calls ({@link InviteeClient}), for booking
 * pages and widgets where every byte travels to the browser: bundlers leave
 * out the host and operator calls of {@link createClient}. Same options, same
 * errors, retries and deadlines.
 *
 * @example
 * ```ts
 * import { createInviteeClient } from '@slotkit/client'
 *
 * const slotkit = createInviteeClient({ baseUrl: 'https://slots.example.com' })
 * const type = await slotkit.meetingTypes.get(meetingTypeId)
 * ```
 */
export function createInviteeClient(options: ClientOptions): InviteeClient {
  const request = createRequester(options)
  return {
    meetingTypes: createPublicMeetingTypes(request),
    slots: createSlots(request),
    bookings: createInviteeBookings(request),
  }
}
