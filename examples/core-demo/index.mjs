// A host in New York publishes Mon–Fri 09:00–12:00 and 13:00–17:00. An invitee in
// Berlin looks at 2026-10-26 .. 2026-11-03. Berlin fell back on Sunday 2026-10-25,
// New York falls back on Sunday 2026-11-01: in the first week the two zones are 5
// hours apart, after New York's change 6. Core gets every slot right in both zones
// without a special case.
import { findSlots, groupSlotsByDate, parseRfc3339 } from '@slotkit/core'
import { formatSlotDateTime, formatSlotTime } from '@slotkit/core/format'

const host = { name: 'Ada (host)', timeZone: 'America/New_York' }
const invitee = { name: 'Bo (invitee)', timeZone: 'Europe/Berlin' }

const weekdays = [1, 2, 3, 4, 5]
const schedule = {
  timeZone: host.timeZone,
  weekly: weekdays.flatMap((dayOfWeek) => [
    { dayOfWeek, startTime: '09:00', endTime: '12:00' },
    { dayOfWeek, startTime: '13:00', endTime: '17:00' },
  ]),
}
const meetingType = {
  durationMinutes: 60,
  slotIntervalMinutes: 60,
  bufferAfterMinutes: 10,
  minNoticeMinutes: 60,
}
// One existing booking: Wednesday 10:00–11:00 in New York (15:00Z, EDT is UTC-4).
const bookings = [
  {
    startsAt: parseRfc3339('2026-10-28T10:00:00-04:00'),
    endsAt: parseRfc3339('2026-10-28T11:00:00-04:00'),
    bufferAfterMinutes: 10,
  },
]
// core never reads the clock: "now" is an argument.
const now = parseRfc3339('2026-10-24T12:00:00Z')

const slots = findSlots({
  schedule,
  meetingType,
  bookings,
  now,
  range: { startDate: '2026-10-26', endDate: '2026-11-03', timeZone: host.timeZone },
})

function printWeek(viewer, other) {
  console.log(`\nOpen slots as ${viewer.name} sees them (${viewer.timeZone}):`)
  for (const day of groupSlotsByDate(slots, viewer.timeZone)) {
    const first = day.slots[0]
    if (!first) continue
    const heading = formatSlotDateTime(first.startsAt, {
      timeZone: viewer.timeZone,
      locale: 'en-US',
    }).split(' at ')[0]
    const times = day.slots
      .map((slot) => {
        const mine = formatSlotTime(slot.startsAt, { timeZone: viewer.timeZone, locale: 'en-US' })
        const theirs = formatSlotTime(slot.startsAt, { timeZone: other.timeZone, locale: 'en-GB' })
        return `${mine} (${theirs})`
      })
      .join(', ')
    console.log(`  ${heading}: ${times}`)
  }
}

console.log('Slotkit core demo: one host, one invitee, nine days across a DST change.')
console.log("Times in parentheses are the same slot in the other party's zone.")
printWeek(host, invitee)
printWeek(invitee, host)

if (process.argv.includes('--check')) {
  // Smoke check, worked out by hand: 7 weekdays (Oct 26-30, Nov 2-3) of 7 hourly
  // slots (09, 10, 11, 13, 14, 15, 16). On Wednesday the booking blocks 10:00-11:10
  // (its 10-minute after-buffer), so 10:00 is taken, 11:00 starts inside that buffer,
  // and 09:00 is lost too: its own after-buffer (10:00-10:10) would overlap the booking.
  const expected = 7 * 7 - 3
  if (slots.length !== expected) {
    console.error(`expected ${expected} slots, got ${slots.length}`)
    process.exit(1)
  }
  console.log(`\nok: ${slots.length} slots`)
}
