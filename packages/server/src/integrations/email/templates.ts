import { formatSlotDateTime, zoneCityLabel } from '@slotkit/core/format'

/** The e-mails a booking sends. */
export const EMAIL_KINDS = [
  'confirmation',
  'cancellation',
  'reschedule',
  'reminder-24h',
  'reminder-1h',
] as const

/** One of {@link EMAIL_KINDS}. */
export type EmailKind = (typeof EMAIL_KINDS)[number]

/** Who receives a message. */
export type Recipient = 'invitee' | 'host'

/** A person and their zone. */
export interface EmailParty {
  readonly name: string
  readonly email: string
  /** IANA zone. */
  readonly timeZone: string
}

/** Everything a booking e-mail shows. Instants are epoch ms. */
export interface BookingEmailContext {
  readonly kind: EmailKind
  readonly recipient: Recipient
  readonly meetingName: string
  readonly startsAt: number
  readonly endsAt: number
  readonly host: EmailParty
  readonly invitee: EmailParty
  /** For a reschedule: the time it was moved from. */
  readonly previousStartsAt?: number
  readonly cancelReason?: string | null
  /** Manage links (cancel/reschedule) for a live booking, or a link to book again. */
  readonly links: {
    readonly cancel?: string
    readonly reschedule?: string
    readonly bookAgain?: string
  }
  /** BCP 47; default en-US. */
  readonly locale?: string
}

/** A rendered message. */
export interface RenderedEmail {
  readonly subject: string
  readonly text: string
  readonly html: string
}

/**
 * `text` on one line: every run of control characters (CR, LF, tab, the rest of
 * C0 and C1) and Unicode line/paragraph separators becomes one space. A free-text
 * value (the invitee's cancel reason) sits in a `Label: value` line of the
 * message, and "a\r\nBcc: x@y" must not start a line that reads like a header.
 */
function toOneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim()
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** "For you (New York): Monday, January 15, 2024 at 2:00 PM EST" and the other party's line. */
export function timeLines(
  context: Pick<BookingEmailContext, 'recipient' | 'host' | 'invitee' | 'locale'>,
  instant: number,
): { own: string; other: string } {
  const self = context.recipient === 'invitee' ? context.invitee : context.host
  const other = context.recipient === 'invitee' ? context.host : context.invitee
  const otherLabel = context.recipient === 'invitee' ? 'your host' : 'your invitee'
  const format = (timeZone: string) =>
    formatSlotDateTime(instant, { timeZone, locale: context.locale })
  return {
    own: `For you (${zoneCityLabel(self.timeZone)}): ${format(self.timeZone)}`,
    other: `For ${otherLabel} (${zoneCityLabel(other.timeZone)}): ${format(other.timeZone)}`,
  }
}

function headline(context: BookingEmailContext): { subject: string; intro: string } {
  const other = context.recipient === 'invitee' ? context.host : context.invitee
  const when = formatSlotDateTime(context.startsAt, {
    timeZone: context.recipient === 'invitee' ? context.invitee.timeZone : context.host.timeZone,
    locale: context.locale,
  })
  const what = `${context.meetingName} with ${other.name}`
  switch (context.kind) {
    case 'confirmation':
      return context.recipient === 'invitee'
        ? { subject: `Confirmed: ${what} on ${when}`, intro: `Your meeting is booked: ${what}.` }
        : {
            subject: `New booking: ${what} on ${when}`,
            intro: `${other.name} booked ${context.meetingName} with you.`,
          }
    case 'cancellation':
      return {
        subject: `Cancelled: ${what} on ${when}`,
        intro: `This meeting was cancelled: ${what}.`,
      }
    case 'reschedule':
      return {
        subject: `Rescheduled: ${what}, now on ${when}`,
        intro: `This meeting has a new time: ${what}.`,
      }
    case 'reminder-24h':
      return {
        subject: `Reminder: ${what} in 24 hours (${when})`,
        intro: `A reminder: ${what} starts in 24 hours.`,
      }
    case 'reminder-1h':
      return {
        subject: `Reminder: ${what} in 1 hour (${when})`,
        intro: `A reminder: ${what} starts in 1 hour.`,
      }
  }
}

/**
 * Renders a booking e-mail (subject, plain text, HTML). Every message shows the
 * time in the recipient's zone and in the other party's, as docs/architecture.md's time model asks, and
 * the links that apply (cancel and reschedule while the booking is live, book
 * again after a cancellation).
 */
export function renderBookingEmail(context: BookingEmailContext): RenderedEmail {
  const { subject, intro } = headline(context)
  const lines = timeLines(context, context.startsAt)
  const durationMinutes = Math.round((context.endsAt - context.startsAt) / 60_000)
  const timeTitle = context.kind === 'reschedule' ? 'New time' : 'When'
  const previous =
    context.kind === 'reschedule' && context.previousStartsAt !== undefined
      ? timeLines(context, context.previousStartsAt)
      : undefined
  const details: [string, string][] = [
    ['What', context.meetingName],
    ['Host', `${context.host.name} <${context.host.email}>`],
    ['Invitee', `${context.invitee.name} <${context.invitee.email}>`],
    ['Duration', `${durationMinutes} minutes`],
  ]
  if (context.kind === 'cancellation' && context.cancelReason) {
    details.push(['Reason', toOneLine(context.cancelReason)])
  }
  const links: [string, string][] = []
  if (context.links.reschedule) links.push(['Reschedule', context.links.reschedule])
  if (context.links.cancel) links.push(['Cancel', context.links.cancel])
  if (context.links.bookAgain) links.push(['Book again', context.links.bookAgain])

  const text = [
    intro,
    '',
    `${timeTitle}:`,
    `  ${lines.own}`,
    `  ${lines.other}`,
    ...(previous ? ['', 'Previously:', `  ${previous.own}`, `  ${previous.other}`] : []),
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    ...(links.length > 0 ? ['', ...links.map(([label, url]) => `${label}: ${url}`)] : []),
    '',
    '-- ',
    'Sent by Slotkit',
    '',
  ].join('\n')

  const e = escapeHtml
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;color:#1d1d1f;max-width:36rem;margin:0 auto;padding:1rem">
<p>${e(intro)}</p>
<h2 style="font-size:1rem;margin:1rem 0 .25rem">${e(timeTitle)}</h2>
<p style="margin:0"><strong>${e(lines.own)}</strong><br>${e(lines.other)}</p>
${
  previous
    ? `<h2 style="font-size:1rem;margin:1rem 0 .25rem">Previously</h2>
<p style="margin:0;color:#666"><s>${e(previous.own)}</s><br><s>${e(previous.other)}</s></p>`
    : ''
}
<table style="margin:1rem 0;border-collapse:collapse">
${details.map(([label, value]) => `<tr><td style="padding:.1rem 1rem .1rem 0;color:#666">${e(label)}</td><td>${e(value)}</td></tr>`).join('\n')}
</table>
${
  links.length > 0
    ? `<p>${links.map(([label, url]) => `<a href="${e(url)}" style="color:#0a58ca">${e(label)}</a>`).join(' &middot; ')}</p>`
    : ''
}
<p style="color:#666;font-size:.875rem">Sent by Slotkit</p>
</body></html>
`
  return { subject, text, html }
}
