import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Booking } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notificationDb } from '../../src/db/repositories/notifications.repository'
import { insertWebhook } from '../../src/db/repositories/webhooks.repository'
import type { Database } from '../../src/db/schema'
import { createOutboxMailer } from '../../src/integrations/email/outbox-mailer'
import type { JobQueue, QueuedJob } from '../../src/jobs/job-queue'
import {
  DELIVER_WEBHOOK,
  DISPATCH_WEBHOOKS,
  type DispatchWebhooksPayload,
} from '../../src/jobs/queues'
import { handleDispatchWebhooks } from '../../src/jobs/webhook-jobs'
import { bearer, createHost, createMeetingType, createTestApp, type Host } from '../helpers'
import {
  book,
  createTestQueue,
  dropQueue,
  jobsOf,
  notificationDeps,
  openTestDb,
  silentLog,
} from './harness'

describe('webhook abuse limits', () => {
  let strict: FastifyInstance
  let app: FastifyInstance
  let db: Kysely<Database>

  beforeAll(async () => {
    strict = await createTestApp({ webhookAllowPrivate: false, jobs: false })
    app = await createTestApp({ webhookAllowPrivate: true, jobs: false })
    db = await openTestDb()
  })
  afterAll(async () => {
    await strict.close()
    await app.close()
    await db.destroy()
  })

  const subscribe = (host: Host, n: number | string) =>
    app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(host.apiKey),
      payload: {
        user_id: host.id,
        url: `http://127.0.0.1:9/hook-${n}`,
        events: ['booking.created'],
      },
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

  it('refuses the 11th webhook of a host (paused ones count) with 409 QUOTA_EXCEEDED', async () => {
    const host = await createHost(app)
    const other = await createHost(app)
    const ids: string[] = []
    for (let n = 0; n < 10; n++) {
      const res = await subscribe(host, n)
      expect(res.statusCode, res.body).toBe(201)
      ids.push(res.json().id)
    }
    const paused = await app.inject({
      method: 'PATCH',
      url: `/api/webhooks/${ids[0]}`,
      headers: bearer(host.apiKey),
      payload: { is_active: false },
    })
    expect(paused.statusCode).toBe(200)
    const eleventh = await subscribe(host, 10)
    expect(eleventh.statusCode).toBe(409)
    expect(eleventh.json()).toMatchObject({
      error: 'QUOTA_EXCEEDED',
      details: { field: 'user_id', limit: 10 },
    })
    expect(eleventh.json().message).toContain('at most')
    // Another host has its own ten; deleting one frees a place.
    expect((await subscribe(other, 0)).statusCode).toBe(201)
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/webhooks/${ids[1]}`,
      headers: bearer(host.apiKey),
    })
    expect(deleted.statusCode).toBe(204)
    expect((await subscribe(host, 11)).statusCode).toBe(201)
    expect((await subscribe(host, 12)).statusCode).toBe(409)
  })

  it('lets exactly 10 of 16 simultaneous requests of one host through', async () => {
    const host = await createHost(app)
    const replies = await Promise.all(Array.from({ length: 16 }, (_, n) => subscribe(host, n)))
    const statuses = replies.map((r) => r.statusCode).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(10)
    expect(statuses.filter((s) => s === 409)).toHaveLength(6)
    const stored = await notificationDb(db)
      .selectFrom('webhooks')
      .select('id')
      .where('userId', '=', host.id)
      .execute()
    expect(stored).toHaveLength(10)
  })

  describe('deliveries per event', () => {
    let queue: JobQueue
    beforeAll(async () => {
      queue = await createTestQueue()
    })
    afterAll(async () => {
      await dropQueue(db, queue)
    })

    it('fans one event out to at most 10 webhooks (the oldest), even with more rows from before the cap', async () => {
      const host = await createHost(app)
      // Rows written straight to the table, as a database from before the cap may hold.
      const hooks = []
      for (let n = 0; n < 12; n++) {
        hooks.push(
          await insertWebhook(db, {
            userId: host.id,
            url: `http://127.0.0.1:9/old-${n}`,
            events: ['booking.created'],
            secret: `s${n}`,
          }),
        )
      }
      const mt = await createMeetingType(app, host)
      const booking = await book(app, mt, '2027-03-02T11:00:00-05:00')
      const eventId = randomUUID()
      const warnings: string[] = []
      const deps = notificationDeps(
        db,
        queue,
        createOutboxMailer({ dir: join(tmpdir(), `slotkit-outbox-${eventId}`), from: 'x@y.z' }),
        {
          log: {
            ...silentLog,
            warn: (_obj: object, msg: string) => warnings.push(msg),
          },
        },
      )
      const job: QueuedJob<DispatchWebhooksPayload> = {
        id: randomUUID(),
        name: DISPATCH_WEBHOOKS,
        data: {
          eventId,
          event: 'booking.created',
          hostId: host.id,
          bookingId: booking.id,
          occurredAt: '2027-03-01T12:00:00Z',
          booking: booking as unknown as Booking,
        },
        retryCount: 0,
        retryLimit: 1,
      }
      await handleDispatchWebhooks(deps, job)
      expect(warnings).toEqual([expect.stringContaining('the newest are skipped')])
      // Running twice (a retry) adds nothing.
      await handleDispatchWebhooks(deps, job)
      const deliveries = await notificationDb(db)
        .selectFrom('webhookDeliveries')
        .select('webhookId')
        .where('eventId', '=', eventId)
        .execute()
      // Inserted one after another: the first ten are the oldest.
      const oldest = hooks.slice(0, 10).map((h) => h.id)
      expect(deliveries.map((d) => d.webhookId).sort()).toEqual([...oldest].sort())
      const jobs = await jobsOf(db, queue, DELIVER_WEBHOOK)
      expect(jobs).toHaveLength(10)
    })
  })
})
