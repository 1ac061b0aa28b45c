import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { SIGNATURE_HEADER, signWebhookPayload } from './signature'
import { assertWebhookUrlShape, type ResolveHost, resolveWebhookTarget } from './ssrf-guard'

/** Input of {@link postWebhook}. */
export interface PostWebhookInput {
  readonly url: string
  readonly secret: string
  /** The exact JSON text to send and sign. */
  readonly body: string
  readonly event: string
  readonly deliveryId: string
  /** Signing time, epoch ms. */
  readonly now: number
  readonly allowPrivate: boolean
  /** Whole-request deadline; default 10 s. */
  readonly timeoutMs?: number
  readonly resolve?: ResolveHost
}

/** What the receiver answered. */
export interface PostWebhookResult {
  readonly status: number
}

const MAX_RESPONSE_BYTES = 64 * 1024

/**
 * POSTs one signed delivery. Redirects are not followed (a 3xx is a failure),
 * the connection goes to the address checked by the SSRF guard, and the reply
 * body is read (up to 64 KiB) and dropped. Throws on network errors and timeouts;
 * any HTTP status is returned.
 */
export async function postWebhook(input: PostWebhookInput): Promise<PostWebhookResult> {
  const url = assertWebhookUrlShape(input.url)
  const target = await resolveWebhookTarget(url, {
    allowPrivate: input.allowPrivate,
    resolve: input.resolve,
  })
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      ;(callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        target,
      ])
    } else callback(null, target.address, target.family)
  }
  const timestamp = Math.floor(input.now / 1000)
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  const timeoutMs = input.timeoutMs ?? 10_000
  return new Promise<PostWebhookResult>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        lookup,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(input.body),
          'user-agent': 'Slotkit-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhookPayload(input.secret, input.body, timestamp),
          'Slotkit-Event': input.event,
          'Slotkit-Delivery': input.deliveryId,
        },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        let received = 0
        res.on('data', (chunk: Buffer) => {
          received += chunk.length
          if (received > MAX_RESPONSE_BYTES) res.destroy()
        })
        res.on('close', () => resolve({ status: res.statusCode ?? 0 }))
        res.on('error', () => resolve({ status: res.statusCode ?? 0 }))
      },
    )
    req.on('error', (error) => reject(error))
    req.end(input.body)
  })
}
