import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the counting proxy forwarded. */
export interface ProxiedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** The status Radicale answered. */
  status?: number
  /** How long Radicale took to answer, ms. */
  ms?: number
}

/** A loopback proxy in front of Radicale that records what Slotkit asks for. */
export interface CountingProxy {
  readonly url: string
  readonly requests: ProxiedRequest[]
  /** Answer PROPFINDs without `sync-token` (a server with ctags and etags only). */
  hideSyncToken: boolean
  close(): Promise<void>
}

/** Starts a {@link CountingProxy} forwarding to `target`. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target)
  const proxy: CountingProxy = {
    url: '',
    requests: [],
    hideSyncToken: false,
    close: async () => {},
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const seen: ProxiedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: body.toString(),
      }
      proxy.requests.push(seen)
      const started = performance.now()
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const parts: Buffer[] = []
          answer.on('data', (chunk: Buffer) => parts.push(chunk))
          answer.on('end', () => {
            let text = Buffer.concat(parts).toString()
            if (proxy.hideSyncToken && req.method === 'PROPFIND') {
              text = text.replace(/<sync-token>[^<]*<\/sync-token>/g, '')
            }
            const headers = { ...answer.headers }
            delete headers['content-length']
            seen.status = answer.statusCode
            seen.ms = performance.now() - started
            res.writeHead(answer.statusCode ?? 502, headers)
            res.end(text)
          })
        },
      )
      forwarded.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      forwarded.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  Object.assign(proxy, {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  })
  return proxy
}
