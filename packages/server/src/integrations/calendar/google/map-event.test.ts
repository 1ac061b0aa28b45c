import { describe, expect, it } from 'vitest'
import { toBusyInterval } from './map-event'

const timed = {
  id: 'e1',
  status: 'confirmed',
  start: { dateTime: '2027-03-02T10:00:00+01:00', timeZone: 'Europe/Berlin' },
  end: { dateTime: '2027-03-02T11:00:00+01:00', timeZone: 'Europe/Berlin' },
}

describe('toBusyInterval (Google events)', () => {
  it('reads a timed event with its offset as UTC instants; a missing transparency is opaque', () => {
    expect(toBusyInterval(timed)).toEqual({
      kind: 'timed',
      externalId: 'e1',
      startsAt: Date.parse('2027-03-02T09:00:00Z'),
      endsAt: Date.parse('2027-03-02T10:00:00Z'),
    })
    expect(toBusyInterval({ ...timed, transparency: 'opaque' })).not.toBeNull()
  })

  it('keeps an all-day event as its dates (end exclusive)', () => {
    expect(
      toBusyInterval({ id: 'd1', start: { date: '2027-03-02' }, end: { date: '2027-03-04' } }),
    ).toEqual({ kind: 'all-day', externalId: 'd1', startDate: '2027-03-02', endDate: '2027-03-04' })
  })

  it.each([
    ['cancelled (deleted)', { status: 'cancelled' }],
    ['transparent ("available")', { transparency: 'transparent' }],
    ['a working location', { eventType: 'workingLocation' }],
    [
      'declined by the owner',
      {
        attendees: [
          { email: 'bob@example.com', responseStatus: 'accepted' },
          { email: 'alice@example.com', self: true, responseStatus: 'declined' },
        ],
      },
    ],
    ['written by Slotkit', { extendedProperties: { private: { slotkit_booking_id: 'b1' } } }],
    ['ending before it starts', { end: { dateTime: '2027-03-02T08:00:00Z' } }],
  ])('does not block for an event %s', (_, change) => {
    expect(toBusyInterval({ ...timed, ...change })).toBeNull()
  })

  it('blocks for an event the owner accepted, answered maybe to, or only a guest declined', () => {
    for (const responseStatus of ['accepted', 'tentative', 'needsAction']) {
      const attendees = [
        { email: 'alice@example.com', self: true, responseStatus },
        { email: 'bob@example.com', responseStatus: 'declined' },
      ]
      expect(toBusyInterval({ ...timed, attendees })).not.toBeNull()
    }
  })
})
