import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createHost, createTestApp } from '../helpers'

describe('webhook abuse limits', () => {
  let strict: FastifyInstance

  beforeAll(async () => {
    strict = await createTestApp({ webhookAllowPrivate: false, jobs: false })
  })
  afterAll(async () => {
    await strict.close()
  })

  it('refuses a host name that resolves to a non-public address without naming the address', async () => {
    const host = await createHost(strict)
    // Real resolution: localhost is 127.0.0.1 and/or ::1 on every machine.
    const res = await strict.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(host.apiKey),
      payload: { user_id: host.id, url: 'http://localhost:9/hook', events: ['booking.created'] },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', details: { field: 'url' } })
    expect(res.json().message).toContain('localhost resolves to a non-public address')
    expect(res.body).not.toContain('127.0.0.1')
    expect(res.body).not.toContain('::1')
  })
})
