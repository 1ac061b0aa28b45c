import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import {
  assertWebhookUrlShape,
  type ResolveHost,
  resolveWebhookTarget,
  WebhookTargetRefused,
} from '../../webhooks/ssrf-guard'

/** A `fetch` as tsdav calls it. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** Options of {@link createPinnedFetch}. */
export interface PinnedFetchOptions {
  /** WEBHOOK_ALLOW_PRIVATE: loopback and private-network addresses may be called. */
  readonly allowPrivate: boolean
  /** Resolves host names (tests map a name to loopback); default: the system resolver. */
  readonly resolve?: ResolveHost
  /** Deadline of one request, redirects and reading the body included; default 20 s. */
  readonly timeoutMs?: number
  /** The largest response body read; default 32 MiB (a year of a busy calendar is a few MB). */
  readonly maxResponseBytes?: number
  /** Redirects followed at most (with `redirect: 'follow'`, the default); default 5. */
  readonly maxRedirects?: number
  /** Refuse plain http (credentials would cross the network in clear); default false. */
  readonly httpsOnly?: boolean
}

/**
 * A request that got no HTTP answer: DNS failure, refused or reset connection,
 * TLS failure, timeout, or a body over the limit. `code` says which (`ENOTFOUND`,
 * `ECONNREFUSED`, `TIMEOUT`, `TOO_LARGE`…); the message never holds a URL query,
 * header or body.
 */
export class FetchFailedError extends Error {
  override readonly name = 'FetchFailedError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Statuses whose Response may not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304])

/** The body of a request as bytes (tsdav sends strings); anything else is refused. */
function bodyBytes(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body)
  throw new TypeError('pinned fetch: only string and byte bodies are supported')
}

function toResponse(res: IncomingMessage, body: Buffer, url: URL): Response {
  const headers = new Headers()
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  const status = res.statusCode ?? 0
  if (status < 200 || status > 599) {
    throw new FetchFailedError('BAD_STATUS', `${url.host}: answered with HTTP status ${status}`)
  }
  const response = new Response(NULL_BODY.has(status) ? null : Uint8Array.from(body), {
    status,
    statusText: res.statusMessage ?? '',
    headers,
  })
  // A constructed Response has no url; tsdav reads it for error reports.
  Object.defineProperty(response, 'url', { value: url.href })
  return response
}

/**
 * A `fetch` for URLs a host gave (a CalDAV server): every request, redirects
 * included, goes through the outbound-webhook SSRF guard. The host name is
 * resolved, every address must be public unless `allowPrivate`, and the
 * connection goes to the address that was checked (node:http with a pinned
 * `lookup`), so DNS rebinding cannot swap in a private one between the check and
 * the connection; TLS still verifies the certificate against the host name.
 * Cross-origin redirects drop the Authorization header, as `fetch` does.
 * Throws {@link WebhookTargetRefused} for a refused address and
 * {@link FetchFailedError} when no HTTP answer came; any status is returned.
 */
export function createPinnedFetch(options: PinnedFetchOptions): FetchLike {
  const timeoutMs = options.timeoutMs ?? 20_000
  const maxBytes = options.maxResponseBytes ?? 32 * 1024 * 1024
  const maxRedirects = options.maxRedirects ?? 5

  async function send(
    url: URL,
    method: string,
    headers: Headers,
    body: Buffer | undefined,
    signal: AbortSignal,
    deadline: AbortSignal,
  ): Promise<Response> {
    let target: { address: string; family: number }
    try {
      target = await resolveWebhookTarget(url, {
        allowPrivate: options.allowPrivate,
        resolve: options.resolve,
      })
    } catch (error) {
      if (error instanceof WebhookTargetRefused) throw error
      throw new FetchFailedError('ENOTFOUND', `${url.hostname}: the host name does not resolve`)
    }
    if (options.httpsOnly && url.protocol !== 'https:') {
      throw new WebhookTargetRefused(
        `${url.host}: only https URLs are allowed (plain http only with WEBHOOK_ALLOW_PRIVATE=true)`,
      )
    }
    const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all) {
        ;(callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(
          null,
          [target],
        )
      } else callback(null, target.address, target.family)
    }
    const outgoing: Record<string, string> = {}
    headers.forEach((value, name) => {
      outgoing[name] = value
    })
    outgoing['user-agent'] ??= 'Slotkit-CalDAV/1'
    if (body) outgoing['content-length'] = String(body.length)
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    // Why a request failed: our deadline, the caller's abort, or the network.
    const failure = (error: NodeJS.ErrnoException) => {
      const code = deadline.aborted
        ? 'TIMEOUT'
        : signal.aborted
          ? 'ABORTED'
          : (error.code ?? 'ECONNRESET')
      return new FetchFailedError(
        code,
        code === 'TIMEOUT'
          ? `${url.host}: no answer within ${timeoutMs} ms`
          : `${url.host}: ${code}`,
      )
    }
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method, headers: outgoing, lookup, signal }, (res) => {
        const chunks: Buffer[] = []
        let received = 0
        res.on('data', (chunk: Buffer) => {
          received += chunk.length
          if (received > maxBytes) {
            res.destroy()
            reject(
              new FetchFailedError(
                'TOO_LARGE',
                `${url.host}: the response is larger than ${maxBytes} bytes`,
              ),
            )
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => {
          try {
            resolve(toResponse(res, Buffer.concat(chunks), url))
          } catch (error) {
            reject(error)
          }
        })
        res.on('error', (error: NodeJS.ErrnoException) => reject(failure(error)))
      })
      req.on('error', (error: NodeJS.ErrnoException) => reject(failure(error)))
      req.end(body)
    })
  }

  return async (input, init = {}) => {
    let url = assertWebhookUrlShape(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    )
    let method = (init.method ?? 'GET').toUpperCase()
    const headers = new Headers(init.headers)
    let body = bodyBytes(init.body)
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline
    for (let hop = 0; ; hop++) {
      const response = await send(url, method, headers, body, signal, deadline)
      const location = response.headers.get('location')
      if (
        (init.redirect ?? 'follow') !== 'follow' ||
        !REDIRECTS.has(response.status) ||
        !location
      ) {
        return response
      }
      if (hop >= maxRedirects) {
        throw new FetchFailedError(
          'TOO_MANY_REDIRECTS',
          `${url.host}: more than ${maxRedirects} redirects`,
        )
      }
      const next = assertWebhookUrlShape(new URL(location, url).href)
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without a body.
      if (response.status === 303 || (method === 'POST' && response.status <= 302)) {
        method = 'GET'
        body = undefined
        headers.delete('content-type')
      }
      if (next.origin !== url.origin) headers.delete('authorization')
      url = next
    }
  }
}
