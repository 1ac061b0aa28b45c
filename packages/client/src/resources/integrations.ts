import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type {
  AuthorizeIntegrationBody,
  AuthorizeIntegrationReply,
  ConnectCaldavBody,
  Integration,
  IntegrationList,
  ListIntegrationsQuery,
  PatchIntegrationBody,
  SyncResult,
} from '../types'

/**
 * `client.integrations`: a host's connected calendar accounts (host key). Their
 * busy times block slots; tokens never leave the server.
 */
export interface IntegrationsResource {
  /**
   * Starts connecting a Google account (`POST /api/integrations/google/authorize`):
   * send the host's browser to `authorization_url`, the server's start page, which
   * names the host and goes on to Google's consent page. Google sends the browser
   * back to the server, which stores the account and redirects to `return_url` with
   * `?integration_id=…` added. A `return_url` that is no http(s) URL rejects with
   * `VALIDATION_FAILED` (`details.field: 'return_url'`).
   *
   * @example
   * ```ts
   * const { authorization_url } = await host.integrations.authorizeGoogle({
   *   return_url: 'https://app.example.com/settings/calendars',
   * })
   * ```
   */
  authorizeGoogle(
    body?: AuthorizeIntegrationBody,
    options?: RequestOptions,
  ): Promise<AuthorizeIntegrationReply>
  /**
   * Starts connecting a Microsoft 365 or Outlook.com account
   * (`POST /api/integrations/microsoft/authorize`): send the host's browser to
   * `authorization_url`, the server's start page, which names the host and goes on
   * to Microsoft's sign-in and consent page. Microsoft sends it back to the server,
   * which stores the mailbox and redirects to `return_url` with `?integration_id=…`
   * added.
   *
   * @example
   * ```ts
   * const { authorization_url } = await host.integrations.authorizeMicrosoft({
   *   return_url: 'https://app.example.com/settings/calendars',
   * })
   * ```
   */
  authorizeMicrosoft(
    body?: AuthorizeIntegrationBody,
    options?: RequestOptions,
  ): Promise<AuthorizeIntegrationReply>
  /**
   * Connects a CalDAV account: iCloud, Fastmail, Nextcloud… (`POST /api/integrations/caldav`).
   * The server discovers the calendars before it stores anything, so a wrong password
   * rejects with `CREDENTIALS_REJECTED` and a server that cannot be reached with
   * `CALENDAR_SERVER_UNREACHABLE` (both 400). Connecting the same account again
   * replaces its password. Resolves to the integration; its first sync is queued.
   *
   * @example
   * ```ts
   * const integration = await host.integrations.connectCaldav({
   *   server_url: 'https://caldav.icloud.com/',
   *   username: 'alice@icloud.com',
   *   password: 'abcd-efgh-ijkl-mnop', // an app-specific password
   * })
   * ```
   */
  connectCaldav(body: ConnectCaldavBody, options?: RequestOptions): Promise<Integration>
  /** The host's connected accounts and their calendars (`GET /api/integrations`). */
  list(query?: ListIntegrationsQuery, options?: RequestOptions): Promise<IntegrationList>
  /**
   * Chooses the calendars that block time and the one bookings are written to
   * (`PATCH /api/integrations/:id`); ids are those of `calendars`.
   */
  update(
    integrationId: string,
    body: PatchIntegrationBody,
    options?: RequestOptions,
  ): Promise<Integration>
  /** Syncs now and answers with what the sync did (`POST /api/integrations/:id/sync`). */
  sync(integrationId: string, options?: RequestOptions): Promise<SyncResult>
  /**
   * Disconnects an account (`DELETE /api/integrations/:id`): its push channels are
   * stopped, its token revoked and its busy times removed at once.
   */
  delete(integrationId: string, options?: RequestOptions): Promise<void>
}

/** Builds {@link IntegrationsResource} over a requester. */
export function createIntegrations(request: Requester): IntegrationsResource {
  const path = (integrationId: string) => `/api/integrations/${id(integrationId)}`
  return {
    authorizeGoogle: (body, options) =>
      request('POST', '/api/integrations/google/authorize', { body: body ?? {}, options }),
    authorizeMicrosoft: (body, options) =>
      request('POST', '/api/integrations/microsoft/authorize', { body: body ?? {}, options }),
    connectCaldav: (body, options) =>
      request('POST', '/api/integrations/caldav', { body, options }),
    list: (query, options) => request('GET', '/api/integrations', { query, retry: true, options }),
    update: (integrationId, body, options) =>
      request('PATCH', path(integrationId), { body, options }),
    sync: (integrationId, options) => request('POST', `${path(integrationId)}/sync`, { options }),
    delete: (integrationId, options) => request('DELETE', path(integrationId), { options }),
  }
}
