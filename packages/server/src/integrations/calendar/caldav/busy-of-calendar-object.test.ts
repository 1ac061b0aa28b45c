import { describe, expect, it } from 'vitest'
import { busyOfCalendarObject, type CalendarObjectContext } from './busy-of-calendar-object'

/** An iCalendar object from its lines (CRLF, as servers send them). */
function ics(...lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//test//EN', ...lines, 'END:VCALENDAR']
    .join('\r\n')
    .concat('\r\n')
}

function vevent(...lines: string[]): string[] {
  return ['BEGIN:VEVENT', 'DTSTAMP:20270101T000000Z', ...lines, 'END:VEVENT']
}

const context: CalendarObjectContext = {
  objectId: '/alice/work/ev.ics',
  window: { from: Date.parse('2027-02-28T00:00:00Z'), to: Date.parse('2027-05-01T00:00:00Z') },
  timeZone: 'UTC',
  addresses: new Set(['alice@example.com']),
}

/** The timed busy times as `[id suffix, start, end]` in UTC, sorted. */
function timed(ics: string, ctx: Partial<CalendarObjectContext> = {}) {
  return busyOfCalendarObject(ics, { ...context, ...ctx })
    .map((b) => {
      if (b.kind !== 'timed') throw new Error(`not timed: ${JSON.stringify(b)}`)
      return [
        b.externalId.replace(context.objectId, ''),
        new Date(b.startsAt).toISOString(),
        new Date(b.endsAt).toISOString(),
      ]
    })
    .sort((a, b) => (a[1]! < b[1]! ? -1 : 1))
}

// The Berlin rules as a VTIMEZONE, under a TZID that is no IANA name (Outlook writes these).
const W_EUROPE = [
  'BEGIN:VTIMEZONE',
  'TZID:W. Europe Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16011028T030000',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010325T020000',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
]

describe('busyOfCalendarObject', () => {
  it('reads a single UTC event under the object id', () => {
    expect(
      timed(ics(...vevent('UID:a', 'DTSTART:20270302T100000Z', 'DTEND:20270302T110000Z'))),
    ).toEqual([['', '2027-03-02T10:00:00.000Z', '2027-03-02T11:00:00.000Z']])
  })

  it('expands a weekly series in its own zone across the spring-forward (America/New_York, 2027-03-14), with an override and two deleted occurrences', () => {
    // Thursdays 10:00 New York time, no VTIMEZONE in the object: 15:00Z before the
    // change, 14:00Z after. 03-11 is moved to 16:00; 03-18 is deleted by a TZID
    // EXDATE and 04-01 by a UTC one (10:00 EDT = 14:00Z), which only matches when
    // the TZID is read as a real zone.
    const object = ics(
      ...vevent(
        'UID:weekly',
        'DTSTART;TZID=America/New_York:20270304T100000',
        'DTEND;TZID=America/New_York:20270304T110000',
        'RRULE:FREQ=WEEKLY;COUNT=6',
        'EXDATE;TZID=America/New_York:20270318T100000',
        'EXDATE:20270401T140000Z',
      ),
      ...vevent(
        'UID:weekly',
        'RECURRENCE-ID;TZID=America/New_York:20270311T100000',
        'DTSTART;TZID=America/New_York:20270311T160000',
        'DTEND;TZID=America/New_York:20270311T170000',
      ),
    )
    expect(timed(object)).toEqual([
      ['#20270304T150000Z', '2027-03-04T15:00:00.000Z', '2027-03-04T16:00:00.000Z'],
      ['#20270311T150000Z', '2027-03-11T21:00:00.000Z', '2027-03-11T22:00:00.000Z'],
      ['#20270325T140000Z', '2027-03-25T14:00:00.000Z', '2027-03-25T15:00:00.000Z'],
      ['#20270408T140000Z', '2027-04-08T14:00:00.000Z', '2027-04-08T15:00:00.000Z'],
    ])
  })

  it('reads a VTIMEZONE the object carries for a TZID that is no IANA name (Berlin rules, 2027-03-28)', () => {
    const object = ics(
      ...W_EUROPE,
      ...vevent(
        'UID:w',
        'DTSTART;TZID=W. Europe Standard Time:20270325T090000',
        'DTEND;TZID=W. Europe Standard Time:20270325T093000',
        'RRULE:FREQ=DAILY;COUNT=5',
      ),
    )
    expect(timed(object).map(([, start]) => start)).toEqual([
      '2027-03-25T08:00:00.000Z',
      '2027-03-26T08:00:00.000Z',
      '2027-03-27T08:00:00.000Z',
      '2027-03-28T07:00:00.000Z',
      '2027-03-29T07:00:00.000Z',
    ])
  })

  it('honours a UTC UNTIL east of Greenwich: the last Thursday 10:00 Berlin (09:00Z) is kept', () => {
    // Read as floating, 10:00 would compare after 09:00Z and the last instance would go.
    const object = ics(
      ...vevent(
        'UID:u',
        'DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20270311T100000',
        'DURATION:PT1H',
        'RRULE:FREQ=WEEKLY;UNTIL=20270325T090000Z',
      ),
    )
    expect(timed(object).map(([, start]) => start)).toEqual([
      '2027-03-11T09:00:00.000Z',
      '2027-03-18T09:00:00.000Z',
      '2027-03-25T09:00:00.000Z',
    ])
  })

  it('puts floating times and unknown TZIDs without a VTIMEZONE on the host clock', () => {
    const object = (start: string) => ics(...vevent('UID:f', `DTSTART${start}`, 'DURATION:PT30M'))
    expect(timed(object(':20270302T090000'), { timeZone: 'Asia/Kolkata' })).toEqual([
      ['', '2027-03-02T03:30:00.000Z', '2027-03-02T04:00:00.000Z'],
    ])
    expect(
      timed(object(';TZID=Nowhere Standard Time:20270302T090000'), { timeZone: 'Asia/Kolkata' }),
    ).toEqual([['', '2027-03-02T03:30:00.000Z', '2027-03-02T04:00:00.000Z']])
  })

  it('keeps all-day events as dates', () => {
    expect(
      busyOfCalendarObject(
        ics(...vevent('UID:d', 'DTSTART;VALUE=DATE:20270302', 'DTEND;VALUE=DATE:20270304')),
        context,
      ),
    ).toEqual([
      {
        kind: 'all-day',
        externalId: context.objectId,
        startDate: '2027-03-02',
        endDate: '2027-03-04',
      },
    ])
  })

  it.each([
    ['transparent ("free")', 'TRANSP:TRANSPARENT'],
    ['cancelled', 'STATUS:CANCELLED'],
    ['declined by the account', 'ATTENDEE;PARTSTAT=DECLINED:mailto:Alice@Example.com'],
    ['written by Slotkit', 'X-SLOTKIT-BOOKING-ID:0b6f4c1e-2f43-4c4e-9d52-7a3d8c1b2a10'],
  ])('ignores an event %s', (_what, line) => {
    const object = ics(
      ...vevent('UID:x', 'DTSTART:20270302T100000Z', 'DTEND:20270302T110000Z', line),
    )
    expect(busyOfCalendarObject(object, context)).toEqual([])
  })

  it('blocks when someone else declined, or the account only tentatively accepted', () => {
    const object = ics(
      ...vevent(
        'UID:x',
        'DTSTART:20270302T100000Z',
        'DTEND:20270302T110000Z',
        'ORGANIZER:mailto:bob@example.com',
        'ATTENDEE;PARTSTAT=DECLINED:mailto:carol@example.com',
        'ATTENDEE;PARTSTAT=TENTATIVE:mailto:alice@example.com',
      ),
    )
    expect(timed(object)).toHaveLength(1)
  })

  it('judges each instance on its own override: one declined, one cancelled, one made free', () => {
    const override = (day: string, line: string) =>
      vevent(
        'UID:s',
        `RECURRENCE-ID:202703${day}T100000Z`,
        `DTSTART:202703${day}T100000Z`,
        `DTEND:202703${day}T110000Z`,
        line,
      )
    const object = ics(
      ...vevent(
        'UID:s',
        'DTSTART:20270301T100000Z',
        'DTEND:20270301T110000Z',
        'RRULE:FREQ=DAILY;COUNT=5',
        'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com',
      ),
      ...override('02', 'ATTENDEE;PARTSTAT=DECLINED:mailto:alice@example.com'),
      ...override('03', 'STATUS:CANCELLED'),
      ...override('04', 'TRANSP:TRANSPARENT'),
    )
    expect(timed(object).map(([id]) => id)).toEqual(['#20270301T100000Z', '#20270305T100000Z'])
  })

  it('stops an endless series at the end of the window and leaves out what ended before it', () => {
    const object = ics(
      ...vevent(
        'UID:e',
        'DTSTART:20200101T120000Z',
        'DTEND:20200101T130000Z',
        'RRULE:FREQ=WEEKLY;BYDAY=MO',
      ),
    )
    const starts = timed(object, {
      window: { from: Date.parse('2027-03-01T12:30:00Z'), to: Date.parse('2027-03-16T00:00:00Z') },
    }).map(([, start]) => start)
    // 03-01 12:00–13:00 still overlaps the window's start; 03-22 is past its end.
    expect(starts).toEqual([
      '2027-03-01T12:00:00.000Z',
      '2027-03-08T12:00:00.000Z',
      '2027-03-15T12:00:00.000Z',
    ])
  })

  it('throws on text that is not iCalendar', () => {
    expect(() => busyOfCalendarObject('not a calendar', context)).toThrow()
  })
})
