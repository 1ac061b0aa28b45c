/**
 * The provider-independent calendar layer (ADR 0012): what the sync engine,
 * token store and routes need from a calendar provider. Google and Microsoft
 * Graph (delta links, subscriptions with a validation handshake, clientState and
 * lifecycle notifications) implement it; CalDAV (password credentials, ctag/etag
 * polling, no push) fits the same shapes: a cursor is any string the provider
 * hands back, push is optional, and connecting is OAuth or plain credentials.
 */

/** A busy time of one provider event. All-day events carry dates; the engine places them in the host's zone. */
export type BusyInterval =
  | {
      readonly kind: 'timed'
      /** The provider's event id (unique within its calendar). */
      readonly externalId: string
      /** Epoch ms. */
      readonly startsAt: number
      readonly endsAt: number
    }
  | {
      readonly kind: 'all-day'
      readonly externalId: string
      /** `YYYY-MM-DD`, first day. */
      readonly startDate: string
      /** `YYYY-MM-DD`, exclusive. */
      readonly endDate: string
    }

/** The range a full sync covers: epoch ms, `[from, to)`. */
export interface SyncWindow {
  readonly from: number
  readonly to: number
}

/** What one calendar's sync found. */
export interface CalendarDelta {
  /**
   * `full`: `upserts` are every busy time of the window, and stored rows of the
   * calendar not among them are removed. `incremental`: apply `upserts` and
   * `removals` to what is stored.
   */
  readonly mode: 'full' | 'incremental'
  readonly upserts: readonly BusyInterval[]
  /** Event ids that no longer block time (deleted, cancelled, declined, free, written by Slotkit). */
  readonly removals: readonly string[]
  /**
   * Incremental: provider objects that changed or went, each of which may have
   * stood for many busy times (a CalDAV `.ics` resource holding a recurring
   * series). Their stored rows (id `<object>` or `<object>#…`) that are not
   * among `upserts` are removed, so a series that lost an occurrence loses its row.
   */
  readonly removedObjects?: readonly string[]
  /** The cursor of the next incremental sync (Google nextSyncToken, Graph deltaLink, CalDAV sync-token or ctag); null = full next time. */
  readonly nextCursor: string | null
}

/** A calendar of a connected account. */
export interface ProviderCalendar {
  /** The provider's calendar id. */
  readonly externalId: string
  readonly name: string
  readonly primary: boolean
  /** IANA zone the provider reports, if any. */
  readonly timeZone: string | null
}

/** A push channel (Google events.watch, Graph subscription). */
export interface PushChannel {
  /** The id notifications carry (Google: the id Slotkit chose; Graph: the subscription id it assigned). */
  readonly id: string
  /** The provider's id of the watched resource (Google resourceId), needed to stop it. */
  readonly resourceId: string | null
  /** Epoch ms. */
  readonly expiresAt: number
}

/** Tokens of an OAuth grant. */
export interface OAuthTokens {
  readonly accessToken: string
  /** Absent when the provider keeps the old one (Google refreshes); Microsoft rotates it. */
  readonly refreshToken?: string
  /** Epoch ms (on the caller's clock). */
  readonly expiresAt: number
}

/** Connecting through an OAuth 2.0 authorization code grant with PKCE (Google, Microsoft). */
export interface OAuthConnect {
  readonly kind: 'oauth'
  /** The consent page: offline access, consent prompt, PKCE S256, `state`. */
  authorizationUrl(request: { redirectUri: string; state: string; codeChallenge: string }): string
  exchangeCode(request: {
    code: string
    codeVerifier: string
    redirectUri: string
  }): Promise<OAuthTokens>
  /** A new access token; throws a `revoked` {@link ProviderError} on invalid_grant. */
  refresh(refreshToken: string): Promise<OAuthTokens>
  /** Revokes a token at the provider (best effort: callers ignore failures). */
  revoke(token: string): Promise<void>
}

/** Connecting with stored credentials (CalDAV: server URL, user name, password). */
export interface CredentialsConnect {
  readonly kind: 'credentials'
  /**
   * Checks the credentials against the server and answers what to store (sealed):
   * the credentials plus what checking them found (CalDAV: the discovered
   * principal and calendar home). Throws a {@link ProviderError} when refused.
   */
  verify(credentials: Readonly<Record<string, string>>): Promise<Readonly<Record<string, string>>>
}

/** Authorized access to one integration's account, handed to provider calls. */
export interface ProviderSession {
  readonly integrationId: string
  readonly accountEmail: string
  /** OAuth: an access token valid for a while yet (refreshed under the integration's lock when near expiry). */
  accessToken(): Promise<string>
  /** OAuth, after the provider answered 401 to `rejected`: another token (refreshed once, under the lock). */
  refreshAccessToken(rejected: string): Promise<string>
  /** Credentials providers: the stored credentials. */
  credentials(): Promise<Readonly<Record<string, string>>>
}

/** Push notifications of changes (absent for CalDAV, which is polled). */
export interface PushSupport {
  /** The longest channel lifetime worth asking for, ms. */
  readonly maxLifetimeMs: number
  /**
   * Opens a channel delivering to `address`; notifications carry `token` (Google
   * X-Goog-Channel-Token, Graph clientState), which the receiver verifies.
   */
  watch(
    session: ProviderSession,
    request: {
      calendarId: string
      channelId: string
      address: string
      token: string
      expiresAt: number
    },
  ): Promise<PushChannel>
  /**
   * Extends a channel in place, its token unchanged (Graph: PATCH the subscription's
   * expiry). Absent (Google), a channel is renewed by opening a new one and stopping
   * the old. Throws a `rejected` {@link ProviderError} with status 404 when the
   * provider no longer knows the channel: the engine then opens a new one.
   */
  renew?(
    session: ProviderSession,
    channel: { id: string; resourceId: string | null },
    expiresAt: number,
  ): Promise<PushChannel>
  /** Stops a channel; a channel the provider no longer knows counts as stopped. */
  stop(session: ProviderSession, channel: { id: string; resourceId: string | null }): Promise<void>
}

/**
 * What a provider tells about a channel itself (Graph lifecycle notifications):
 * `reauthorizationRequired` (renew it soon), `subscriptionRemoved` (it is gone:
 * open a new one), `missed` (changes were dropped). Each is followed by a full
 * sync of the calendar, since changes may have been missed meanwhile.
 */
export type ChannelLifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'

/**
 * An event Slotkit writes to a host's calendar (stage B of issue 12). Its id is
 * derived from the booking, so a retried write never makes a second event, and
 * it carries a private mark that the sync skips: a booking never blocks itself.
 */
export interface WrittenEvent {
  /**
   * Creating: deterministic, from the booking id (Google: base32hex, 5–1024
   * characters, used as the event's id; Graph assigns its own ids, so it derives
   * the create's `transactionId` from it). Updating: the id `createEvent` returned.
   */
  readonly eventId: string
  readonly bookingId: string
  readonly summary: string
  readonly description: string
  /** Epoch ms. */
  readonly startsAt: number
  readonly endsAt: number
  readonly attendees: readonly { email: string; name: string }[]
  /** Ask the provider for a video meeting (Google Meet; Microsoft Teams). */
  readonly conference?: boolean
  /** Where it happens, for people (an address, a phone number, a link); none for a video meeting the provider makes. */
  readonly location?: string
}

/** A calendar provider. */
export interface CalendarProvider {
  /** Registry key and `integrations.provider`, e.g. 'google'. */
  readonly id: string
  /** For people: "Google Calendar". */
  readonly name: string
  readonly connect: OAuthConnect | CredentialsConnect
  /** The account's id (an e-mail address) and calendars. */
  listCalendars(
    session: ProviderSession,
  ): Promise<{ accountEmail: string; calendars: ProviderCalendar[] }>
  /**
   * Busy times of one calendar: everything in `window` when `cursor` is null,
   * else the changes since `cursor`. Throws {@link ResyncRequiredError} when the
   * cursor is no longer valid, and a {@link ProviderError} when the call fails.
   */
  syncCalendar(
    session: ProviderSession,
    request: {
      calendarId: string
      cursor: string | null
      window: SyncWindow
      /** The host's IANA zone: for floating times (CalDAV events without a zone). */
      timeZone: string
    },
  ): Promise<CalendarDelta>
  readonly push?: PushSupport
  /**
   * Stage B: writes a booking; a duplicate id counts as written. Answers the id
   * that `updateEvent` and `deleteEvent` take (Google: `event.eventId`; CalDAV:
   * the object's file name, `slotkit-<booking id>.ics`) and the meeting's join
   * URL when `conference` was asked for.
   */
  createEvent?(
    session: ProviderSession,
    calendarId: string,
    event: WrittenEvent,
  ): Promise<{ eventId: string; conferenceUrl: string | null }>
  /**
   * Stage B: moves or renames a written event. May return its join link as it
   * now is (a conference still being made at create time has one by now); a
   * provider that cannot tell returns nothing. Throws a `rejected`
   * {@link ProviderError} with status 404 or 410 when the event is gone.
   */
  updateEvent?(
    session: ProviderSession,
    calendarId: string,
    event: WrittenEvent,
    // biome-ignore lint/suspicious/noConfusingVoidType: providers that return nothing stay valid (Promise<void>)
  ): Promise<{ conferenceUrl: string | null } | void>
  /** Stage B: removes a written event; one already gone counts as removed. */
  deleteEvent?(session: ProviderSession, calendarId: string, eventId: string): Promise<void>
}

/**
 * The private extended property (Google) / single-value extended property
 * (Graph) / X- property (CalDAV) that marks events Slotkit wrote; its value is
 * the booking id. The sync skips marked events.
 */
export const SLOTKIT_EVENT_MARK = 'slotkit_booking_id'

/**
 * Why a provider call failed, as the engine acts on it:
 * - `revoked`: the provider refused the credentials (OAuth invalid_grant): disconnect;
 * - `unauthorized`: a 401 that a fresh token did not cure;
 * - `rate-limited`: back off (at least `retryAfterMs` when the provider said);
 * - `unavailable`: 5xx, timeout, network: back off, and count toward the circuit breaker;
 * - `rejected`: any other refusal (400, 403, 404).
 */
export type ProviderErrorKind =
  | 'revoked'
  | 'unauthorized'
  | 'rate-limited'
  | 'unavailable'
  | 'rejected'

/**
 * A failed provider call. The message names the provider, the operation and
 * the status or reason, never a token, URL query or request body.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError'
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: { status?: number; reason?: string; retryAfterMs?: number } = {},
  ) {
    super(message)
  }
}

/**
 * The cursor is no longer valid (Google 410 fullSyncRequired; Graph 410,
 * syncStateNotFound or resyncRequired): wipe the calendar and list in full.
 */
export class ResyncRequiredError extends Error {
  override readonly name = 'ResyncRequiredError'
}

/** Whether `error` is a {@link ProviderError}. */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError
}
