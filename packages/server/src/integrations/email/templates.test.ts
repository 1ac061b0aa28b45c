import type { BookingLocation } from '@slotkit/core/api'
import ICAL from 'ical.js'
import { describe, expect, it } from 'vitest'
import { languageFor } from '../../i18n/messages'
import { buildInvite } from '../calendar-invite/build-invite'
import { inviteLocation, type Recipient, renderBookingEmail, writtenEventText } from './templates'

const host = { name: 'Grace Hopper', email: 'grace@example.com', timeZone: 'America/New_York' }
const invitee = { name: 'Ada Lovelace', email: 'ada@example.com', timeZone: 'Europe/London' }

function render(
  recipient: Recipient,
  location: BookingLocation | null,
  meetingUrl: string | null = null,
  locale?: string,
) {
  return renderBookingEmail({
    kind: 'confirmation',
    recipient,
    meetingName: 'Intro',
    startsAt: Date.parse('2027-03-02T15:00:00Z'),
    endsAt: Date.parse('2027-03-02T15:30:00Z'),
    host,
    invitee,
    links: { cancel: 'https://slotkit.test/c', reschedule: 'https://slotkit.test/r' },
    location,
    meetingUrl,
    locale,
  })
}

describe('where the meeting happens, in the e-mails', () => {
  it('a phone call says who calls whom, to each reader', () => {
    const hostsNumber: BookingLocation = {
      type: 'phone',
      number: '+1 212 555 0100',
      caller: 'invitee',
    }
    expect(render('invitee', hostsNumber).text).toContain(
      'Where: Call Grace Hopper at +1 212 555 0100',
    )
    expect(render('host', hostsNumber).text).toContain(
      'Where: Ada Lovelace will call you at +1 212 555 0100',
    )
    const inviteesNumber: BookingLocation = {
      type: 'phone',
      number: '+44 20 7946 0000',
      caller: 'host',
    }
    expect(render('invitee', inviteesNumber).text).toContain(
      'Where: Grace Hopper will call you at +44 20 7946 0000',
    )
    expect(render('host', inviteesNumber).text).toContain(
      'Where: Call Ada Lovelace at +44 20 7946 0000',
    )
    expect(render('invitee', inviteesNumber, null, 'de').text).toContain(
      'Wo: Grace Hopper ruft Sie unter +44 20 7946 0000 an',
    )
  })

  it('an address and a link as they are; the link clickable in HTML', () => {
    const address: BookingLocation = { type: 'in_person', address: '221B Baker Street, London' }
    expect(render('invitee', address).text).toContain('Where: 221B Baker Street, London')
    const url = 'https://video.example.com/r?a=1&b=2'
    const link = render('invitee', { type: 'link', url }, url)
    expect(link.text).toContain(`Where: ${url}`)
    expect(link.html).toContain('<a href="https://video.example.com/r?a=1&#38;b=2"')
  })

  it('a Meet link not made yet: the invitee hears it follows, the host sees the kind', () => {
    const meet: BookingLocation = { type: 'google_meet' }
    expect(render('invitee', meet).text).toContain(
      'Where: Google Meet (the link follows in a separate e-mail)',
    )
    expect(render('host', meet).text).toMatch(/Where: Google Meet\n/)
    expect(render('invitee', meet, null, 'fr').text).toContain(
      'Où\u00a0: Google Meet (le lien suit dans un e-mail séparé)',
    )
    const made = render('invitee', meet, 'https://meet.google.com/abc-defg-hij')
    expect(made.text).toContain('Where: Google Meet: https://meet.google.com/abc-defg-hij')
  })

  it('no location, no line', () => {
    expect(render('invitee', null).text).not.toContain('Where')
  })
})

describe("the invite's LOCATION", () => {
  it.each([
    [{ type: 'in_person', address: 'Baker Street' } as BookingLocation, null, 'Baker Street'],
    [
      { type: 'phone', number: '+1 212 555 0100', caller: 'invitee' } as BookingLocation,
      null,
      '+1 212 555 0100',
    ],
    [{ type: 'google_meet' } as BookingLocation, null, null],
    [
      { type: 'google_meet' } as BookingLocation,
      'https://meet.google.com/x',
      'https://meet.google.com/x',
    ],
  ])('%j (join link %s) → %s', (location, meetingUrl, expected) => {
    const ics = buildInvite({
      uid: 'b@slotkit',
      sequence: 0,
      method: 'REQUEST',
      startsAt: Date.parse('2027-03-02T15:00:00Z'),
      endsAt: Date.parse('2027-03-02T15:30:00Z'),
      summary: 'Intro',
      description: '',
      organizer: host,
      attendee: invitee,
      url: meetingUrl ?? 'https://slotkit.test/r',
      location: inviteLocation(location, meetingUrl),
      stamp: Date.parse('2027-03-01T12:00:00Z'),
    })
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!
    expect(event.getFirstPropertyValue('location')).toBe(expected)
  })
})

describe("the event written to the host's calendar", () => {
  it('has the title, the links, the answers under their labels and the place', () => {
    const text = writtenEventText(languageFor(undefined), {
      names: { meeting: 'Intro', host: 'Grace Hopper', invitee: 'Ada Lovelace' },
      links: { reschedule: 'https://slotkit.test/r', cancel: 'https://slotkit.test/c' },
      questions: [
        { id: 'topic', label: 'Topic', type: 'text', required: true },
        { id: 'langs', label: 'Languages', type: 'select', required: false, options: ['en', 'fr'] },
        { id: 'nda', label: 'Signed the NDA', type: 'checkbox', required: false },
        { id: 'notes', label: 'Notes', type: 'textarea', required: false },
      ],
      answers: { topic: 'Engines', langs: ['en', 'fr'], nda: true },
      location: { type: 'phone', number: '+44 20 7946 0000', caller: 'host' },
      meetingUrl: null,
    })
    expect(text.summary).toBe('Intro: Grace Hopper and Ada Lovelace')
    expect(text.description).toBe(
      [
        'Booked with Slotkit.',
        'Where: Call Ada Lovelace at +44 20 7946 0000',
        'Reschedule: https://slotkit.test/r',
        'Cancel: https://slotkit.test/c',
        '',
        'Answers:',
        'Topic: Engines',
        'Languages: en, fr',
        'Signed the NDA: ✓',
      ].join('\n'),
    )
    expect(text.location).toBe('+44 20 7946 0000')
  })

  it('leaves the place of a Meet meeting to Google (it attaches the conference itself)', () => {
    const text = writtenEventText(languageFor(undefined), {
      names: { meeting: 'Intro', host: 'Grace', invitee: 'Ada' },
      links: { reschedule: 'https://slotkit.test/r', cancel: 'https://slotkit.test/c' },
      questions: [],
      answers: {},
      location: { type: 'google_meet' },
      meetingUrl: null,
    })
    expect(text.location).toBeUndefined()
    expect(text.description).not.toContain('Answers')
  })
})
