import type { CreateBookingReply, MeetingType } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GoogleFake, startGoogleFake } from './fakes/google-fake'
import { bearer, bookingBody, createHost, createMeetingType, type Host } from './helpers'
import { connectGoogle, integrationOf, startGoogleApp, testClock } from './integrations/harness'

let fake: GoogleFake
let app: FastifyInstance

beforeAll(async () => {
  fake = await startGoogleFake()
  app = await startGoogleApp({ fake, clock: testClock() })
})

afterAll(async () => {
  await app.close()
  await fake.close()
})

async function createType(host: Host, body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: '/api/meeting-types',
    headers: bearer(host.apiKey),
    payload: {
      user_id: host.id,
      name: 'Call',
      duration_minutes: 30,
      min_notice_minutes: 0,
      ...body,
    },
  })
}

async function patchType(host: Host, id: string, body: Record<string, unknown>) {
  return app.inject({
    method: 'PATCH',
    url: `/api/meeting-types/${id}`,
    headers: bearer(host.apiKey),
    payload: body,
  })
}

async function book(mt: string, start: string, extra: Record<string, unknown> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/bookings',
    payload: bookingBody(mt, start, extra),
  })
}

describe('video locations need a connected calendar of their provider', () => {
  it('refuses google_meet and teams without one (409 LOCATION_UNAVAILABLE naming location), takes google_meet with one', async () => {
    const host = await createHost(app, 'UTC')
    const meet = await createType(host, { location: { type: 'google_meet' } })
    expect(meet.statusCode).toBe(409)
    expect(meet.json()).toEqual({
      error: 'LOCATION_UNAVAILABLE',
      message: expect.stringMatching(/^location: google_meet needs a connected Google calendar/),
      details: { field: 'location', provider: 'google' },
    })
    const teams = await createType(host, { location: { type: 'teams' } })
    expect(teams.statusCode).toBe(409)
    expect(teams.json().details).toEqual({ field: 'location', provider: 'microsoft' })

    const account = `loc-${Date.now()}@example.com`
    fake.addAccount(account)
    await connectGoogle(app, fake, host, account)
    const created = await createType(host, { location: { type: 'google_meet' } })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ location: { type: 'google_meet' } })
    // A Google account does not make Teams meetings.
    expect((await createType(host, { location: { type: 'teams' } })).statusCode).toBe(409)

    // Without a write calendar there is nowhere to make the link.
    const integrationId = await integrationOf(app, host)
    const noWrite = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${integrationId}`,
      headers: bearer(host.apiKey),
      payload: { write_calendar_id: null },
    })
    expect(noWrite.statusCode).toBe(200)
    const plain = await createMeetingType(app, host)
    expect((await patchType(host, plain, { location: { type: 'google_meet' } })).statusCode).toBe(
      409,
    )
    // A type that has it already stays editable.
    expect((await patchType(host, created.json().id, { name: 'Renamed' })).statusCode).toBe(200)
  })
})

describe('where a booking happens', () => {
  it('phone without a number: the form asks the invitee for theirs (required, checked) and the host calls', async () => {
    const host = await createHost(app, 'UTC')
    const created = await createType(host, {
      location: { type: 'phone' },
      questions: [{ id: 'topic', label: 'Topic', type: 'text', required: false }],
    })
    expect(created.statusCode).toBe(201)
    const mt: MeetingType = created.json()
    expect(mt.location).toEqual({ type: 'phone' })
    // The host's view keeps the host's questions; the public form has the number too.
    expect(mt.questions.map((q) => q.id)).toEqual(['topic'])
    const view = (await app.inject({ url: `/api/meeting-types/${mt.id}` })).json()
    expect(view.location).toEqual({ type: 'phone' })
    expect(view.questions).toEqual([
      { id: 'topic', label: 'Topic', type: 'text', required: false },
      { id: 'location_phone', label: 'Your phone number', type: 'phone', required: true },
    ])

    const missing = await book(mt.id, '2027-03-02T10:00:00Z')
    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'answers.location_phone' },
    })
    const short = await book(mt.id, '2027-03-02T10:00:00Z', {
      answers: { location_phone: '12-34-56' },
    })
    expect(short.statusCode).toBe(400)
    expect(short.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      message: expect.stringMatching(
        /^answers\.location_phone: must be a phone number of 7 to 15 digits/,
      ),
      details: { field: 'answers.location_phone' },
    })
    const letters = await book(mt.id, '2027-03-02T10:00:00Z', {
      answers: { location_phone: 'call me maybe' },
    })
    expect(letters.statusCode).toBe(400)
    expect(letters.json().details).toEqual({ field: 'answers.location_phone' })

    const ok = await book(mt.id, '2027-03-02T10:00:00Z', {
      answers: { location_phone: '+44 20 7946 0000' },
    })
    expect(ok.statusCode).toBe(201)
    const booking: CreateBookingReply = ok.json()
    expect(booking).toMatchObject({
      location: { type: 'phone', number: '+44 20 7946 0000', caller: 'host' },
      meeting_url: null,
      answers: { location_phone: '+44 20 7946 0000' },
      calendar_sync: { state: 'not_applicable' },
    })
  })

  it("phone with the host's number: the invitee calls it, nothing is asked", async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host, {
      location: { type: 'phone', number: '+1 (212) 555-0100' },
    })
    const view = (await app.inject({ url: `/api/meeting-types/${mt}` })).json()
    expect(view).toMatchObject({ location: { type: 'phone' }, questions: [] })
    const ok = await book(mt, '2027-03-02T10:00:00Z')
    expect(ok.json().location).toEqual({
      type: 'phone',
      number: '+1 (212) 555-0100',
      caller: 'invitee',
    })
  })

  it('in person: the address with the booking (the public view names the kind only)', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host, {
      location: { type: 'in_person', address: '  221B Baker Street, London NW1 6XE ' },
    })
    const view = (await app.inject({ url: `/api/meeting-types/${mt}` })).json()
    expect(view.location).toEqual({ type: 'in_person' })
    const ok = await book(mt, '2027-03-02T10:00:00Z')
    expect(ok.json()).toMatchObject({
      location: { type: 'in_person', address: '221B Baker Street, London NW1 6XE' },
      meeting_url: null,
    })
  })

  it('a link: shown as it is, and the join link at once', async () => {
    const host = await createHost(app, 'UTC')
    const url = 'https://video.example.com/rooms/ada?pin=1234'
    const mt = await createMeetingType(app, host, { location: { type: 'link', url } })
    const ok = await book(mt, '2027-03-02T10:00:00Z')
    expect(ok.json()).toMatchObject({ location: { type: 'link', url }, meeting_url: url })
    // A reschedule keeps the place.
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${ok.json().id}/reschedule`,
      headers: bearer(host.apiKey),
      payload: { start_time: '2027-03-02T11:00:00Z' },
    })
    expect(moved.json()).toMatchObject({ location: { type: 'link', url }, meeting_url: url })
  })

  it('no location: null everywhere', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    expect((await app.inject({ url: `/api/meeting-types/${mt}` })).json().location).toBeNull()
    const ok = await book(mt, '2027-03-02T10:00:00Z')
    expect(ok.json()).toMatchObject({ location: null, meeting_url: null })
  })
})

describe('bad locations get a 400 naming the field', () => {
  it.each([
    ['an unknown type', { type: 'zoom' }, 'location.type', /^location\.type /],
    [
      'a link that is not http(s)',
      { type: 'link', url: 'ftp://files.example.com/x' },
      'location.url',
      /^location\.url /,
    ],
    [
      'a link without url',
      { type: 'link' },
      'location.url',
      /^location\.url: is required for a link location$/,
    ],
    [
      'a field another type uses',
      { type: 'google_meet', address: 'Baker Street' },
      'location.address',
      /^location\.address: is not used by a google_meet location$/,
    ],
    [
      'an address without one',
      { type: 'in_person' },
      'location.address',
      /^location\.address: is required for an? in_person location$/,
    ],
    [
      'a number with too few digits',
      { type: 'phone', number: '12-34-56' },
      'location.number',
      /^location\.number: must be a phone number of 7 to 15 digits/,
    ],
    [
      'a number with too many digits',
      { type: 'phone', number: '+1234567890123456' },
      'location.number',
      /^location\.number: must be a phone number of 7 to 15 digits/,
    ],
    [
      'a blank address',
      { type: 'in_person', address: '   ' },
      'location.address',
      /^location\.address /,
    ],
  ])('%s', async (_, location, field, message) => {
    const host = await createHost(app, 'UTC')
    const res = await createType(host, { location })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', details: { field } })
    expect(res.json().message).toMatch(message)
  })

  it("a host question may not take the phone location's question id", async () => {
    const host = await createHost(app, 'UTC')
    const question = { id: 'location_phone', label: 'Phone', type: 'phone', required: false }
    const res = await createType(host, { location: { type: 'phone' }, questions: [question] })
    expect(res.statusCode).toBe(400)
    expect(res.json().details).toEqual({ field: 'location' })
    // Nor can a later edit bring the two together, from either side.
    const mt = await createMeetingType(app, host, { questions: [question] })
    const patched = await patchType(host, mt, { location: { type: 'phone' } })
    expect(patched.json().details).toEqual({ field: 'location' })
    const other = await createMeetingType(app, host, { location: { type: 'phone' } })
    expect((await patchType(host, other, { questions: [question] })).json().details).toEqual({
      field: 'questions',
    })
  })

  it('a patch changes or clears the location', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host, {
      location: { type: 'in_person', address: 'Somewhere' },
    })
    const changed = await patchType(host, mt, {
      location: { type: 'phone', number: '+46 8 123 456 78' },
    })
    expect(changed.json().location).toEqual({ type: 'phone', number: '+46 8 123 456 78' })
    const cleared = await patchType(host, mt, { location: null })
    expect(cleared.json().location).toBeNull()
    const listed = await app.inject({
      url: `/api/meeting-types?user_id=${host.id}`,
      headers: bearer(host.apiKey),
    })
    expect(listed.json().meeting_types[0].location).toBeNull()
  })
})
