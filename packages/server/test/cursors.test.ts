import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertDeliveries, insertWebhook } from '../src/db/repositories/webhooks.repository'
import type { Database } from '../src/db/schema'
import {
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  type Host,
} from './helpers'
import { openTestDb } from './notifications/harness'

/** Both keyset listings (bookings, webhook deliveries) share one cursor format and one error. */
describe('list cursors', () => {
  let app: FastifyInstance
  let db: Kysely<Database>
  let host: Host
  let webhookId: string
  beforeAll(async () => {
    db = await openTestDb()
    app = await createTestApp()
    host = await createHost(app)
    webhookId = (
      await insertWebhook(db, {
        userId: host.id,
        url: 'http://127.0.0.1:9/hook',
        events: ['booking.created'],
        secret: 'whsec_cursor_test',
      })
    ).id
  })
  afterAll(async () => {
    await app.close()
    await db.destroy()
  })

  const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
  const id = '3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b'
  const urls = () => ({
    bookings: `/api/bookings?user_id=${host.id}&limit=2`,
    deliveries: `/api/webhooks/${webhookId}/deliveries?limit=2`,
  })

  it.each([
    // Used to reach PostgreSQL and come back as a 400 that named no field.
    ['an id of 36 dashes', raw(`1803981600000|${'-'.repeat(36)}`)],
    ['an instant no Date holds', raw(`1e300|${id}`)],
    ['a fraction of a millisecond', raw(`1.5|${id}`)],
    ['something else', 'zzz'],
  ])('answers 400 naming cursor for %s, on both listings', async (_, cursor) => {
    for (const [listing, url] of Object.entries(urls())) {
      const res = await app.inject({ url: `${url}&cursor=${cursor}`, headers: bearer(host.apiKey) })
      expect(res.statusCode, listing).toBe(400)
      expect(res.json(), listing).toEqual({
        error: 'VALIDATION_FAILED',
        message: 'cursor: is not a cursor this server issued',
        details: { field: 'cursor' },
      })
    }
  })

  it('pages through deliveries created in the same millisecond without losing one', async () => {
    const booked = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(await createMeetingType(app, host), '2027-03-02T14:00:00Z'),
    })
    const bookingId = booked.json().id as string
    // One statement: the three rows share created_at, so only the id orders them.
    const ids = await insertDeliveries(
      db,
      [1, 2, 3].map(() => ({
        webhookId,
        hostId: host.id,
        eventId: randomUUID(),
        event: 'booking.created',
        bookingId,
        body: '{}',
      })),
    )
    const seen: string[] = []
    let url = urls().deliveries
    for (let pages = 0; pages < 3; pages++) {
      const page = (await app.inject({ url, headers: bearer(host.apiKey) })).json()
      seen.push(...page.deliveries.map((d: { id: string }) => d.id))
      if (page.next_cursor === null) break
      url = `${urls().deliveries}&cursor=${page.next_cursor}`
    }
    expect(seen).toEqual([...ids].sort().reverse())
  })
})
