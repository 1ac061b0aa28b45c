/**
 * The server's strings in English: the booking e-mails and the invitee's pages.
 * The fallback for every key and every language. Placeholders are `{name}`.
 */
export const en = {
  subjectConfirmedInvitee: 'Confirmed: {meeting} with {name} on {when}',
  introConfirmedInvitee: 'Your meeting is booked: {meeting} with {name}.',
  subjectConfirmedHost: 'New booking: {meeting} with {name} on {when}',
  introConfirmedHost: '{name} booked {meeting} with you.',
  subjectCancelled: 'Cancelled: {meeting} with {name} on {when}',
  introCancelled: 'This meeting was cancelled: {meeting} with {name}.',
  subjectRescheduled: 'Rescheduled: {meeting} with {name}, now on {when}',
  introRescheduled: 'This meeting has a new time: {meeting} with {name}.',
  subjectReminder24h: 'Reminder: {meeting} with {name} in 24 hours ({when})',
  introReminder24h: 'A reminder: {meeting} with {name} starts in 24 hours.',
  subjectReminder1h: 'Reminder: {meeting} with {name} in 1 hour ({when})',
  introReminder1h: 'A reminder: {meeting} with {name} starts in 1 hour.',
  forYou: 'For you ({city}): {time}',
  forHost: 'For your host ({city}): {time}',
  forInvitee: 'For your invitee ({city}): {time}',
  when: 'When',
  newTime: 'New time',
  previously: 'Previously',
  what: 'What',
  host: 'Host',
  invitee: 'Invitee',
  duration: 'Duration',
  reason: 'Reason',
  reschedule: 'Reschedule',
  cancel: 'Cancel',
  bookAgain: 'Book again',
  sentBy: 'Sent by Slotkit',
  labelValue: '{label}: {value}',
  labelOnly: '{label}:',
  inviteSummary: '{meeting}: {host} and {invitee}',
  inviteDescription: 'Booked with Slotkit.',
  pageBook: 'Book a meeting',
  pageCancel: 'Cancel your booking',
  pageReschedule: 'Reschedule your booking',
  noscript: 'The booking flow needs JavaScript. The API is documented at {docs}.',
}

/** A catalog of the server's strings: every key of the English one. */
export type ServerMessages = typeof en
