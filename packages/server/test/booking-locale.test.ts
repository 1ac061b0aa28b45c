import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../src/db/database'
import { bookingBody, createHost, createMeetingType, createTestApp, testConfig } from './helpers'

// The invitee's language travels with the booking (POST /api/bookings `locale`)
// and is stored on it (migration 0008), canonical, for their e-mails and pages.
describe('the booking locale', () => {
  let app: FastifyInstance
  let db: Db
  beforeAll(async () => {
    app = await createTestApp()
    db = createDb({ connectionString: testConfig().databaseUrl! })
  })
  afterAll(async () => {
    await app.close()
    await db.destroy()
  })

  const book = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/bookings', payload })
  const storedLocale = async (id: string) =>
    (await db.selectFrom('bookings').select('locale').where('id', '=', id).executeTakeFirst())
      ?.locale

  it('stores the tag in canonical form, and null when none is sent', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const french = await book(bookingBody(mt, '2027-03-02T09:30:00-05:00', { locale: 'FR-fr' }))
    expect(french.statusCode, french.body).toBe(201)
    expect(await storedLocale(french.json().id)).toBe('fr-FR')
    const none = await book(bookingBody(mt, '2027-03-02T10:30:00-05:00'))
    expect(none.statusCode, none.body).toBe(201)
    expect(await storedLocale(none.json().id)).toBeNull()
  })

  it('keeps the locale when the invitee reschedules', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const created = await book(
      bookingBody(mt, '2027-03-02T11:00:00-05:00', { locale: 'zh-Hans-CN' }),
    )
    expect(created.statusCode, created.body).toBe(201)
    const token = new URL(created.json().cancel_url).searchParams.get('token')
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${created.json().id}/reschedule?token=${token}`,
      payload: { start_time: '2027-03-03T11:00:00-05:00' },
    })
    expect(moved.statusCode, moved.body).toBe(200)
    expect(await storedLocale(moved.json().id)).toBe('zh-Hans-CN')
  })

  it.each([
    ['a tag with an underscore', 'fr_FR'],
    ['a tag that is too long', `en-${'abcdefgh-'.repeat(4)}x`],
    ['a tag of the right shape that is not well formed', 'en-US-US'],
    ['markup', '<b>fr</b>'],
  ])('rejects %s with 400 VALIDATION_FAILED naming locale', async (_case, locale) => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const res = await book(bookingBody(mt, '2027-03-02T12:00:00-05:00', { locale }))
    expect(res.statusCode, res.body).toBe(400)
    const reply = res.json()
    expect(reply.error).toBe('VALIDATION_FAILED')
    expect(reply.message).toContain('locale')
    expect(reply.details.field).toBe('locale')
  })
})

describe('the booking locale in the OpenAPI document', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await createTestApp()
  })
  afterAll(async () => app.close())

  it('documents locale as an optional BCP 47 tag of at most 35 characters', async () => {
    const document = (await app.inject({ url: '/api/openapi.json' })).json()
    const body = document.paths['/api/bookings'].post.requestBody.content['application/json'].schema
    expect(body.required).not.toContain('locale')
    expect(body.properties.locale).toMatchObject({
      type: 'string',
      maxLength: 35,
      pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$',
    })
    expect(body.properties.locale.description).toContain('BCP 47')
  })
})
