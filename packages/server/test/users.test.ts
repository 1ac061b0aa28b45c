import { ERROR_CODES } from '@slotkit/core'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_STATUS } from '../src/http/error-status'
import { admin, bearer, createHost, createTestApp } from './helpers'

const newUser = (extra: Record<string, unknown> = {}) => ({
  email: `u-${Math.random().toString(36).slice(2)}@example.com`,
  name: 'Grace Hopper',
  time_zone: 'Europe/Berlin',
  ...extra,
})

describe('users API', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await createTestApp()
  })
  afterAll(async () => app.close())

  it('creates a user with the admin token and shows the API key once', async () => {
    const body = newUser()
    const res = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: body,
    })
    expect(res.statusCode).toBe(201)
    const user = res.json()
    expect(user).toMatchObject({
      email: body.email,
      name: 'Grace Hopper',
      time_zone: 'Europe/Berlin',
    })
    expect(user.api_key).toMatch(/^sk_/)
    const got = await app.inject({ url: `/api/users/${user.id}`, headers: bearer(user.api_key) })
    expect(got.statusCode).toBe(200)
    expect(got.json()).toEqual({
      id: user.id,
      email: body.email,
      name: 'Grace Hopper',
      time_zone: 'Europe/Berlin',
    })
  })

  it('answers 401 without a token, 401 for an unknown token and 403 for a user key', async () => {
    const host = await createHost(app)
    const none = await app.inject({ method: 'POST', url: '/api/users', payload: newUser() })
    expect(none.statusCode).toBe(401)
    expect(none.json().error).toBe('UNAUTHORIZED')
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer('sk_nope'),
      payload: newUser(),
    })
    expect(wrong.statusCode).toBe(401)
    const userKey = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(host.apiKey),
      payload: newUser(),
    })
    expect(userKey.statusCode).toBe(403)
    expect(userKey.json().error).toBe('FORBIDDEN')
    const malformed = await app.inject({
      url: `/api/users/${host.id}`,
      headers: { authorization: 'Basic abc' },
    })
    expect(malformed.statusCode).toBe(401)
  })

  it('lets a user read and change only its own record; the admin any', async () => {
    const a = await createHost(app)
    const b = await createHost(app)
    expect(
      (await app.inject({ url: `/api/users/${b.id}`, headers: bearer(a.apiKey) })).statusCode,
    ).toBe(403)
    expect((await app.inject({ url: `/api/users/${b.id}`, headers: admin })).statusCode).toBe(200)
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/users/${a.id}`,
      headers: bearer(a.apiKey),
      payload: { name: 'Renamed' },
    })
    expect(patched.statusCode).toBe(200)
    expect(patched.json().name).toBe('Renamed')
    const other = await app.inject({
      method: 'PATCH',
      url: `/api/users/${b.id}`,
      headers: bearer(a.apiKey),
      payload: { name: 'X' },
    })
    expect(other.statusCode).toBe(403)
    const badZone = await app.inject({
      method: 'PATCH',
      url: `/api/users/${a.id}`,
      headers: bearer(a.apiKey),
      payload: { time_zone: 'Mars/Base' },
    })
    expect(badZone.statusCode).toBe(400)
    expect(badZone.json()).toMatchObject({
      error: 'INVALID_TIME_ZONE',
      details: { field: 'time_zone' },
    })
  })

  it('answers 404 for an unknown id, also one that is not a UUID', async () => {
    const unknown = await app.inject({
      url: '/api/users/3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b',
      headers: admin,
    })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error).toBe('NOT_FOUND')
    const malformed = await app.inject({ url: '/api/users/not-a-uuid', headers: admin })
    expect(malformed.statusCode).toBe(404)
    expect(malformed.json().error).toBe('NOT_FOUND')
  })

  it('rejects a duplicate e-mail with 409 CONFLICT', async () => {
    const body = newUser()
    expect(
      (await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: body }))
        .statusCode,
    ).toBe(201)
    const again = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { ...body, email: body.email.toUpperCase() },
    })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ error: 'CONFLICT', details: { field: 'email' } })
  })

  it.each([
    ['a bad e-mail', { email: 'not-an-email' }, 'VALIDATION_FAILED', 'email'],
    [
      'an e-mail over 254 characters',
      { email: `${'a'.repeat(250)}@example.com` },
      'VALIDATION_FAILED',
      'email',
    ],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'VALIDATION_FAILED', 'name'],
    ['an unknown zone', { time_zone: 'Europe/Atlantis' }, 'INVALID_TIME_ZONE', 'time_zone'],
    ['an unknown field', { colour: 'blue' }, 'VALIDATION_FAILED', 'colour'],
  ])('rejects %s with 400 naming the field', async (_case, extra, code, field) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: newUser(extra),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toBe(code)
    expect(res.json().message).toContain(field)
  })

  it('names a missing field', async () => {
    const { name: _omit, ...body } = newUser()
    const res = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: body,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', details: { field: 'name' } })
  })

  it('answers malformed JSON with 400 MALFORMED_JSON and an oversized body with 413', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", ',
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().error).toBe('MALFORMED_JSON')
    const huge = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify(newUser({ name: 'x'.repeat(300 * 1024) })),
    })
    expect(huge.statusCode).toBe(413)
    expect(huge.json().error).toBe('PAYLOAD_TOO_LARGE')
    const text = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...admin, 'content-type': 'text/plain' },
      payload: 'hi',
    })
    expect(text.statusCode).toBe(415)
    expect(text.json().error).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('answers unknown routes with the error shape', async () => {
    const res = await app.inject({ url: '/api/nope' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ error: 'NOT_FOUND' })
  })

  it('serves health, readiness, OpenAPI and the docs UI', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' })
    const spec = (await app.inject({ url: '/api/openapi.json' })).json()
    expect(spec.openapi).toMatch(/^3\./)
    for (const path of [
      '/api/users',
      '/api/users/{id}/availability',
      '/api/meeting-types/{id}',
      '/api/availability/slots',
      '/api/bookings',
      '/api/bookings/{id}/reschedule',
    ]) {
      expect(spec.paths[path], path).toBeDefined()
    }
    expect(
      spec.paths['/api/bookings'].post.requestBody.content['application/json'].schema.properties
        .invitee_email,
    ).toBeDefined()
    const docs = await app.inject({ url: '/docs' })
    expect([200, 302]).toContain(docs.statusCode)
  })

  it('maps every error code to a status', () => {
    for (const code of ERROR_CODES) expect(ERROR_STATUS[code], code).toBeGreaterThanOrEqual(400)
  })
})
