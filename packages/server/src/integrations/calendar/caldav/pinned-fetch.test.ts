import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebhookTargetRefused } from '../../webhooks/ssrf-guard'
import { createPinnedFetch, FetchFailedError } from './pinned-fetch'

/** What the local server saw of each request. */
interface Seen {
  method: string
  url: string
  host: string | undefined
  authorization: string | undefined
  body: string
}

let server: Server
let port: number
const seen: Seen[] = []

function handle(req: IncomingMessage, res: ServerResponse, body: string) {
  seen.push({
    method: req.method ?? '',
    url: req.url ?? '',
    host: req.headers.host,
    authorization: req.headers.authorization,
    body,
  })
  const path = req.url ?? '/'
  if (path === '/hang') return // never answers
  if (path === '/big') {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('x'.repeat(4096))
    return
  }
  if (path.startsWith('/redirect-to/')) {
    res.writeHead(301, { location: decodeURIComponent(path.slice('/redirect-to/'.length)) })
    res.end()
    return
  }
  res.writeHead(207, { 'content-type': 'text/xml; charset=utf-8', 'x-seen': String(seen.length) })
  res.end(`<multistatus xmlns="DAV:"><!-- ${req.method} ${path} --></multistatus>`)
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    req.on('end', () => handle(req, res, body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** A resolver that maps `*.invalid` names to loopback and records what it was asked. */
function loopbackResolver(asked: string[]) {
  return async (hostname: string) => {
    asked.push(hostname)
    if (!hostname.endsWith('.invalid')) throw new Error(`unexpected lookup of ${hostname}`)
    return [{ address: '127.0.0.1', family: 4 }]
  }
}

describe('createPinnedFetch', () => {
  it('refuses loopback, by address or by a name resolving to it, unless private targets are allowed', async () => {
    const strict = createPinnedFetch({ allowPrivate: false, resolve: loopbackResolver([]) })
    await expect(strict(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(WebhookTargetRefused)
    await expect(strict(`http://dav.invalid:${port}/`)).rejects.toThrow(
      /dav\.invalid resolves to a non-public address.*WEBHOOK_ALLOW_PRIVATE/,
    )
    await expect(strict('file:///etc/passwd')).rejects.toBeInstanceOf(WebhookTargetRefused)
    await expect(strict(`http://user:pw@dav.invalid:${port}/`)).rejects.toBeInstanceOf(
      WebhookTargetRefused,
    )
  })

  it('connects to the address the guard resolved, keeping the host name in Host', async () => {
    // No DNS server knows dav.invalid: the request can only arrive through the pinned lookup.
    const asked: string[] = []
    const pinned = createPinnedFetch({ allowPrivate: true, resolve: loopbackResolver(asked) })
    const response = await pinned(`http://dav.invalid:${port}/alice/`, {
      method: 'PROPFIND',
      headers: { depth: '0', 'content-type': 'text/xml' },
      body: '<propfind xmlns="DAV:"/>',
    })
    expect(response.status).toBe(207)
    expect(response.url).toBe(`http://dav.invalid:${port}/alice/`)
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8')
    expect(await response.text()).toContain('PROPFIND /alice/')
    expect(asked).toEqual(['dav.invalid'])
    expect(seen.at(-1)).toMatchObject({
      method: 'PROPFIND',
      host: `dav.invalid:${port}`,
      body: '<propfind xmlns="DAV:"/>',
    })
  })

  it('checks every redirect hop and drops the Authorization header across origins', async () => {
    const asked: string[] = []
    const pinned = createPinnedFetch({ allowPrivate: true, resolve: loopbackResolver(asked) })
    const target = encodeURIComponent(`http://other.invalid:${port}/landed`)
    const response = await pinned(`http://dav.invalid:${port}/redirect-to/${target}`, {
      method: 'REPORT',
      headers: { authorization: 'Basic c2VjcmV0' },
      body: '<x/>',
    })
    expect(response.status).toBe(207)
    expect(asked).toEqual(['dav.invalid', 'other.invalid'])
    const [first, second] = seen.slice(-2)
    expect(first).toMatchObject({ host: `dav.invalid:${port}`, authorization: 'Basic c2VjcmV0' })
    // The method and body survive a 301 that is not after a POST; the credentials do not.
    expect(second).toMatchObject({
      method: 'REPORT',
      url: '/landed',
      host: `other.invalid:${port}`,
      authorization: undefined,
      body: '<x/>',
    })
  })

  it('returns a redirect as it is with redirect: manual (tsdav’s .well-known discovery)', async () => {
    const pinned = createPinnedFetch({ allowPrivate: true })
    const response = await pinned(`http://127.0.0.1:${port}/redirect-to/%2Fdav%2F`, {
      redirect: 'manual',
    })
    expect(response.status).toBe(301)
    expect(response.headers.get('location')).toBe('/dav/')
  })

  it('fails with a code, never a hang, for a server that does not answer, an oversized body or an unknown host', async () => {
    const pinned = createPinnedFetch({ allowPrivate: true, timeoutMs: 300, maxResponseBytes: 1024 })
    await expect(pinned(`http://127.0.0.1:${port}/hang`)).rejects.toMatchObject({
      name: 'FetchFailedError',
      code: 'TIMEOUT',
    })
    await expect(pinned(`http://127.0.0.1:${port}/big`)).rejects.toMatchObject({
      code: 'TOO_LARGE',
    })
    const failing = createPinnedFetch({
      allowPrivate: true,
      resolve: async () => {
        throw new Error('ENOTFOUND')
      },
    })
    const error = await failing('https://nowhere.invalid/').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FetchFailedError)
    expect(error).toMatchObject({ code: 'ENOTFOUND' })
  })

  it('reports a refused connection by its code', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const freePort = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const pinned = createPinnedFetch({ allowPrivate: true })
    await expect(pinned(`http://127.0.0.1:${freePort}/`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    })
  })
})
