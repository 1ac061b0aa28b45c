import { ERROR_CODES, type ErrorCode } from '@slotkit/core'
import { ErrorReplySchema, SlotUnavailableReplySchema } from '@slotkit/core/api'
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import { type TSchema, Type } from 'typebox'
import { ERROR_STATUS } from './error-status'

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The error codes this route answers on purpose: what its handler, services
     * and checks throw. {@link documentErrorReplies} adds the codes every route
     * of its kind can answer ({@link commonErrorCodes}) and turns both into the
     * route's error `response` entries, one per status; declare no 4xx/5xx
     * `response` by hand.
     */
    errors?: readonly ErrorCode[]
  }
}

/** A reply of a documented route whose status, or error code, its OpenAPI responses do not list. */
export interface UndocumentedReply {
  readonly method: string
  /** The route's path template, e.g. `/api/bookings/:id`. */
  readonly url: string
  readonly status: number
  /** The `error` code of the body, for a 4xx/5xx reply that has one. */
  readonly error?: string
}

/** Options of {@link documentErrorReplies}. */
export interface ErrorDocsOptions {
  /**
   * Called for every reply of a documented route whose status (or, for an
   * error, whose code) the route's OpenAPI responses do not list. The server's
   * tests fail on any; unset (the default), replies are not looked at.
   */
  readonly onUndocumentedReply?: (reply: UndocumentedReply) => void
}

/** Methods whose requests Fastify never parses a body for. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'TRACE'])

/** What each error status means, for the OpenAPI description. */
const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details.field` names the field.',
  401: 'Missing, malformed or unknown key.',
  403: 'The key may not act on this resource.',
  404: 'Unknown id.',
  405: 'Method not allowed.',
  409: 'Conflict with the current state.',
  413: 'The body is too large.',
  415: 'The body is not JSON: send Content-Type: application/json.',
  422: 'Idempotency-Key reused with a different body.',
  429: 'Rate limited; retry after Retry-After seconds.',
  500: 'Unexpected server error (logged).',
  501: 'Not configured on this server.',
  502: 'An upstream provider (a calendar) failed.',
  503: 'A dependency (database, job queue) is unavailable, or a setting is missing; `error` says which.',
}

/** The parts of a route that decide which errors it can answer whatever its handler does. */
export interface RouteTraits {
  readonly method: string | readonly string[]
  readonly schema?: FastifySchema
  readonly config?: unknown
}

/**
 * The codes any route of this kind can answer, whatever its handler does, as the
 * one error handler (`toErrorReply`) maps them:
 * - every route: VALIDATION_FAILED (schema validation, any other client error
 *   Fastify raises, a value PostgreSQL refuses), INTERNAL (anything unexpected)
 *   and SERVICE_UNAVAILABLE (the database or the job queue is down);
 * - a method with a body (POST, PUT, PATCH, DELETE): MALFORMED_JSON,
 *   PAYLOAD_TOO_LARGE and UNSUPPORTED_MEDIA_TYPE, raised while parsing it;
 * - a route with `security`: UNAUTHORIZED, for a malformed or unknown key, and
 *   RATE_LIMITED, once an address has failed to authenticate too often;
 * - a rate-limited route (`config.rateLimit`): RATE_LIMITED.
 */
export function commonErrorCodes(route: RouteTraits): ErrorCode[] {
  const codes: ErrorCode[] = ['VALIDATION_FAILED', 'INTERNAL', 'SERVICE_UNAVAILABLE']
  const methods = typeof route.method === 'string' ? [route.method] : route.method
  if (methods.some((method) => !BODYLESS_METHODS.has(method.toUpperCase())))
    codes.push('MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE')
  const secured = Array.isArray(route.schema?.security) && route.schema.security.length > 0
  if (secured) codes.push('UNAUTHORIZED')
  const config = route.config as { rateLimit?: unknown } | undefined
  if (secured || config?.rateLimit) codes.push('RATE_LIMITED')
  return codes
}

/** `codes` grouped by their status (`ERROR_STATUS`), each group in the order of `ERROR_CODES`. */
export function codesByStatus(codes: Iterable<ErrorCode>): Map<number, ErrorCode[]> {
  const wanted = new Set(codes)
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of ERROR_CODES) {
    if (!wanted.has(code)) continue
    const status = ERROR_STATUS[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  return byStatus
}

/** Core's error reply with `error` narrowed to `codes`. */
function errorReplyOf(codes: readonly ErrorCode[], description?: string): TSchema {
  const [only] = codes
  return Type.Object(
    {
      ...ErrorReplySchema.properties,
      error: codes.length === 1 && only ? Type.Literal(only) : Type.Enum(codes),
    },
    { title: 'Error', ...(description ? { description } : {}) },
  )
}

/**
 * The OpenAPI/Fastify `response` entries of the error `codes`, one per status:
 * core's `ErrorReplySchema` with `error` narrowed to that status's codes, and for
 * a 409 that may be `SLOT_UNAVAILABLE` core's `SlotUnavailableReplySchema` (with
 * `reason` and `alternatives`). Error replies are sent pre-serialized by the error
 * handler, so these schemas document; they never strip fields.
 */
export function errorResponses(codes: Iterable<ErrorCode>): Record<number, TSchema> {
  const entries: Record<number, TSchema> = {}
  for (const [status, group] of codesByStatus(codes)) {
    const description = `${STATUS_DESCRIPTIONS[status] ?? 'Error.'} Codes: ${group.join(', ')}.`
    const others = group.filter((code) => code !== 'SLOT_UNAVAILABLE')
    if (others.length === group.length) {
      entries[status] = errorReplyOf(group, description)
    } else if (others.length === 0) {
      entries[status] = { ...SlotUnavailableReplySchema, description }
    } else {
      entries[status] = Type.Union([SlotUnavailableReplySchema, errorReplyOf(others)], {
        description,
      })
    }
  }
  return entries
}

/** `GET /api/users/:id`; the not-found handler's requests have no method or url here. */
function routeKey(method: unknown, url: string | undefined): string {
  return `${String(method)} ${url ?? ''}`
}

/** The `error` of a pre-serialized error reply, if it has one. */
function errorCodeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined
  try {
    const parsed = JSON.parse(payload) as { error?: unknown }
    return typeof parsed.error === 'string' ? parsed.error : undefined
  } catch {
    return undefined
  }
}

/**
 * Documents every error reply where it can arise: for each route added to `app`
 * after this call and not hidden from OpenAPI, its declared `schema.errors` plus
 * {@link commonErrorCodes} become its 4xx/5xx `response` entries
 * ({@link errorResponses}). The statuses a route documents therefore come from
 * the same code → status table the error handler answers with.
 *
 * With `onUndocumentedReply`, every reply of such a route is compared with what
 * it documents, so a test that provokes an undeclared error fails.
 */
export function documentErrorReplies(app: FastifyInstance, options: ErrorDocsOptions = {}): void {
  // Route → status → the codes it may carry (empty for a success status).
  const documented = new Map<string, Map<number, ReadonlySet<string>>>()
  app.addHook('onRoute', (route: RouteOptions) => {
    // Pages, the OpenAPI document itself, Swagger UI and CORS preflights are not API routes.
    if (route.schema?.hide) return
    const schema: FastifySchema = route.schema ?? {}
    const response = { ...(schema.response as Record<string, unknown> | undefined) }
    for (const status of Object.keys(response)) {
      if (!/^[23]\d\d$/.test(status))
        throw new Error(
          `${route.method} ${route.url}: response ${status}: declare error replies by code in schema.errors`,
        )
    }
    const codes = [...(schema.errors ?? []), ...commonErrorCodes(route)]
    route.schema = { ...schema, response: { ...response, ...errorResponses(codes) } }
    const statuses = new Map<number, ReadonlySet<string>>(
      Object.keys(response).map((status) => [Number(status), new Set<string>()]),
    )
    for (const [status, group] of codesByStatus(codes)) statuses.set(status, new Set(group))
    documented.set(routeKey(route.method, route.url), statuses)
  })

  const report = options.onUndocumentedReply
  if (!report) return
  app.addHook('onSend', async (request, reply, payload) => {
    const statuses = documented.get(routeKey(request.routeOptions.method, request.routeOptions.url))
    if (!statuses) return payload
    const status = reply.statusCode
    const codes = statuses.get(status)
    const error = status >= 400 ? errorCodeOf(payload) : undefined
    if (!codes || (error !== undefined && !codes.has(error))) {
      report({
        method: request.method,
        url: request.routeOptions.url ?? request.url,
        status,
        ...(error === undefined ? {} : { error }),
      })
    }
    return payload
  })
}
