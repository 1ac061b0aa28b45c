import { isIP } from 'node:net'
import { isAbsolute, resolve } from 'node:path'
import { decodeKey } from '../integrations/calendar/secret-box'

/** Log levels pino understands. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The server's whole configuration, read once from the environment by {@link loadConfig}. */
export interface Config {
  /** TCP port to listen on. `0` picks a free one. */
  readonly port: number
  /** Interface to listen on. */
  readonly host: string
  /** PostgreSQL connection string; unset = embedded PostgreSQL in `dataDir`. */
  readonly databaseUrl: string | undefined
  /** Redis connection string; unset = in-process cache and rate-limit store. */
  readonly redisUrl: string | undefined
  /** Absolute path of the data folder (embedded PostgreSQL, the generated admin token's hash, the e-mail outbox). */
  readonly dataDir: string
  /** Bearer token of the administrator; unset = generated and kept in `dataDir`. */
  readonly adminToken: string | undefined
  /**
   * SECRET_KEY: the secret that derives invitees' cancel/reschedule tokens, or several
   * separated by commas, newest first (new links use the first; links made with any of
   * them keep opening, so the key can rotate). Unset = generated once and kept in the
   * database (`server_secrets`), shared by every process on it.
   */
  readonly secretKey: string | undefined
  /** Base URL for links in replies and pages (no trailing slash); unset = `http://HOST:PORT`. */
  readonly publicUrl: string | undefined
  readonly logLevel: LogLevel
  /** Requests per minute per client IP on public endpoints; 0 turns the limit off. */
  readonly rateLimitPerMinute: number
  /**
   * E-mails per hour to one invitee address that the public API (booking, and an
   * invitee's cancel and reschedule) may cause; more are left out (the booking
   * still succeeds). 0 turns the limit off.
   */
  readonly mailPerRecipientPerHour: number
  /** The same, per client address (IPv6 by /64); 0 turns the limit off. */
  readonly mailPerClientPerHour: number
  /**
   * Failed authentications per client IP (IPv6: per /64) per minute; then requests with
   * a key from it that is not known to be valid get 429 for the rest of the minute
   * (the admin token still works). 0 turns the limit off.
   */
  readonly authFailuresPerMinute: number
  /** Seed a demo host into an empty database on start. */
  readonly seedDemo: boolean
  /**
   * Which peers may set the client address with `X-Forwarded-For` (rate limits are
   * per client address): `false` (default: the TCP peer is the client), a list of
   * proxy addresses, CIDR ranges and `proxy-addr` range names (`loopback`,
   * `linklocal`, `uniquelocal`), or `true` (every hop; unsafe, `buildApp` warns).
   */
  readonly trustProxy: boolean | readonly string[]
  /** SMTP server (`smtp://` or `smtps://`, credentials optional); unset = .eml files in `dataDir/outbox`. */
  readonly smtpUrl: string | undefined
  /** From header of e-mails, `Name <address>` or an address; unset = `Slotkit <no-reply@slotkit.invalid>`. */
  readonly mailFrom: string | undefined
  /** Allow webhooks to loopback and private-network addresses (development, tests). */
  readonly webhookAllowPrivate: boolean
  /** Run the job workers (e-mail, reminders, webhooks) inside the server process. */
  readonly runWorkers: boolean
  /**
   * Origins whose pages may call the API from a browser (`<schedule-widget>` on
   * another site): `'*'` (default) or a list of origins; an empty list turns CORS off.
   */
  readonly corsOrigins: '*' | readonly string[]
  /**
   * ENCRYPTION_KEY: the key (32 bytes, base64) that seals calendar tokens at rest;
   * unset = a key generated into `dataDir/encryption-key` with the embedded
   * database, none with DATABASE_URL (connecting a calendar then answers 503).
   */
  readonly encryptionKey: string | undefined
  /** ENCRYPTION_KEYS_PREVIOUS, decoded: older keys, still accepted to open values sealed under them. */
  readonly encryptionKeysPrevious: readonly Buffer[]
  /** GOOGLE_CLIENT_ID; unset = the Google routes answer 501 INTEGRATION_NOT_CONFIGURED. */
  readonly googleClientId: string | undefined
  /** GOOGLE_CLIENT_SECRET (required with GOOGLE_CLIENT_ID). */
  readonly googleClientSecret: string | undefined
  /** GOOGLE_OAUTH_AUTHORIZE_URL: Google's consent page. */
  readonly googleOauthAuthorizeUrl: string
  /** GOOGLE_OAUTH_TOKEN_URL: code exchange and refresh. */
  readonly googleOauthTokenUrl: string
  /** GOOGLE_OAUTH_REVOKE_URL. */
  readonly googleOauthRevokeUrl: string
  /** GOOGLE_API_URL: the Calendar API's root (`…/calendar/v3/…` is resolved against it). */
  readonly googleApiUrl: string
  /** MICROSOFT_CLIENT_ID (Entra app registration); unset = the Microsoft routes answer 501 INTEGRATION_NOT_CONFIGURED. */
  readonly microsoftClientId: string | undefined
  /** MICROSOFT_CLIENT_SECRET (required with MICROSOFT_CLIENT_ID). */
  readonly microsoftClientSecret: string | undefined
  /** MICROSOFT_TENANT: `common` (work, school and personal accounts), `organizations`, `consumers` or a tenant id. */
  readonly microsoftTenant: string
  /** MICROSOFT_LOGIN_URL: the identity platform's origin (`/<tenant>/oauth2/v2.0/…`), no trailing slash. */
  readonly microsoftLoginUrl: string
  /** MICROSOFT_GRAPH_URL: Microsoft Graph's origin (https, no path; `/v1.0/…` follows), no trailing slash. */
  readonly microsoftGraphUrl: string
}

/** A configuration value that cannot be used; `variable` names the environment variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
  }
}

/** Defaults of every setting (documented in the README's configuration table). */
export const CONFIG_DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: './.slotkit-data',
  logLevel: 'info',
  rateLimitPerMinute: 300,
  mailPerRecipientPerHour: 5,
  mailPerClientPerHour: 20,
  authFailuresPerMinute: 20,
  googleOauthAuthorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  googleOauthTokenUrl: 'https://oauth2.googleapis.com/token',
  googleOauthRevokeUrl: 'https://oauth2.googleapis.com/revoke',
  googleApiUrl: 'https://www.googleapis.com/',
  microsoftTenant: 'common',
  microsoftLoginUrl: 'https://login.microsoftonline.com',
  microsoftGraphUrl: 'https://graph.microsoft.com',
} as const

type Env = Readonly<Record<string, string | undefined>>

function read(env: Env, name: string): string | undefined {
  const value = env[name]
  if (value === undefined) return undefined
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (!/^[0-9]+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`)
  }
  return value
}

function readUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = read(env, name)
  if (raw === undefined) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    // Never echo the value: it may hold a password.
    throw new ConfigError(name, 'is not a valid URL')
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`)
  }
  return raw
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(name, `must be true or false, got "${raw}"`)
}

// "bookings@example.com" or "Slotkit <bookings@example.com>"; no line breaks (header injection).
const MAIL_FROM = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/

/**
 * Reads and validates the environment once. Throws {@link ConfigError} naming
 * the first bad variable; nothing else in the server reads `process.env`.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const port = readInteger(env, 'PORT', CONFIG_DEFAULTS.port, 0, 65535)
  const host = read(env, 'HOST') ?? CONFIG_DEFAULTS.host
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host))
    throw new ConfigError('HOST', `is not a host name: "${host}"`)
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])
  const redisUrl = readUrl(env, 'REDIS_URL', ['redis:', 'rediss:'])
  const dataDirRaw = read(env, 'DATA_DIR') ?? CONFIG_DEFAULTS.dataDir
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw)
  const adminToken = read(env, 'ADMIN_TOKEN')
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters')
  }
  const secretKey = readSecretKeys(env)
  const publicUrlRaw = readUrl(env, 'PUBLIC_URL', ['http:', 'https:'])
  const publicUrl = publicUrlRaw?.replace(/\/+$/, '')
  const logLevelRaw = (read(env, 'LOG_LEVEL') ?? CONFIG_DEFAULTS.logLevel).toLowerCase()
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`,
    )
  }
  const rateLimitPerMinute = readInteger(
    env,
    'RATE_LIMIT_PER_MINUTE',
    CONFIG_DEFAULTS.rateLimitPerMinute,
    0,
    1_000_000,
  )
  const mailPerRecipientPerHour = readInteger(
    env,
    'MAIL_PER_RECIPIENT_PER_HOUR',
    CONFIG_DEFAULTS.mailPerRecipientPerHour,
    0,
    1_000_000,
  )
  const mailPerClientPerHour = readInteger(
    env,
    'MAIL_PER_CLIENT_PER_HOUR',
    CONFIG_DEFAULTS.mailPerClientPerHour,
    0,
    1_000_000,
  )
  const authFailuresPerMinute = readInteger(
    env,
    'AUTH_FAILURES_PER_MINUTE',
    CONFIG_DEFAULTS.authFailuresPerMinute,
    0,
    1_000_000,
  )
  const seedDemo = readBoolean(env, 'SEED_DEMO', true)
  const trustProxy = readTrustProxy(env)
  const smtpUrl = readUrl(env, 'SMTP_URL', ['smtp:', 'smtps:'])
  const mailFrom = read(env, 'MAIL_FROM')
  if (mailFrom !== undefined && !MAIL_FROM.test(mailFrom)) {
    throw new ConfigError('MAIL_FROM', `must be an address or "Name <address>", got "${mailFrom}"`)
  }
  const webhookAllowPrivate = readBoolean(env, 'WEBHOOK_ALLOW_PRIVATE', false)
  const runWorkers = readBoolean(env, 'RUN_WORKERS', true)
  const corsOrigins = readCorsOrigins(env)
  const encryptionKey = readEncryptionKey(env, 'ENCRYPTION_KEY')
  const encryptionKeysPrevious = (read(env, 'ENCRYPTION_KEYS_PREVIOUS') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((value) => {
      const key = decodeKey(value)
      if (!key) {
        throw new ConfigError(
          'ENCRYPTION_KEYS_PREVIOUS',
          'must be comma-separated keys of 32 bytes, base64 each',
        )
      }
      return key
    })
  const googleClientId = read(env, 'GOOGLE_CLIENT_ID')
  const googleClientSecret = read(env, 'GOOGLE_CLIENT_SECRET')
  if (googleClientId !== undefined && googleClientSecret === undefined) {
    throw new ConfigError('GOOGLE_CLIENT_SECRET', 'is required when GOOGLE_CLIENT_ID is set')
  }
  const googleUrl = (name: string, fallback: string) =>
    readUrl(env, name, ['http:', 'https:']) ?? fallback
  const microsoftClientId = read(env, 'MICROSOFT_CLIENT_ID')
  const microsoftClientSecret = read(env, 'MICROSOFT_CLIENT_SECRET')
  if (microsoftClientId !== undefined && microsoftClientSecret === undefined) {
    throw new ConfigError('MICROSOFT_CLIENT_SECRET', 'is required when MICROSOFT_CLIENT_ID is set')
  }
  const microsoftTenant = read(env, 'MICROSOFT_TENANT') ?? CONFIG_DEFAULTS.microsoftTenant
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$/.test(microsoftTenant)) {
    throw new ConfigError(
      'MICROSOFT_TENANT',
      `must be common, organizations, consumers, a tenant id or a domain, got "${microsoftTenant}"`,
    )
  }
  return {
    port,
    host,
    databaseUrl,
    redisUrl,
    dataDir,
    adminToken,
    secretKey,
    publicUrl,
    logLevel: logLevelRaw as LogLevel,
    rateLimitPerMinute,
    mailPerRecipientPerHour,
    mailPerClientPerHour,
    authFailuresPerMinute,
    seedDemo,
    trustProxy,
    smtpUrl,
    mailFrom,
    webhookAllowPrivate,
    runWorkers,
    corsOrigins,
    encryptionKey,
    encryptionKeysPrevious,
    googleClientId,
    googleClientSecret,
    googleOauthAuthorizeUrl: googleUrl(
      'GOOGLE_OAUTH_AUTHORIZE_URL',
      CONFIG_DEFAULTS.googleOauthAuthorizeUrl,
    ),
    googleOauthTokenUrl: googleUrl('GOOGLE_OAUTH_TOKEN_URL', CONFIG_DEFAULTS.googleOauthTokenUrl),
    googleOauthRevokeUrl: googleUrl(
      'GOOGLE_OAUTH_REVOKE_URL',
      CONFIG_DEFAULTS.googleOauthRevokeUrl,
    ),
    googleApiUrl: googleUrl('GOOGLE_API_URL', CONFIG_DEFAULTS.googleApiUrl),
    microsoftClientId,
    microsoftClientSecret,
    microsoftTenant,
    microsoftLoginUrl: (
      readUrl(env, 'MICROSOFT_LOGIN_URL', ['http:', 'https:']) ?? CONFIG_DEFAULTS.microsoftLoginUrl
    ).replace(/\/+$/, ''),
    microsoftGraphUrl: readGraphUrl(env),
  }
}

/**
 * MICROSOFT_GRAPH_URL: an https origin and nothing more. The Graph client sends the
 * bearer token only over https, and it reads an absolute `@odata.nextLink` as
 * `https://host/<version>/<path>`, so a path prefix here would break paging.
 */
function readGraphUrl(env: Env): string {
  const raw = readUrl(env, 'MICROSOFT_GRAPH_URL', ['https:'])
  if (raw === undefined) return CONFIG_DEFAULTS.microsoftGraphUrl
  const url = new URL(raw)
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new ConfigError(
      'MICROSOFT_GRAPH_URL',
      'must be an origin only, e.g. https://graph.microsoft.com (no path, query or credentials)',
    )
  }
  return url.origin
}

/**
 * SECRET_KEY: one key or `newest,older,…`. A comma never occurs in the keys people
 * generate (`openssl rand -base64 32` or `-hex 32`, base64url), so it separates them.
 * Messages name the position of a bad key, never the key.
 */
function readSecretKeys(env: Env): string | undefined {
  const raw = read(env, 'SECRET_KEY')
  if (raw === undefined) return undefined
  const keys = raw.split(',').map((key) => key.trim())
  const index = keys.findIndex((key) => key.length < 32)
  if (index === -1) return keys.join(',')
  // One key is the usual case: its message need not explain the list.
  const which =
    keys.length === 1 ? '' : `key ${index + 1} of ${keys.length} (comma-separated, newest first) `
  const empty = keys[index] === '' ? ', not empty' : ''
  throw new ConfigError('SECRET_KEY', `${which}must be at least 32 characters${empty}`)
}

function readEncryptionKey(env: Env, name: string): string | undefined {
  const raw = read(env, name)
  if (raw === undefined) return undefined
  // Never echo the value: it is the key.
  if (!decodeKey(raw)) {
    throw new ConfigError(name, 'must be 32 bytes, base64 (generate one: openssl rand -base64 32)')
  }
  return raw
}

function readCorsOrigins(env: Env): '*' | string[] {
  const raw = read(env, 'CORS_ORIGINS')
  if (raw === undefined || raw === '*') return '*'
  if (/^(none|off|false)$/i.test(raw)) return []
  return raw.split(',').map((part) => {
    const origin = part.trim()
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://example.com`)
    }
    if (url.origin !== origin || !/^https?:$/.test(url.protocol)) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://example.com`)
    }
    return origin
  })
}

/** The range names `proxy-addr` (Fastify's trustProxy) understands. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const

const TRUST_PROXY_HINT =
  "list your proxies' addresses, e.g. TRUST_PROXY=10.0.0.5,10.0.1.0/24 (or true to trust every hop, unsafe)"

/** `entry` as Fastify's trustProxy takes it, or a ConfigError saying what is wrong with it. */
function readProxyEntry(entry: string): string {
  const named = entry.toLowerCase()
  if ((PROXY_RANGE_NAMES as readonly string[]).includes(named)) return named
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  const maxPrefix = family === 4 ? 32 : 128
  const prefixOk =
    prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix)
  if (family === 0 || !prefixOk || rest.length > 0) {
    throw new ConfigError(
      'TRUST_PROXY',
      `"${entry}" is not an IP address, a CIDR range (10.0.1.0/24, fd00::/8) or one of ${PROXY_RANGE_NAMES.join(', ')}; ${TRUST_PROXY_HINT}`,
    )
  }
  return entry
}

function readTrustProxy(env: Env): boolean | string[] {
  const raw = read(env, 'TRUST_PROXY')
  if (raw === undefined || /^(false|no|off)$/i.test(raw)) return false
  if (/^(true|yes|on)$/i.test(raw)) return true
  // A hop count trusts whatever sits n hops away, so a client that sends its own
  // X-Forwarded-For picks its address (and escapes the per-address rate limit);
  // Fastify 5.12 trusts nothing for a count above 1. `1` used to mean `true`.
  if (/^[0-9]+$/.test(raw)) {
    throw new ConfigError(
      'TRUST_PROXY',
      `"${raw}": a hop count cannot tell a proxy from a client; ${TRUST_PROXY_HINT}`,
    )
  }
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  return entries.map(readProxyEntry)
}

/** A config for tests and embedding: defaults, then `overrides`. */
export function defineConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides }
}

/** The base URL links point to. */
export function publicBaseUrl(config: Config, listeningPort?: number): string {
  if (config.publicUrl) return config.publicUrl
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  const hostPart = host.includes(':') ? `[${host}]` : host
  return `http://${hostPart}:${listeningPort ?? config.port}`
}

/** `url` with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '[invalid url]'
  }
}
