import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, bookingBody, createHost, createMeetingType, createTestApp } from './helpers'

/** Real sockets: the requests really run at the same time. */
describe('concurrency (real listen + fetch)', () => {
  let app: FastifyInstance
  let base: string
  beforeAll(async () => {
    app = await createTestApp()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  afterAll(async () => app.close())

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
    }))

  it('100 concurrent requests for one slot: exactly one 201 and 99 × 409', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        post(
          '/api/bookings',
          bookingBody(mt, '2027-03-02T14:00:00Z', { invitee_email: `racer${i}@example.com` }),
        ),
      ),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(99)
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body).toMatchObject({ error: 'SLOT_UNAVAILABLE', reason: 'CONFLICT' })
    const list = await fetch(`${base}/api/bookings?user_id=${host.id}`, {
      headers: bearer(host.apiKey),
    }).then((r) => r.json())
    expect(list.bookings).toHaveLength(1)
  })

  it('overlapping neighbours (30 min on a 15-minute step, 10-minute buffers): one winner', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, {
      duration_minutes: 30,
      slot_interval_minutes: 15,
      buffer_before_minutes: 10,
      buffer_after_minutes: 10,
    })
    // Blocked ranges [start-10, start+40): 14:00, 14:15, 14:30 and 14:45 all overlap pairwise.
    const starts = [
      '2027-03-02T14:00:00Z',
      '2027-03-02T14:15:00Z',
      '2027-03-02T14:30:00Z',
      '2027-03-02T14:45:00Z',
    ]
    const requests = starts.flatMap((start) =>
      Array.from({ length: 10 }, () => post('/api/bookings', bookingBody(mt, start))),
    )
    const results = await Promise.all(requests)
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409)).toHaveLength(39)
    // 15:15 is the first start whose blocked range clears the winner's, whichever won.
    const slots = await fetch(
      `${base}/api/availability/slots?meeting_type_id=${mt}&date=2027-03-02&timezone=UTC`,
    ).then((r) => r.json())
    const taken = results.find((r) => r.status === 201)!.body.start_time as string
    for (const s of slots.slots as { start: string }[]) {
      const gap = Math.abs(Date.parse(s.start) - Date.parse(taken))
      expect(gap).toBeGreaterThanOrEqual(50 * 60_000)
    }
  })

  it('cancel racing reschedule: one wins, the other gets 409', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    for (const day of ['2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-08']) {
      const start = `${day}T14:00:00Z`
      const created = await post('/api/bookings', bookingBody(mt, start))
      expect(created.status).toBe(201)
      const id = created.body.id as string
      const search = new URL(created.body.cancel_url as string).search
      const [cancel, reschedule] = await Promise.all([
        post(`/api/bookings/${id}/cancel${search}`, { reason: 'race' }),
        post(`/api/bookings/${id}/reschedule${search}`, { start_time: `${day}T16:00:00Z` }),
      ])
      const statuses = [cancel.status, reschedule.status].sort()
      expect(statuses).toEqual([200, 409])
      const loser = cancel.status === 409 ? cancel : reschedule
      expect(['CONCURRENT_MODIFICATION', 'BOOKING_NOT_ACTIVE']).toContain(loser.body.error)
      const state = await fetch(`${base}/api/bookings/${id}${search}`).then((r) => r.json())
      expect(state.status).toBe(cancel.status === 200 ? 'cancelled' : 'rescheduled')
      // Exactly one confirmed booking remains if the reschedule won, none if the cancel did.
      const list = await fetch(
        `${base}/api/bookings?user_id=${host.id}&status=confirmed&from=${start}`,
        { headers: bearer(host.apiKey) },
      ).then((r) => r.json())
      const sameDay = (list.bookings as { start_time: string }[]).filter((b) =>
        b.start_time.startsWith(start.slice(0, 10)),
      )
      expect(sameDay).toHaveLength(reschedule.status === 200 ? 1 : 0)
    }
  })

  it('idempotent retries racing each other create one booking', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const body = bookingBody(mt, '2027-03-02T15:00:00Z')
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        post('/api/bookings', body, { 'idempotency-key': 'same-click' }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201))
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
  })
})
