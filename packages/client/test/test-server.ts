// Test support for src/*.test.ts, kept outside src/ so it is never built or
// packed: a real HTTP peer on a free loopback port, so the client's transport
// runs over real sockets: dropped connections, slow replies, real headers. Each
// test passes its own handler.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the server saw it. */
export interface SeenRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/** A handler; `attempt` counts requests from 1. */
export type TestHandler = (
  request: SeenRequest,
  response: ServerResponse,
  attempt: number,
) => void | Promise<void>

/** A running test server. */
export interface TestServer {
  baseUrl: string
  requests: SeenRequest[]
  close(): Promise<void>
}

/** Starts a server on 127.0.0.1 and a free port. */
export async function startTestServer(handler: TestHandler): Promise<TestServer> {
  const requests: SeenRequest[] = []
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const seen: SeenRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(seen)
      Promise.resolve(handler(seen, response, requests.length)).catch((error: unknown) => {
        response.destroy(error as Error)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Replies with JSON. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

/** Drops the connection without a reply (the peer sees a socket error). */
export function dropConnection(response: ServerResponse): void {
  response.socket?.destroy()
}
