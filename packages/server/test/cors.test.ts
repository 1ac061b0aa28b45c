import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/config'
import { createTestApp } from './helpers'

// <schedule-widget> on another site calls the API cross-origin.
describe('CORS', () => {
  const apps: Array<Awaited<ReturnType<typeof createTestApp>>> = []
  afterAll(async () => {
    for (const app of apps) await app.close()
  })

  it('answers a preflight from any origin by default, without credentials', async () => {
    const app = await createTestApp()
    apps.push(app)
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/api/bookings',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,idempotency-key',
      },
    })
    expect(res.statusCode).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(String(res.headers['access-control-allow-headers'])).toContain('idempotency-key')
    expect(res.headers['access-control-allow-credentials']).toBeUndefined()
    const get = await app.inject({ url: '/healthz', headers: { origin: 'https://shop.example' } })
    expect(get.headers['access-control-allow-origin']).toBe('*')
  })

  it('allows only the listed origins when CORS_ORIGINS is set', async () => {
    const app = await createTestApp({ corsOrigins: ['https://shop.example'] })
    apps.push(app)
    const allowed = await app.inject({
      url: '/healthz',
      headers: { origin: 'https://shop.example' },
    })
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example')
    const other = await app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('reads CORS_ORIGINS and names it when a value is not an origin', () => {
    expect(loadConfig({}).corsOrigins).toBe('*')
    expect(loadConfig({ CORS_ORIGINS: 'none' }).corsOrigins).toEqual([])
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).corsOrigins,
    ).toEqual(['https://a.example', 'http://b.example:8080'])
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/)
  })
})
