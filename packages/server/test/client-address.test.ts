import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { ConfigError, loadConfig } from '../src/config/config'
import { sha256 } from '../src/services/tokens'
import {
  ADMIN_TOKEN,
  createHost,
  createMeetingType,
  createTestApp,
  NOW,
  SECRET_KEY,
  testConfig,
} from './helpers'

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['OFF', false],
    ['no', false],
    ['true', true],
    ['10.0.0.5', ['10.0.0.5']],
    [
      ' 10.0.0.5, 10.0.1.0/24 ,fd00::/8,2001:db8::1,Loopback,uniquelocal',
      ['10.0.0.5', '10.0.1.0/24', 'fd00::/8', '2001:db8::1', 'loopback', 'uniquelocal'],
    ],
    ['0.0.0.0/0', ['0.0.0.0/0']],
    ['::/0', ['::/0']],
  ])('reads %j as %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(
      expected,
    )
  })

  it.each(['0', '1', '2', '10'])(
    'refuses the hop count %j and says what to write instead',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError)
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrowError(
        expect.objectContaining({
          variable: 'TRUST_PROXY',
          message: expect.stringMatching(
            /hop count cannot tell a proxy from a client; list your proxies' addresses, e\.g\. TRUST_PROXY=10\.0\.0\.5,10\.0\.1\.0\/24 \(or true to trust every hop, unsafe\)/,
          ),
        }),
      )
    },
  )

  it.each([
    'everyone',
    '10.0.0.256',
    '10.0.0.0/33',
    'fd00::/129',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0.0/',
    'proxy.example.com',
    '10.0.0.5,private',
    '10.0.0.5;10.0.0.6',
  ])('refuses the entry in %j, naming it', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrowError(
      expect.objectContaining({
        variable: 'TRUST_PROXY',
        message: expect.stringContaining('is not an IP address, a CIDR range'),
      }),
    )
  })
})

/**
 * Who the server takes the client to be, seen through the per-address rate limit
 * (2 requests a minute): `x-ratelimit-remaining` of each request in turn.
 */
async function remainingOf(
  app: FastifyInstance,
  url: string,
  requests: { peer: string; xff?: string }[],
): Promise<string[]> {
  const remaining: string[] = []
  for (const { peer, xff } of requests) {
    const res = await app.inject({
      url,
      remoteAddress: peer,
      headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
    })
    expect(res.statusCode).toBe(200)
    remaining.push(String(res.headers['x-ratelimit-remaining']))
  }
  return remaining
}

describe('client address behind proxies (forged X-Forwarded-For)', () => {
  const apps: FastifyInstance[] = []
  let url: string

  async function appWith(trustProxy: boolean | string[]): Promise<FastifyInstance> {
    const app = await createTestApp({ rateLimitPerMinute: 2, trustProxy })
    apps.push(app)
    return app
  }

  beforeAll(async () => {
    const setup = await appWith(false)
    const host = await createHost(setup)
    url = `/api/meeting-types/${await createMeetingType(setup, host)}`
  })
  afterAll(async () => {
    for (const app of apps) await app.close()
  })

  it('TRUST_PROXY=false: a client that sends X-Forwarded-For is still counted by its own address', async () => {
    const app = await appWith(false)
    expect(
      await remainingOf(app, url, [
        { peer: '203.0.113.7', xff: '198.51.100.1' },
        { peer: '203.0.113.7', xff: '198.51.100.2' },
      ]),
    ).toEqual(['1', '0'])
  })

  it('a list: a listed proxy passes the client address on, anyone else cannot forge one', async () => {
    const app = await appWith(['10.0.0.5', '10.0.1.0/24'])
    // Two clients behind the trusted proxy have a budget each.
    expect(
      await remainingOf(app, url, [
        { peer: '10.0.0.5', xff: '198.51.100.11' },
        { peer: '10.0.0.5', xff: '198.51.100.12' },
        { peer: '10.0.1.77', xff: '198.51.100.11' },
      ]),
    ).toEqual(['1', '1', '0'])
    // A client that reaches the server directly and forges the header is counted by its address.
    expect(
      await remainingOf(app, url, [
        { peer: '203.0.113.9', xff: '198.51.100.13' },
        { peer: '203.0.113.9', xff: '198.51.100.14' },
      ]),
    ).toEqual(['1', '0'])
    // Through the proxy, a forged first hop is ignored: the proxy appended the real
    // peer (203.0.113.50), the nearest address that is not a trusted proxy.
    expect(
      await remainingOf(app, url, [
        { peer: '10.0.0.5', xff: '198.51.100.15, 203.0.113.50' },
        { peer: '10.0.0.5', xff: '198.51.100.16, 203.0.113.50' },
      ]),
    ).toEqual(['1', '0'])
  })

  it('TRUST_PROXY=true trusts every hop (a forged header picks the address) and warns once at start', async () => {
    const lines: string[] = []
    const app = await buildApp(testConfig({ rateLimitPerMinute: 2, trustProxy: true }), {
      adminTokenHash: sha256(ADMIN_TOKEN),
      secretKey: SECRET_KEY,
      now: () => NOW,
      jobs: { workers: false },
      logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } },
    })
    apps.push(app)
    const warnings = lines.filter((line) => line.includes('TRUST_PROXY=true'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('list your proxies')
    expect(
      await remainingOf(app, url, [
        { peer: '203.0.113.7', xff: '198.51.100.21' },
        { peer: '203.0.113.7', xff: '198.51.100.22' },
      ]),
    ).toEqual(['1', '1'])
  })
})

describe('per-address rate limit keys', () => {
  let app: FastifyInstance
  let url: string

  beforeAll(async () => {
    app = await createTestApp({ rateLimitPerMinute: 2 })
    const host = await createHost(app)
    url = `/api/meeting-types/${await createMeetingType(app, host)}`
  })
  afterAll(async () => {
    await app.close()
  })

  it('counts two IPv6 addresses of one /64 together, and another /64 apart', async () => {
    expect(
      await remainingOf(app, url, [
        { peer: '2001:db8:0:12::1' },
        { peer: '2001:db8:0:12:abcd::99' },
        { peer: '2001:db8:0:13::1' },
      ]),
    ).toEqual(['1', '0', '1'])
    const third = await app.inject({ url, remoteAddress: '2001:db8:0:12::7' })
    expect(third.statusCode).toBe(429)
    expect(third.json().error).toBe('RATE_LIMITED')
  })

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', async () => {
    expect(
      await remainingOf(app, url, [{ peer: '198.51.100.40' }, { peer: '::ffff:198.51.100.40' }]),
    ).toEqual(['1', '0'])
  })
})
