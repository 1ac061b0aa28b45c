import { type OAuthTokens, ProviderError } from '../provider'
import { parseRetryAfter } from '../resilience'

/**
 * What a calendar connection asks for: a refresh token (`offline_access`), the
 * calendars to read and write events in, and the signed-in user's address.
 */
export const MICROSOFT_SCOPES = ['offline_access', 'Calendars.ReadWrite', 'User.Read']

/** Where the identity platform is and who this app is (MICROSOFT_* variables). */
export interface IdentityOptions {
  readonly clientId: string
  readonly clientSecret: string
  /** MICROSOFT_TENANT: `common`, `organizations`, `consumers` or a tenant id. */
  readonly tenant: string
  /** MICROSOFT_LOGIN_URL, no trailing slash. */
  readonly loginUrl: string
  /** The clock (epoch ms) expiries are expressed in. */
  readonly now: () => number
  /** Deadline of one token call, ms. */
  readonly timeoutMs: number
}

/** The identity platform v2.0 consent page (reference §2.1): authorization code, PKCE S256, query response. */
export function microsoftAuthorizationUrl(
  options: IdentityOptions,
  request: { redirectUri: string; state: string; codeChallenge: string },
): string {
  const url = new URL(`${options.loginUrl}/${options.tenant}/oauth2/v2.0/authorize`)
  url.search = new URLSearchParams({
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: request.redirectUri,
    response_mode: 'query',
    scope: MICROSOFT_SCOPES.join(' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    // A host signed in to several accounts picks the one whose calendar to connect.
    prompt: 'select_account',
  }).toString()
  return url.toString()
}

interface TokenReply {
  access_token?: unknown
  refresh_token?: unknown
  expires_in?: unknown
  error?: unknown
  error_codes?: unknown
}

/**
 * One POST to the token endpoint (form-encoded, the client secret in the body).
 * A refusal becomes a {@link ProviderError} naming the operation, the status, the
 * OAuth `error` and the AADSTS number, never a token or the description (which
 * Microsoft asks clients not to parse): `invalid_grant` is `revoked`, 429 is
 * `rate-limited`, 5xx and network failures are `unavailable`, the rest `rejected`.
 */
export async function requestMicrosoftToken(
  options: IdentityOptions,
  operation: 'token' | 'token refresh',
  fields: Record<string, string>,
): Promise<OAuthTokens> {
  const label = `microsoft ${operation}`
  let response: Response
  let reply: TokenReply
  try {
    response = await fetch(`${options.loginUrl}/${options.tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        scope: MICROSOFT_SCOPES.join(' '),
        ...fields,
      }).toString(),
      // A refresh runs while the integration row is locked: never wait forever.
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    })
    reply = (await response.json().catch(() => ({}))) as TokenReply
  } catch (error) {
    // No answer (refused, reset, timed out): the error's name only (its message may hold the URL).
    const name = error instanceof Error ? error.name : 'no response'
    throw new ProviderError('microsoft', 'unavailable', `${label}: ${name}`)
  }
  if (!response.ok) {
    const error = typeof reply.error === 'string' ? reply.error.slice(0, 64) : undefined
    const aadsts =
      Array.isArray(reply.error_codes) && typeof reply.error_codes[0] === 'number'
        ? ` (AADSTS${reply.error_codes[0]})`
        : ''
    const detail = `${label}: HTTP ${response.status}${error ? ` ${error}` : ''}${aadsts}`
    const details = { status: response.status, reason: error }
    if (error === 'invalid_grant') {
      throw new ProviderError(
        'microsoft',
        'revoked',
        `${detail} (the grant was revoked or expired)`,
        details,
      )
    }
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now())
      throw new ProviderError('microsoft', 'rate-limited', detail, { ...details, retryAfterMs })
    }
    if (response.status >= 500 || error === 'temporarily_unavailable') {
      throw new ProviderError('microsoft', 'unavailable', detail, details)
    }
    throw new ProviderError('microsoft', 'rejected', detail, details)
  }
  if (typeof reply.access_token !== 'string' || reply.access_token === '') {
    throw new ProviderError('microsoft', 'rejected', `${label}: no access token in the reply`)
  }
  const expiresIn = Number(reply.expires_in)
  return {
    accessToken: reply.access_token,
    // A refresh answers with a new refresh token: the caller stores it and drops the old one.
    refreshToken: typeof reply.refresh_token === 'string' ? reply.refresh_token : undefined,
    expiresAt:
      options.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
  }
}
