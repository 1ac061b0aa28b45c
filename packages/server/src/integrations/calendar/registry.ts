import type { Config } from '../../config/config'
import type { ResolveHost } from '../webhooks/ssrf-guard'
import { createCaldavProvider } from './caldav/caldav-provider'
import type { ProviderRegistry } from './calendar-sync'
import { createGoogleProvider } from './google/google-provider'
import { createMicrosoftProvider } from './microsoft/microsoft-provider'
import type { CalendarProvider } from './provider'

/**
 * The calendar providers this server has: Google when GOOGLE_CLIENT_ID is set,
 * Microsoft when MICROSOFT_CLIENT_ID is, and CalDAV always (it needs no client
 * id: hosts bring their server's URL and password; WEBHOOK_ALLOW_PRIVATE decides
 * whether private-network servers may be called). A provider missing here
 * answers 501 INTEGRATION_NOT_CONFIGURED; its existing integrations stop syncing.
 */
export function createProviderRegistry(
  config: Pick<
    Config,
    | 'googleClientId'
    | 'googleClientSecret'
    | 'googleOauthAuthorizeUrl'
    | 'googleOauthTokenUrl'
    | 'googleOauthRevokeUrl'
    | 'googleApiUrl'
    | 'microsoftClientId'
    | 'microsoftClientSecret'
    | 'microsoftTenant'
    | 'microsoftLoginUrl'
    | 'microsoftGraphUrl'
    | 'webhookAllowPrivate'
  >,
  options: { now: () => number; resolveHost?: ResolveHost },
): ProviderRegistry {
  const providers = new Map<string, CalendarProvider>()
  providers.set(
    'caldav',
    createCaldavProvider({
      allowPrivate: config.webhookAllowPrivate,
      resolve: options.resolveHost,
      now: options.now,
    }),
  )
  if (config.googleClientId && config.googleClientSecret) {
    providers.set(
      'google',
      createGoogleProvider({
        clientId: config.googleClientId,
        clientSecret: config.googleClientSecret,
        authorizeUrl: config.googleOauthAuthorizeUrl,
        tokenUrl: config.googleOauthTokenUrl,
        revokeUrl: config.googleOauthRevokeUrl,
        apiUrl: config.googleApiUrl,
        now: options.now,
      }),
    )
  }
  if (config.microsoftClientId && config.microsoftClientSecret) {
    providers.set(
      'microsoft',
      createMicrosoftProvider({
        clientId: config.microsoftClientId,
        clientSecret: config.microsoftClientSecret,
        tenant: config.microsoftTenant,
        loginUrl: config.microsoftLoginUrl,
        graphUrl: config.microsoftGraphUrl,
        now: options.now,
      }),
    )
  }
  return providers
}
