import { type Static, Type } from 'typebox'
import { DateTimeSchema, UrlSchema, UuidSchema } from './primitives'

/**
 * The calendar providers a host can connect: `google` (Google Calendar),
 * `microsoft` (Microsoft 365 and Outlook.com, through Microsoft Graph) and
 * `caldav` (CalDAV servers: iCloud, Fastmail, Nextcloud…).
 */
export const INTEGRATION_PROVIDERS = ['google', 'microsoft', 'caldav'] as const

/** One of {@link INTEGRATION_PROVIDERS}. */
export type IntegrationProvider = (typeof INTEGRATION_PROVIDERS)[number]

/**
 * Where an integration stands: `active` (syncing), `error` (its last sync failed; it is
 * retried with backoff and its stored busy times stay in use) or `disconnected` (the
 * provider refused its credentials: it no longer syncs, its stored busy times stay in
 * use until the host reconnects or deletes it).
 */
export const INTEGRATION_STATUSES = ['active', 'error', 'disconnected'] as const

/** One of {@link INTEGRATION_STATUSES}. */
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number]

/** A provider's calendar id, as the provider writes it (Google: `alice@example.com`, `…@group.calendar.google.com`; Microsoft: `AAMkAGI2…=`; CalDAV: the calendar's URL). */
export const CalendarIdSchema = Type.String({
  minLength: 1,
  maxLength: 1024,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
  title: 'Calendar id',
  description: "The provider's id of a calendar, as listed in the integration's `calendars`.",
})

/** Body of `POST /api/integrations/{google,microsoft}/authorize` (host key). */
export const AuthorizeIntegrationBodySchema = Type.Object(
  {
    user_id: Type.Optional(UuidSchema),
    return_url: Type.Optional(UrlSchema),
  },
  {
    additionalProperties: false,
    title: 'Authorize integration',
    description:
      'Starts connecting a calendar account of user_id (default: the owner of the key; the admin token must name one). After connecting, the browser goes to return_url with `?integration_id=…` added, or to a small "Connected" page.',
  },
)

/** Body of `POST /api/integrations/{google,microsoft}/authorize`. */
export type AuthorizeIntegrationBody = Static<typeof AuthorizeIntegrationBodySchema>

/** Reply of `POST /api/integrations/{google,microsoft}/authorize`. */
export const AuthorizeIntegrationReplySchema = Type.Object(
  {
    authorization_url: Type.String({
      minLength: 1,
      description:
        "Slotkit's start page (valid 10 minutes, once): send the host's browser there. It names the host the calendar will be connected to, and its Continue button goes on to the provider's consent page.",
    }),
  },
  { title: 'Authorization URL' },
)

/** Reply of `POST /api/integrations/{google,microsoft}/authorize`. */
export type AuthorizeIntegrationReply = Static<typeof AuthorizeIntegrationReplySchema>

/** Body of `POST /api/integrations/caldav` (host key). */
export const ConnectCaldavBodySchema = Type.Object(
  {
    user_id: Type.Optional(UuidSchema),
    server_url: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^https?://[^\\s]+$',
      description:
        'The CalDAV server: iCloud `https://caldav.icloud.com/`, Fastmail `https://caldav.fastmail.com/`, Nextcloud `https://<host>/remote.php/dav/`. The principal and calendar home are discovered from it.',
    }),
    username: Type.String({
      minLength: 1,
      maxLength: 320,
      pattern: '^[^\\u0000-\\u001f\\u007f:]+$',
      description: 'The account name (iCloud: the Apple ID e-mail address).',
    }),
    password: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: '^[^\\u0000-\\u001f\\u007f]+$',
      description:
        "The account's password; for iCloud and Fastmail an app-specific password. Stored encrypted like OAuth tokens, never returned.",
    }),
  },
  {
    additionalProperties: false,
    title: 'Connect CalDAV',
    description:
      "Connects a CalDAV account of user_id (default: the owner of the key; the admin token must name one). The server is checked (discovery, calendars) before anything is stored. A server on loopback or a private network, or plain http, is refused unless the server's WEBHOOK_ALLOW_PRIVATE is on.",
  },
)

/** Body of `POST /api/integrations/caldav`. */
export type ConnectCaldavBody = Static<typeof ConnectCaldavBodySchema>

/** One calendar of a connected account. */
export const IntegrationCalendarSchema = Type.Object(
  {
    id: CalendarIdSchema,
    name: Type.String(),
    primary: Type.Boolean({ description: "The account's main calendar." }),
    busy: Type.Boolean({ description: "Its events block the host's time." }),
    write: Type.Boolean({ description: 'Bookings are written to it.' }),
  },
  { title: 'Integration calendar' },
)

/** One calendar of a connected account. */
export type IntegrationCalendar = Static<typeof IntegrationCalendarSchema>

/** A connected calendar account of a host (never with its tokens). */
export const IntegrationSchema = Type.Object(
  {
    id: UuidSchema,
    user_id: UuidSchema,
    provider: Type.Enum(INTEGRATION_PROVIDERS),
    account_email: Type.String({ description: 'The connected account.' }),
    status: Type.Enum(INTEGRATION_STATUSES),
    calendars: Type.Array(IntegrationCalendarSchema),
    last_synced_at: Type.Union([DateTimeSchema, Type.Null()], {
      description: 'The end of the last successful sync; null before the first.',
    }),
    last_error: Type.Union([Type.String(), Type.Null()], {
      description: 'Why the last sync failed or the account was disconnected; null when fine.',
    }),
    created_at: DateTimeSchema,
  },
  {
    title: 'Integration',
    description: 'A connected calendar account (tokens never leave the server).',
  },
)

/** A connected calendar account of a host. */
export type Integration = Static<typeof IntegrationSchema>

/** Query of `GET /api/integrations`. */
export const ListIntegrationsQuerySchema = Type.Object(
  { user_id: Type.Optional(UuidSchema) },
  {
    title: 'List integrations query',
    description:
      'user_id: the host (default: the owner of the key; the admin token must name one).',
  },
)

/** Query of `GET /api/integrations`. */
export type ListIntegrationsQuery = Static<typeof ListIntegrationsQuerySchema>

/** Reply of `GET /api/integrations`. */
export const IntegrationListSchema = Type.Object(
  { integrations: Type.Array(IntegrationSchema) },
  { title: 'Integrations' },
)

/** Reply of `GET /api/integrations`. */
export type IntegrationList = Static<typeof IntegrationListSchema>

/** Body of `PATCH /api/integrations/:id`: at least one field. */
export const PatchIntegrationBodySchema = Type.Object(
  {
    busy_calendar_ids: Type.Optional(
      Type.Array(CalendarIdSchema, {
        maxItems: 100,
        uniqueItems: true,
        description: "The calendars whose events block the host's time (default: the primary).",
      }),
    ),
    write_calendar_id: Type.Optional(
      Type.Union([CalendarIdSchema, Type.Null()], {
        description:
          "The host's one write calendar, which every booking is written to, on whichever account it is (choosing it here takes the role from the host's other calendars). Default: the primary calendar of the host's first account. null: this account's calendars receive none.",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, title: 'Update integration' },
)

/** Body of `PATCH /api/integrations/:id`. */
export type PatchIntegrationBody = Static<typeof PatchIntegrationBodySchema>

/**
 * What a sync did: `synced` (the provider answered; `changes` busy times were added,
 * changed or removed), `deferred` (not tried now: backing off after failures until
 * `next_attempt_at`, the provider's circuit breaker is open, or another sync of it is
 * running), `failed` (tried and failed; retried from `next_attempt_at`) or
 * `disconnected` (the provider refused the credentials: reconnect).
 */
export const SYNC_STATUSES = ['synced', 'deferred', 'failed', 'disconnected'] as const

/** One of {@link SYNC_STATUSES}. */
export type SyncStatus = (typeof SYNC_STATUSES)[number]

/** Reply of `POST /api/integrations/:id/sync`. */
export const SyncResultSchema = Type.Object(
  {
    integration_id: UuidSchema,
    status: Type.Enum(SYNC_STATUSES),
    changes: Type.Integer({
      minimum: 0,
      description: 'Busy times added, changed or removed by this sync.',
    }),
    last_synced_at: Type.Union([DateTimeSchema, Type.Null()]),
    next_attempt_at: Type.Union([DateTimeSchema, Type.Null()], {
      description:
        'No sync before this instant (backoff after failures); null when none is pending.',
    }),
    error: Type.Union([Type.String(), Type.Null()], {
      description: 'Why it was deferred or failed.',
    }),
  },
  { title: 'Sync result' },
)

/** Reply of `POST /api/integrations/:id/sync`. */
export type SyncResult = Static<typeof SyncResultSchema>
