import type { Db } from '../../db/database'
import type { IntegrationRow } from '../../db/integrations.schema'
import {
  type CalendarProvider,
  type OAuthTokens,
  ProviderError,
  type ProviderSession,
} from './provider'
import type { SecretBox } from './secret-box'

/** Refresh an access token this long before it expires. */
export const REFRESH_AHEAD_MS = 5 * 60_000

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
 * Called inside the transaction that found the grant revoked, with the row
 * still locked and already marked disconnected: queue the host's e-mail and the
 * webhook there, so they exist exactly when the disconnection commits.
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
 * ahead of expiry under a per-integration lock.
 *
 * The lock is the integration row (`SELECT … FOR UPDATE` in a transaction). The
 * holder re-reads the tokens after taking it: when another process refreshed
 * meanwhile, it uses that token and never calls the token endpoint, so two
 * processes never refresh one grant at once. A refresh the provider refuses with
 * invalid_grant marks the integration disconnected in the same transaction
 * (tokens cleared, reason recorded, {@link OnDisconnected} called) and throws a
 * `revoked` {@link ProviderError}.
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
   * Under the row lock: the stored token unless `needsRefresh` says it must go,
   * else a refreshed one (stored, re-sealed under the current key).
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
    let revoked: ProviderError | undefined
    const result = await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('integrations')
        .selectAll()
        .where('id', '=', integrationId)
        .forUpdate()
        .executeTakeFirst()
      if (!row) throw new ProviderError(provider.id, 'revoked', 'the integration was deleted')
      if (row.status === 'disconnected') {
        throw new ProviderError(provider.id, 'revoked', `${provider.id}: disconnected, reconnect`)
      }
      const stored = openCredentials(box, row)
      const current =
        stored.accessToken && row.accessExpiresAt
          ? { token: stored.accessToken, expiresAt: row.accessExpiresAt.getTime() }
          : undefined
      // Re-read under the lock: another process may have refreshed already.
      if (current && !needsRefresh(current)) return current
      if (!stored.refreshToken) {
        throw new ProviderError(provider.id, 'revoked', `${provider.id}: no refresh token stored`)
      }
      let tokens: OAuthTokens
      try {
        tokens = await connect.refresh(stored.refreshToken)
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'revoked') {
          const disconnected = await trx
            .updateTable('integrations')
            .set({
              status: 'disconnected',
              // The dead grant is dropped: nothing usable stays stored.
              ...sealCredentials(box, row.id, {}),
              accessExpiresAt: null,
              disconnectedAt: new Date(now()),
              disconnectNotifiedAt: null,
              lastError: `${provider.name} refused the stored access (${error.message}); reconnect the account`,
              failureCount: 0,
              nextAttemptAt: null,
              syncLeaseUntil: null,
              updatedAt: new Date(now()),
            })
            .where('id', '=', row.id)
            .returningAll()
            .executeTakeFirstOrThrow()
          await this.options.onDisconnected(trx, disconnected)
          revoked = error
          return undefined
        }
        throw error
      }
      await trx
        .updateTable('integrations')
        .set({
          ...sealCredentials(box, row.id, {
            ...stored,
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken ?? stored.refreshToken,
          }),
          accessExpiresAt: new Date(tokens.expiresAt),
          updatedAt: new Date(now()),
        })
        .where('id', '=', row.id)
        .execute()
      return { token: tokens.accessToken, expiresAt: tokens.expiresAt }
    })
    if (revoked || !result) throw revoked ?? new Error('token refresh failed')
    return result
  }
}
