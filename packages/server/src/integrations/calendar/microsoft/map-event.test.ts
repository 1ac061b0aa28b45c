import { describe, expect, it } from 'vitest'
import { GRAPH_EVENT_MARK_PROPERTY, graphInstant, toBusyInterval } from './map-event'

const timed = {
  id: 'AAMkAGI2=',
  isAllDay: false,
  isCancelled: false,
  showAs: 'busy',
  type: 'singleInstance',
  responseStatus: { response: 'organizer' },
  start: { dateTime: '2027-03-02T10:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2027-03-02T11:00:00.0000000', timeZone: 'UTC' },
}

describe('toBusyInterval (Graph events)', () => {
  it('reads a timed event written in UTC with seven fractional digits', () => {
    expect(toBusyInterval(timed)).toEqual({
      kind: 'timed',
      externalId: 'AAMkAGI2=',
      startsAt: Date.parse('2027-03-02T10:00:00Z'),
      endsAt: Date.parse('2027-03-02T11:00:00Z'),
    })
  })

  it.each([
    ['busy', 'busy'],
    ['tentative', 'tentative'],
    ['out of office', 'oof'],
    ['unknown', 'unknown'],
  ])('blocks an event shown as %s', (_label, showAs) => {
    expect(toBusyInterval({ ...timed, showAs })).not.toBeNull()
  })

  it.each([
    [
      'removed from the view (deleted, or moved out of the window)',
      { '@removed': { reason: 'deleted' } },
    ],
    ['cancelled', { isCancelled: true }],
    ['shown as free', { showAs: 'free' }],
    ['shown as working elsewhere', { showAs: 'workingElsewhere' }],
    ['declined by the mailbox owner', { responseStatus: { response: 'declined' } }],
    ['a series master (its occurrences are listed)', { type: 'seriesMaster' }],
    ['written by Slotkit (its transactionId)', { transactionId: 'slotkit-0a1b2c' }],
    [
      'written by Slotkit (its extended property)',
      { singleValueExtendedProperties: [{ id: GRAPH_EVENT_MARK_PROPERTY, value: 'booking-id' }] },
    ],
    ['zero-length', { end: timed.start }],
    ['without times', { start: null }],
  ])('does not block an event %s', (_label, change) => {
    expect(toBusyInterval({ ...timed, ...change })).toBeNull()
  })

  it('blocks a tentatively accepted invitation and one not answered yet', () => {
    expect(
      toBusyInterval({ ...timed, responseStatus: { response: 'tentativelyAccepted' } }),
    ).not.toBeNull()
    expect(
      toBusyInterval({ ...timed, responseStatus: { response: 'notResponded' } }),
    ).not.toBeNull()
  })

  it('keeps an all-day event as its dates (end exclusive), whatever zone Graph wrote its midnights in', () => {
    expect(
      toBusyInterval({
        ...timed,
        isAllDay: true,
        start: { dateTime: '2027-03-08T00:00:00.0000000', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2027-03-10T00:00:00.0000000', timeZone: 'Pacific Standard Time' },
      }),
    ).toEqual({
      kind: 'all-day',
      externalId: 'AAMkAGI2=',
      startDate: '2027-03-08',
      endDate: '2027-03-10',
    })
  })
})

describe('graphInstant', () => {
  it('reads UTC under the names Graph and Windows use', () => {
    const at = Date.parse('2027-03-02T10:00:00.123Z')
    for (const timeZone of [
      'UTC',
      'Etc/UTC',
      'tzone://Microsoft/Utc',
      'Coordinated Universal Time',
    ]) {
      expect(graphInstant({ dateTime: '2027-03-02T10:00:00.1234567', timeZone })).toBe(at)
    }
  })

  it('places a wall time in an IANA zone: 09:30 in New York on spring-forward day is 13:30 UTC', () => {
    // 2027-03-14 is the second Sunday of March: EDT (UTC-4) from 02:00 on.
    expect(
      graphInstant({ dateTime: '2027-03-14T09:30:00.0000000', timeZone: 'America/New_York' }),
    ).toBe(Date.parse('2027-03-14T13:30:00Z'))
  })

  it('cannot place a Windows zone name or a malformed time', () => {
    expect(
      graphInstant({ dateTime: '2027-03-02T10:00:00', timeZone: 'Pacific Standard Time' }),
    ).toBeUndefined()
    expect(graphInstant({ dateTime: '2027-03-02 10:00', timeZone: 'UTC' })).toBeUndefined()
    expect(graphInstant(undefined)).toBeUndefined()
  })
})
