import { describe, expect, test } from 'vitest'
import { SchedulingError } from '../errors/scheduling-error'
import { toInstant } from './to-instant'

// Every expectation below was worked out by hand from the tz database rules and
// cross-checked with Intl.DateTimeFormat (not with the code under test).
describe('toInstant', () => {
  test.each([
    // [behaviour, zone, date, time, expected UTC]
    [
      'maps an ordinary New York morning with EST',
      'America/New_York',
      '2026-01-15',
      '09:00',
      '2026-01-15T14:00:00Z',
    ],
    [
      'keeps 01:59 before New York spring-forward on EST',
      'America/New_York',
      '2026-03-08',
      '01:59',
      '2026-03-08T06:59:00Z',
    ],
    [
      'pushes the nonexistent 02:30 on New York spring-forward day forward to 03:30 EDT',
      'America/New_York',
      '2026-03-08',
      '02:30',
      '2026-03-08T07:30:00Z',
    ],
    [
      'maps 03:00 on New York spring-forward day to EDT',
      'America/New_York',
      '2026-03-08',
      '03:00',
      '2026-03-08T07:00:00Z',
    ],
    [
      'takes the earlier (EDT) 01:30 on New York fall-back day',
      'America/New_York',
      '2026-11-01',
      '01:30',
      '2026-11-01T05:30:00Z',
    ],
    [
      'maps 02:00 on New York fall-back day to EST',
      'America/New_York',
      '2026-11-01',
      '02:00',
      '2026-11-01T07:00:00Z',
    ],
    [
      'reads 24:00 as the next midnight',
      'America/New_York',
      '2026-03-07',
      '24:00',
      '2026-03-08T05:00:00Z',
    ],
    [
      'pushes the nonexistent 02:30 on Berlin spring-forward day to 03:30 CEST',
      'Europe/Berlin',
      '2026-03-29',
      '02:30',
      '2026-03-29T01:30:00Z',
    ],
    [
      'takes the earlier (CEST) 02:30 on Berlin fall-back day',
      'Europe/Berlin',
      '2026-10-25',
      '02:30',
      '2026-10-25T00:30:00Z',
    ],
    [
      'maps 03:00 on Berlin fall-back day to CET',
      'Europe/Berlin',
      '2026-10-25',
      '03:00',
      '2026-10-25T02:00:00Z',
    ],
    // Lord Howe shifts by only 30 minutes: 02:00 +11 -> 01:30 +10:30 in April.
    [
      'takes the earlier 01:45 in Lord Howe’s 30-minute overlap',
      'Australia/Lord_Howe',
      '2026-04-05',
      '01:45',
      '2026-04-04T14:45:00Z',
    ],
    [
      'maps 02:00 after Lord Howe’s fall-back to +10:30',
      'Australia/Lord_Howe',
      '2026-04-05',
      '02:00',
      '2026-04-04T15:30:00Z',
    ],
    [
      'pushes 02:15 in Lord Howe’s 30-minute gap forward 30 minutes',
      'Australia/Lord_Howe',
      '2026-10-04',
      '02:15',
      '2026-10-03T15:45:00Z',
    ],
    // Santiago springs forward at local midnight: 00:00 on 2026-09-06 does not exist.
    [
      'pushes the nonexistent midnight in Santiago to 01:00',
      'America/Santiago',
      '2026-09-06',
      '00:00',
      '2026-09-06T04:00:00Z',
    ],
    [
      'takes the earlier 23:30 in Santiago’s late-evening overlap',
      'America/Santiago',
      '2026-04-04',
      '23:30',
      '2026-04-05T02:30:00Z',
    ],
    [
      'maps the midnight after Santiago’s fall-back once',
      'America/Santiago',
      '2026-04-05',
      '00:00',
      '2026-04-05T04:00:00Z',
    ],
    // Havana falls back from 01:00 to 00:00, so its midnight occurs twice.
    [
      'takes the earlier of Havana’s two midnights',
      'America/Havana',
      '2026-11-01',
      '00:00',
      '2026-11-01T04:00:00Z',
    ],
    [
      'pushes the nonexistent midnight in Havana to 01:00',
      'America/Havana',
      '2026-03-08',
      '00:00',
      '2026-03-08T05:00:00Z',
    ],
    // Beirut falls back from 24:00 to 23:00: the last hour of 2026-10-24 occurs twice.
    [
      'takes the earlier 23:00 in Beirut’s overlap',
      'Asia/Beirut',
      '2026-10-24',
      '23:00',
      '2026-10-24T20:00:00Z',
    ],
    [
      'maps Beirut’s 24:00 on fall-back eve to the single midnight',
      'Asia/Beirut',
      '2026-10-24',
      '24:00',
      '2026-10-24T22:00:00Z',
    ],
    ['handles Kathmandu’s +05:45', 'Asia/Kathmandu', '2026-06-15', '09:00', '2026-06-15T03:15:00Z'],
    [
      'handles Chatham’s summer +13:45',
      'Pacific/Chatham',
      '2026-01-15',
      '09:00',
      '2026-01-14T19:15:00Z',
    ],
    [
      'handles Chatham’s winter +12:45',
      'Pacific/Chatham',
      '2026-07-15',
      '09:00',
      '2026-07-14T20:15:00Z',
    ],
    [
      'takes the earlier 03:00 in Chatham’s overlap',
      'Pacific/Chatham',
      '2026-04-05',
      '03:00',
      '2026-04-04T13:15:00Z',
    ],
    [
      'pushes 03:00 in Chatham’s gap forward to 04:00',
      'Pacific/Chatham',
      '2026-09-27',
      '03:00',
      '2026-09-26T14:15:00Z',
    ],
    [
      'handles St. John’s winter −03:30',
      'America/St_Johns',
      '2026-01-15',
      '09:00',
      '2026-01-15T12:30:00Z',
    ],
    [
      'handles St. John’s summer −02:30',
      'America/St_Johns',
      '2026-07-15',
      '09:00',
      '2026-07-15T11:30:00Z',
    ],
    [
      'pushes 02:30 in St. John’s gap forward to 03:30',
      'America/St_Johns',
      '2026-03-08',
      '02:30',
      '2026-03-08T06:00:00Z',
    ],
    [
      'takes the earlier 02:30 on Sydney’s April fall-back',
      'Australia/Sydney',
      '2026-04-05',
      '02:30',
      '2026-04-04T15:30:00Z',
    ],
    [
      'pushes 02:30 on Sydney’s October spring-forward to 03:30',
      'Australia/Sydney',
      '2026-10-04',
      '02:30',
      '2026-10-03T16:30:00Z',
    ],
    [
      'handles Kolkata’s constant +05:30',
      'Asia/Kolkata',
      '2026-03-08',
      '09:00',
      '2026-03-08T03:30:00Z',
    ],
    ['handles UTC', 'UTC', '2026-03-08', '09:00', '2026-03-08T09:00:00Z'],
    [
      'keeps Kolkata at +05:30 decades ahead',
      'Asia/Kolkata',
      '2090-06-01',
      '09:00',
      '2090-06-01T03:30:00Z',
    ],
    // New York kept local mean time, −04:56:02, until 1883-11-18.
    [
      'uses New York’s sub-minute local mean time in 1850',
      'America/New_York',
      '1850-06-01',
      '12:00',
      '1850-06-01T16:56:02Z',
    ],
  ])('%s', (_name, zone, date, time, expected) => {
    expect(toInstant(date, time, zone)).toBe(Date.parse(expected))
  })

  test.each([
    ['an unknown zone', '2026-01-15', '09:00', 'Mars/Olympus', 'INVALID_TIME_ZONE', 'timeZone'],
    ['an empty zone', '2026-01-15', '09:00', '', 'INVALID_TIME_ZONE', 'timeZone'],
    ['February 30th', '2026-02-30', '09:00', 'UTC', 'INVALID_DATE', 'date'],
    ['a date without padding', '2026-1-5', '09:00', 'UTC', 'INVALID_DATE', 'date'],
    ['24:30', '2026-01-15', '24:30', 'UTC', 'INVALID_TIME', 'time'],
    ['9:00 without padding', '2026-01-15', '9:00', 'UTC', 'INVALID_TIME', 'time'],
  ])('rejects %s', (_name, date, time, zone, code, field) => {
    const error = captureError(() => toInstant(date, time, zone))
    expect(error).toBeInstanceOf(SchedulingError)
    expect(error).toMatchObject({ code, details: { field } })
  })

  test('accepts 29 February in a leap year only', () => {
    expect(toInstant('2028-02-29', '00:00', 'UTC')).toBe(Date.parse('2028-02-29T00:00:00Z'))
    expect(() => toInstant('2027-02-29', '00:00', 'UTC')).toThrow(SchedulingError)
  })
})

function captureError(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
