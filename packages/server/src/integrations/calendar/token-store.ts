import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/database'
import type { IntegrationRow } from '../../db/integrations.schema'
import {
  claimRefresh,
  findIntegration,
  markDisconnected,
  releaseRefresh,
  storeRefreshedTokens,
} from '../../db/repositories/integrations.repository'
import {
  type CalendarProvider,
  type OAuthTokens,
  ProviderError,
  type ProviderSession,
} from './provider'
import type { SecretBox } from './secret-box'

/** Refresh an access token this long before it expires. */
export const REFRESH_AHEAD_MS = 5 * 60_000

/**
 * A refresh claims its grant for this long: well past the token endpoint's 20 s
 * timeout, so a claim never ends while its call is still in flight.
 */
export const REFRESH_CLAIM_MS = 60_000

/** How often a refresh that found another in flight looks for its result. */
const REFRESH_POLL_MS = 50

/** What `integrations.credentials` holds once opened: OAuth tokens, or a provider's stored credentials. */
export interface StoredCredentials {
  readonly accessToken?: string
  readonly refreshToken?: string
  /** Credentials providers (CalDAV): server URL, user name, password… */
  readonly secret?: Readonly<Record<string, string>>
}

/** The authenticated data each sealed value is bound to (GCM additional data). */
export function credentialsContext(integrationId: string): string {
  return `integration:${integrationId}:credentials`
}

/** Seals credentials for the row of `integrationId`. */
export function sealCredentials(
  box: SecretBox,
  integrationId: string,
  credentials: StoredCredentials,
): { credentials: string; keyId: string } {
  return {
    credentials: box.seal(JSON.stringify(credentials), credentialsContext(integrationId)),
    keyId: box.keyId,
  }
}

/**
 * The stored credentials cannot be opened: sealed under a key this server does
 * not have (ENCRYPTION_KEY changed without ENCRYPTION_KEYS_PREVIOUS), or altered.
 * The message names the key id, never a key.
 */
export class CredentialsUnreadableError extends Error {
  override readonly name = 'CredentialsUnreadableError'
}

/** Opens the credentials of an integration row. */
export function openCredentials(
  box: SecretBox,
  row: Pick<IntegrationRow, 'id' | 'credentials'>,
): StoredCredentials {
  let text: string
  try {
    text = box.open(row.credentials, credentialsContext(row.id))
  } catch (error) {
    throw new CredentialsUnreadableError(
      `the stored credentials cannot be opened (${error instanceof Error ? error.message : 'unreadable'}): set the key they were sealed with in ENCRYPTION_KEYS_PREVIOUS, or reconnect the account`,
    )
  }
  return JSON.parse(text) as StoredCredentials
}

/**
 * Called inside the transaction that marks the integration disconnected (its
 * grant revoked), with the row locked: queue the host's e-mail and the webhook
 * there, so they exist exactly when the disconnection commits.
 */
export type OnDisconnected = (trx: Db, integration: IntegrationRow) => Promise<void>

/** Options of {@link TokenStore}. */
export interface TokenStoreOptions {
  readonly db: Db
  readonly box: SecretBox
  readonly now: () => number
  readonly onDisconnected: OnDisconnected
}

/**
 * Access tokens of integrations: opened from the sealed credentials, refreshed
 * ahead of expiry by one process at a time per grant.
 *
 * A refresh claims its grant (`refreshing_until`, one short UPDATE: no row lock
 * and no pool connection is held across the call to the token endpoint), re-reads
 * the tokens the claim returned (another process may have refreshed meanwhile:
 * then its token is used and the endpoint is not called), calls the endpoint, and
 * stores the result compare-and-set on the credentials it started from, so a
 * newer grant (a reconnect, Microsoft's rotated refresh token) is never
 * overwritten. A process that finds the claim taken waits for the holder's
 * token. A refresh the provider refuses with invalid_grant marks the
 * integration disconnected (tokens cleared, reason recorded,
 * {@link OnDisconnected} called in that transaction) and throws a `revoked`
 * {@link ProviderError}.
 */
export class TokenStore {
  constructor(private readonly options: TokenStoreOptions) {}

  /** A session over `row` (its credentials opened lazily, its access token cached in memory). */
  session(row: IntegrationRow, provider: CalendarProvider): ProviderSession {
    let cached: { token: string; expiresAt: number } | undefined
    const opened = () => openCredentials(this.options.box, row)
    const refresh = async (
      needsRefresh: (stored: { token: string; expiresAt: number }) => boolean,
    ) => {
      cached = await this.refresh(row.id, provider, needsRefresh)
      return cached.token
    }
    return {
      integrationId: row.id,
      accountEmail: row.accountEmail,
      accessToken: async () => {
        if (!cached) {
          const token = opened().accessToken
          if (token && row.accessExpiresAt)
            cached = { token, expiresAt: row.accessExpiresAt.getTime() }
        }
        if (cached && cached.expiresAt - this.options.now() > REFRESH_AHEAD_MS) return cached.token
        return refresh((stored) => stored.expiresAt - this.options.now() <= REFRESH_AHEAD_MS)
      },
      refreshAccessToken: (rejected) => refresh((stored) => stored.token === rejected),
      credentials: async () => opened().secret ?? {},
    }
  }

  /**
   * The stored token unless `needsRefresh` says it must go, else a refreshed one
   * (stored, re-sealed under the current key), by one process at a time.
   */
  async refresh(
    integrationId: string,
    provider: CalendarProvider,
    needsRefresh: (stored: { token: string; expiresAt: number }) => boolean,
  ): Promise<{ token: string; expiresAt: number }> {
    const { db, box, now } = this.options
    if (provider.connect.kind !== 'oauth') {
      throw new Error(`${provider.id} does not use OAuth tokens`)
    }
    const connect = provider.connect
    const gone = () =>
      new ProviderError(
        provider.id,
        'revoked',
        `${provider.id}: disconnected or removed, reconnect`,
      )
    const usable = (row: IntegrationRow) => {
      const stored = openCredentials(box, row)
      const current =
        stored.accessToken && row.accessExpiresAt
          ? { token: stored.accessToken, expiresAt: row.accessExpiresAt.getTime() }
          : undefined
      return { stored, current: current && !needsRefresh(current) ? current : undefined }
    }
    // Real time, not the sync clock: this bounds a wait for another process.
    const waitUntil = Date.now() + REFRESH_CLAIM_MS
    for (;;) {
      const holder = randomUUID()
      const at = now()
      const claimed = await claimRefresh(db, integrationId, {
        holder,
        until: new Date(at + REFRESH_CLAIM_MS),
        now: new Date(at),
      })
      if (claimed === undefined) throw gone()
      if (claimed === 'busy') {
        // Another process is refreshing this grant: use its token once stored.
        const row = await findIntegration(db, integrationId)
        if (!row || row.status === 'disconnected') throw gone()
        const { current } = usable(row)
        if (current) return current
        if (Date.now() > waitUntil) {
          throw new ProviderError(
            provider.id,
            'unavailable',
            `${provider.id}: a token refresh in another process did not finish`,
          )
        }
        await new Promise((resolve) => setTimeout(resolve, REFRESH_POLL_MS))
        continue
      }
      let stored: StoredCredentials
      try {
        const read = usable(claimed)
        // Another process refreshed before this claim: its token serves.
        if (read.current) {
          await releaseRefresh(db, integrationId, holder)
          return read.current
        }
        stored = read.stored
        if (!stored.refreshToken) {
          throw new ProviderError(provider.id, 'revoked', `${provider.id}: no refresh token stored`)
        }
      } catch (error) {
        await releaseRefresh(db, integrationId, holder)
        throw error
      }
      let tokens: OAuthTokens
      try {
        tokens = await connect.refresh(stored.refreshToken)
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'revoked') {
          await db.transaction().execute(async (trx) => {
            const disconnected = await markDisconnected(trx, integrationId, {
              // The dead grant is dropped: nothing usable stays stored.
              credentials: sealCredentials(box, integrationId, {}),
              lastError: `${provider.name} refused the stored access (${error.message}); reconnect the account`,
              now: new Date(now()),
            })
            if (disconnected) await this.options.onDisconnected(trx, disconnected)
          })
          throw error
        }
        await releaseRefresh(db, integrationId, holder)
        throw error
      }
      // Stored only over the credentials this refresh started from: a reconnect or
      // another refresh (after this claim ran out) keeps its newer grant. The new
      // access token serves this session either way.
      await storeRefreshedTokens(db, integrationId, {
        holder,
        expected: claimed.credentials,
        sealed: sealCredentials(box, integrationId, {
          ...stored,
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken ?? stored.refreshToken,
        }),
        accessExpiresAt: new Date(tokens.expiresAt),
        now: new Date(now()),
      })
      return { token: tokens.accessToken, expiresAt: tokens.expiresAt }
    }
  }
}
