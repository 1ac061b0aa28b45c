import {
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
  type MiddlewareOptions,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client'
import { ProviderError, ResyncRequiredError } from '../provider'
import { type KeyedSemaphore, parseRetryAfter } from '../resilience'

/** The bearer token of one request, handed to {@link GraphAuth} through the request's middleware options. */
export class GraphBearer implements MiddlewareOptions {
  constructor(readonly token: string) {}
}

/** The URL a middleware context is about to fetch. */
function urlOf(context: Context): URL {
  const request = context.request
  return new URL(typeof request === 'string' ? request : request.url)
}

/**
 * Adds `Authorization: Bearer …` (from the request's {@link GraphBearer}) to
 * requests for the configured Graph origin over https, and to nothing else: a
 * paging link pointing elsewhere never carries the token. (The library's own
 * AuthenticationHandler has the same rule, with hosts only; this one compares
 * the whole origin, port included.)
 */
class GraphAuth implements Middleware {
  #next: Middleware | undefined
  constructor(readonly origin: string) {}

  async execute(context: Context): Promise<void> {
    const bearer = context.middlewareControl?.getMiddlewareOptions(GraphBearer) as
      | GraphBearer
      | undefined
    const url = urlOf(context)
    if (bearer && url.protocol === 'https:' && url.origin === this.origin) {
      const options = context.options ?? {}
      const headers = options.headers
      if (headers instanceof Headers) headers.set('Authorization', `Bearer ${bearer.token}`)
      else
        options.headers = {
          ...(headers as Record<string, string> | undefined),
          Authorization: `Bearer ${bearer.token}`,
        }
      context.options = options
    }
    await this.#next!.execute(context)
  }

  setNext(next: Middleware): void {
    this.#next = next
  }
}

/**
 * One place of the mailbox's request limit per HTTP attempt (Outlook: 4 in
 * flight per mailbox and app), and a deadline per attempt. It sits after the
 * retry handler, so a Retry-After wait holds no place.
 */
class MailboxLimit implements Middleware {
  #next: Middleware | undefined
  constructor(
    readonly semaphore: KeyedSemaphore,
    readonly key: string,
    readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    const release = await this.semaphore.acquire(this.key)
    try {
      context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) }
      await this.#next!.execute(context)
    } finally {
      release()
    }
  }

  setNext(next: Middleware): void {
    this.#next = next
  }
}

/** Options of {@link createGraphClient}. */
export interface GraphClientOptions {
  /** MICROSOFT_GRAPH_URL: an https origin. */
  readonly graphUrl: string
  readonly semaphore: KeyedSemaphore
  /** The semaphore key: the integration. */
  readonly key: string
  /** Deadline of one HTTP attempt, ms. */
  readonly timeoutMs: number
  /** The longest Retry-After waited out inside a call, seconds; longer ones fail the call (the engine backs off). */
  readonly maxInlineRetryAfterSeconds: number
}

/**
 * The real Graph client on a middleware chain of our own (reference §2.2):
 * bearer token for the Graph origin only → the library's RetryHandler (429, 503
 * and 504, up to 3 retries, honouring Retry-After up to
 * `maxInlineRetryAfterSeconds`, POST and PATCH included: creates carry a
 * transactionId for that) → the mailbox's request limit → fetch. Redirects are
 * not followed (Graph's API answers none; a 3xx is an error).
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const retry = new RetryHandlerOptions(1, 3, (_delay, _attempt, _request, _options, response) => {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now())
    return retryAfter === undefined || retryAfter <= options.maxInlineRetryAfterSeconds * 1000
  })
  return Client.initWithMiddleware({
    baseUrl: `${options.graphUrl}/`,
    defaultVersion: 'v1.0',
    fetchOptions: { redirect: 'manual' },
    middleware: [
      new GraphAuth(new URL(options.graphUrl).origin),
      new RetryHandler(retry),
      new MailboxLimit(options.semaphore, options.key, options.timeoutMs),
      new HTTPMessageHandler(),
    ],
  })
}

/** Graph's codes for a delta token it no longer knows (reference §2.4). */
const RESYNC_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid'])

interface GraphErrorLike {
  statusCode?: number
  code?: string | null
  headers?: { get?(name: string): string | null }
}

/**
 * Turns whatever a Graph call threw (a GraphError: its `body` and `message` may
 * echo ids or URLs) into a {@link ProviderError} that carries only the
 * operation, the status and Graph's error code; the original is dropped, never
 * logged. On a delta call, 410 and the syncStateNotFound/resyncRequired codes
 * are a {@link ResyncRequiredError}.
 */
export function toGraphError(
  operation: string,
  thrown: unknown,
  now: number,
  options: { delta?: boolean } = {},
): Error {
  if (thrown instanceof ProviderError || thrown instanceof ResyncRequiredError) return thrown
  const error = (thrown ?? {}) as GraphErrorLike
  const label = `microsoft ${operation}`
  const status =
    typeof error.statusCode === 'number' && error.statusCode > 0 ? error.statusCode : undefined
  const code = typeof error.code === 'string' ? error.code.slice(0, 64) : undefined
  if (status === undefined) {
    // No HTTP answer: refused, reset, timed out (TypeError, TimeoutError, AbortError).
    return new ProviderError('microsoft', 'unavailable', `${label}: ${code ?? 'no response'}`)
  }
  const detail = `${label}: HTTP ${status}${code ? ` ${code}` : ''}`
  const details = { status, reason: code }
  if (options.delta && (status === 410 || RESYNC_CODES.has((code ?? '').toLowerCase()))) {
    return new ResyncRequiredError(detail)
  }
  const retryAfterMs = parseRetryAfter(error.headers?.get?.('retry-after'), now)
  if (status === 401) return new ProviderError('microsoft', 'unauthorized', detail, details)
  if (status === 429) {
    return new ProviderError('microsoft', 'rate-limited', detail, { ...details, retryAfterMs })
  }
  if (status >= 500 || status === 408) {
    return new ProviderError('microsoft', 'unavailable', detail, { ...details, retryAfterMs })
  }
  return new ProviderError('microsoft', 'rejected', detail, details)
}
