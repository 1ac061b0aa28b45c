import { describe, expect, it } from 'vitest'
import {
  isKnownTimeZone,
  listTimeZones,
  supportedTimeZones,
  zoneCityLabel,
  zoneOffsetLabel,
} from './index'

describe('zoneOffsetLabel', () => {
  it.each([
    ['New York in winter (EST)', '2024-01-15T19:00:00Z', 'America/New_York', 'GMT-05:00'],
    ['New York in summer (EDT)', '2024-07-15T18:00:00Z', 'America/New_York', 'GMT-04:00'],
    [
      'New York one minute before spring-forward',
      '2024-03-10T06:59:00Z',
      'America/New_York',
      'GMT-05:00',
    ],
    ['New York at spring-forward', '2024-03-10T07:00:00Z', 'America/New_York', 'GMT-04:00'],
    ['London in winter (GMT)', '2024-01-15T12:00:00Z', 'Europe/London', 'GMT+00:00'],
    ['London in summer (BST)', '2024-07-15T12:00:00Z', 'Europe/London', 'GMT+01:00'],
    ['Kathmandu (+05:45)', '2024-01-15T12:00:00Z', 'Asia/Kathmandu', 'GMT+05:45'],
    ["St. John's (−03:30)", '2024-01-15T12:00:00Z', 'America/St_Johns', 'GMT-03:30'],
    ['Chatham in southern summer (+13:45)', '2024-01-15T12:00:00Z', 'Pacific/Chatham', 'GMT+13:45'],
    ['UTC', '2024-01-15T12:00:00Z', 'UTC', 'GMT+00:00'],
    // Year 50: Date.UTC would read it as 1950; the offset is Berlin's local mean time.
    ['Berlin in the year 50 (LMT +00:53:28)', '0050-06-15T12:00:00Z', 'Europe/Berlin', 'GMT+00:53'],
  ] as const)('%s', (_, instant, timeZone, expected) => {
    expect(zoneOffsetLabel(instant, timeZone)).toBe(expected)
  })
})

describe('zoneCityLabel', () => {
  it.each([
    ['America/New_York', 'New York'],
    ['America/Argentina/Buenos_Aires', 'Buenos Aires'],
    ['America/Port-au-Prince', 'Port-au-Prince'],
    ['Asia/Kathmandu', 'Kathmandu'],
    ['UTC', 'UTC'],
  ])('%s → %s', (timeZone, expected) => {
    expect(zoneCityLabel(timeZone)).toBe(expected)
  })
})

describe('listTimeZones', () => {
  it('lists the runtime zones sorted and unique, with UTC and current names', () => {
    const zones = listTimeZones()
    expect(zones.length).toBeGreaterThan(50)
    expect([...zones].sort()).toEqual(zones)
    expect(new Set(zones).size).toBe(zones.length)
    for (const zone of [
      'UTC',
      'America/New_York',
      'Europe/London',
      'Asia/Kathmandu',
      'Asia/Kolkata',
    ]) {
      expect(zones).toContain(zone)
    }
    // ICU still calls it Asia/Calcutta; pickers get the name IANA uses since 2008.
    expect(zones).not.toContain('Asia/Calcutta')
  })

  it('returns the same frozen list each time', () => {
    expect(listTimeZones()).toBe(listTimeZones())
    expect(Object.isFrozen(listTimeZones())).toBe(true)
  })

  it('lists only zones Intl can format', () => {
    for (const timeZone of listTimeZones()) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone })).not.toThrow()
    }
  })

  it("is supportedTimeZones' list where the runtime can list its zones (Node 20 can)", () => {
    expect(supportedTimeZones()).toBe(listTimeZones())
  })
})

describe('isKnownTimeZone', () => {
  it.each([
    ['Asia/Kathmandu', true],
    // Old names are still zones Intl knows; canonicalTimeZone gives the current one.
    ['Asia/Katmandu', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['', false],
    ['../etc/passwd', false],
  ])('%j → %s', (timeZone, known) => {
    expect(isKnownTimeZone(timeZone)).toBe(known)
    // Asked again: the memoised answer is the same.
    expect(isKnownTimeZone(timeZone)).toBe(known)
  })
})
