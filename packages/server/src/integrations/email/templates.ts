import type { Answers, BookingLocation, Question } from '@slotkit/core/api'
import { formatSlotDateTime, zoneCityLabel } from '@slotkit/core/format'
import { fill, type Language, languageFor, type ServerMessages } from '../../i18n/messages'

/** The e-mails a booking sends. */
export const EMAIL_KINDS = [
  'confirmation',
  'cancellation',
  'reschedule',
  'reminder-24h',
  'reminder-1h',
  'meeting-link',
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
  /** Where the meeting happens (null: nowhere set). */
  readonly location?: BookingLocation | null
  /** The join link, once known (a Meet or Teams link arrives after the booking). */
  readonly meetingUrl?: string | null
  /**
   * The recipient's language (BCP 47): the invitee's stored locale, or the
   * server's for the host. Strings, dates and the text direction follow it;
   * a language Slotkit has no translation for gets English (en-US).
   */
  readonly locale?: string | undefined
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
  language: Language = languageFor(context.locale),
): { own: string; other: string } {
  const m = language.messages
  const self = context.recipient === 'invitee' ? context.invitee : context.host
  const other = context.recipient === 'invitee' ? context.host : context.invitee
  const line = (template: string, party: EmailParty) =>
    fill(template, {
      city: zoneCityLabel(party.timeZone),
      time: formatSlotDateTime(instant, { timeZone: party.timeZone, locale: language.locale }),
    })
  return {
    own: line(m.forYou, self),
    other: line(context.recipient === 'invitee' ? m.forHost : m.forInvitee, other),
  }
}

/** The subject and intro templates of each kind of message, by recipient where they differ. */
const HEADLINES: Record<
  EmailKind,
  (recipient: Recipient) => [subject: keyof ServerMessages, intro: keyof ServerMessages]
> = {
  confirmation: (recipient) =>
    recipient === 'invitee'
      ? ['subjectConfirmedInvitee', 'introConfirmedInvitee']
      : ['subjectConfirmedHost', 'introConfirmedHost'],
  cancellation: () => ['subjectCancelled', 'introCancelled'],
  reschedule: () => ['subjectRescheduled', 'introRescheduled'],
  'reminder-24h': () => ['subjectReminder24h', 'introReminder24h'],
  'reminder-1h': () => ['subjectReminder1h', 'introReminder1h'],
  'meeting-link': () => ['subjectMeetingLink', 'introMeetingLink'],
}

/** Brand names of the video meetings a host's calendar makes (not translated). */
const CONFERENCE_NAMES = { google_meet: 'Google Meet', teams: 'Microsoft Teams' } as const

/**
 * Where the meeting happens, as `recipient` reads it, and the link to open when
 * there is one: a video meeting's join link (or, for the invitee, that it
 * follows by e-mail), the link, who calls whom at which number, the address.
 */
export function whereLine(
  language: Language,
  recipient: Recipient,
  where: { location: BookingLocation | null | undefined; meetingUrl: string | null | undefined },
  names: { host: string; invitee: string },
): { text: string; url?: string } | undefined {
  const m = language.messages
  const { location, meetingUrl } = where
  if (!location) return undefined
  switch (location.type) {
    case 'google_meet':
    case 'teams': {
      const name = CONFERENCE_NAMES[location.type]
      if (meetingUrl) return { text: `${name}: ${meetingUrl}`, url: meetingUrl }
      // The host has the link in their calendar; the invitee gets it by e-mail.
      return { text: recipient === 'invitee' ? `${name} (${m.linkFollows})` : name }
    }
    case 'link':
      return { text: location.url, url: location.url }
    case 'phone': {
      // caller 'invitee': the number is the host's; 'host': the invitee's.
      const dials = (location.caller === 'invitee') === (recipient === 'invitee')
      const other = recipient === 'invitee' ? names.host : names.invitee
      return {
        text: fill(dials ? m.callThem : m.theyCallYou, {
          name: other,
          number: location.number,
        }),
      }
    }
    case 'in_person':
      return { text: toOneLine(location.address) }
  }
}

/** The invite's LOCATION: the join link, the number or the address (none for a video link still to come). */
export function inviteLocation(
  location: BookingLocation | null | undefined,
  meetingUrl: string | null | undefined,
): string | undefined {
  if (!location) return undefined
  switch (location.type) {
    case 'google_meet':
    case 'teams':
      return meetingUrl ?? undefined
    case 'link':
      return location.url
    case 'phone':
      return location.number
    case 'in_person':
      return toOneLine(location.address)
  }
}

function headline(
  context: BookingEmailContext,
  language: Language,
): { subject: string; intro: string } {
  const other = context.recipient === 'invitee' ? context.host : context.invitee
  const when = formatSlotDateTime(context.startsAt, {
    timeZone: context.recipient === 'invitee' ? context.invitee.timeZone : context.host.timeZone,
    locale: language.locale,
  })
  const values = { meeting: context.meetingName, name: other.name, when }
  const [subject, intro] = HEADLINES[context.kind](context.recipient)
  return {
    subject: fill(language.messages[subject], values),
    intro: fill(language.messages[intro], values),
  }
}

/**
 * Renders a booking e-mail (subject, plain text, HTML) in the recipient's
 * language (`context.locale`). Every message shows the time in the recipient's
 * zone and in the other party's, as the time model of docs/architecture.md
 * asks, and the links that apply (cancel and reschedule while the booking is
 * live, book again after a cancellation). A right-to-left language gets
 * `dir="rtl"`, with each value's cell `dir="auto"` so names and addresses keep
 * their own direction.
 */
export function renderBookingEmail(context: BookingEmailContext): RenderedEmail {
  const language = languageFor(context.locale)
  const m = language.messages
  const { subject, intro } = headline(context, language)
  const lines = timeLines(context, context.startsAt, language)
  const durationMinutes = Math.round((context.endsAt - context.startsAt) / 60_000)
  const timeTitle = context.kind === 'reschedule' ? m.newTime : m.when
  const previous =
    context.kind === 'reschedule' && context.previousStartsAt !== undefined
      ? timeLines(context, context.previousStartsAt, language)
      : undefined
  const details: [string, string, url?: string][] = [
    [m.what, context.meetingName],
    [m.host, `${context.host.name} <${context.host.email}>`],
    [m.invitee, `${context.invitee.name} <${context.invitee.email}>`],
    [m.duration, formatMinutes(durationMinutes, language.locale)],
  ]
  const where =
    context.kind === 'cancellation'
      ? undefined
      : whereLine(
          language,
          context.recipient,
          { location: context.location, meetingUrl: context.meetingUrl },
          { host: context.host.name, invitee: context.invitee.name },
        )
  if (where) details.splice(1, 0, [m.where, where.text, where.url])
  if (context.kind === 'cancellation' && context.cancelReason) {
    details.push([m.reason, toOneLine(context.cancelReason)])
  }
  const links: [string, string][] = []
  if (context.links.reschedule) links.push([m.reschedule, context.links.reschedule])
  if (context.links.cancel) links.push([m.cancel, context.links.cancel])
  if (context.links.bookAgain) links.push([m.bookAgain, context.links.bookAgain])
  const labelled = ([label, value]: readonly [string, string, string?]) =>
    fill(m.labelValue, { label, value })

  const text = [
    intro,
    '',
    fill(m.labelOnly, { label: timeTitle }),
    `  ${lines.own}`,
    `  ${lines.other}`,
    ...(previous
      ? ['', fill(m.labelOnly, { label: m.previously }), `  ${previous.own}`, `  ${previous.other}`]
      : []),
    '',
    ...details.map(labelled),
    ...(links.length > 0 ? ['', ...links.map(labelled)] : []),
    '',
    '-- ',
    m.sentBy,
    '',
  ].join('\n')

  const e = escapeHtml
  const rtl = language.dir === 'rtl'
  // Email clients lack logical CSS properties: the label column's gap sits on
  // the side the values are, by direction.
  const labelPadding = rtl ? '.1rem 0 .1rem 1rem' : '.1rem 1rem .1rem 0'
  const html = `<!doctype html>
<html lang="${e(language.locale)}" dir="${language.dir}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;color:#1d1d1f;max-width:36rem;margin:0 auto;padding:1rem">
<p>${e(intro)}</p>
<h2 style="font-size:1rem;margin:1rem 0 .25rem">${e(timeTitle)}</h2>
<p style="margin:0"><strong>${e(lines.own)}</strong><br>${e(lines.other)}</p>
${
  previous
    ? `<h2 style="font-size:1rem;margin:1rem 0 .25rem">${e(m.previously)}</h2>
<p style="margin:0;color:#666"><s>${e(previous.own)}</s><br><s>${e(previous.other)}</s></p>`
    : ''
}
<table style="margin:1rem 0;border-collapse:collapse">
${details.map(([label, value, url]) => `<tr><td style="padding:${labelPadding};color:#666">${e(label)}</td><td dir="auto">${url ? linkedValue(value, url) : e(value)}</td></tr>`).join('\n')}
</table>
${
  links.length > 0
    ? `<p>${links.map(([label, url]) => `<a href="${e(url)}" style="color:#0a58ca">${e(label)}</a>`).join(' &middot; ')}</p>`
    : ''
}
<p style="color:#666;font-size:.875rem">${e(m.sentBy)}</p>
</body></html>
`
  return { subject, text, html }
}

/** `value` escaped, with its `url` as a link (the whole value when it is the URL). */
function linkedValue(value: string, url: string): string {
  const anchor = `<a href="${escapeHtml(url)}" style="color:#0a58ca">${escapeHtml(url)}</a>`
  const at = value.lastIndexOf(url)
  if (at < 0) return `${escapeHtml(value)} ${anchor}`
  return `${escapeHtml(value.slice(0, at))}${anchor}${escapeHtml(value.slice(at + url.length))}`
}

/** "30 minutes", "30 Minuten", "30 分": the locale's words and plural, from Intl. */
function formatMinutes(minutes: number, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'minute',
    unitDisplay: 'long',
  }).format(minutes)
}

/** The calendar invite's title and description in a recipient's language. */
export function inviteText(
  language: Language,
  names: { meeting: string; host: string; invitee: string },
  links: { reschedule?: string | undefined; cancel?: string | undefined },
): { summary: string; description: string } {
  const m = language.messages
  const lines = [m.inviteDescription]
  if (links.reschedule)
    lines.push(fill(m.labelValue, { label: m.reschedule, value: links.reschedule }))
  if (links.cancel) lines.push(fill(m.labelValue, { label: m.cancel, value: links.cancel }))
  return { summary: fill(m.inviteSummary, names), description: lines.join('\n') }
}

/** An answer as text: a list joined with commas, a checkbox as ✓ or ✗. */
function answerText(value: Answers[string]): string {
  if (Array.isArray(value)) return value.join(', ')
  if (typeof value === 'boolean') return value ? '✓' : '✗'
  return value
}

/**
 * The title, description and place of the event written to the host's
 * calendar (stage B of issue 12), in the host's language: the title of the
 * invite, who calls whom for a phone call, the invitee's links (reschedule,
 * cancel), and their answers under the questions' labels. `location` is the
 * event's place field (an address, a number, a link; none for a Meet or Teams
 * meeting, which the provider attaches itself).
 */
export function writtenEventText(
  language: Language,
  input: {
    names: { meeting: string; host: string; invitee: string }
    links: { reschedule: string; cancel: string }
    questions: readonly Question[]
    answers: Answers
    location: BookingLocation | null
    /** A link location's URL (not a conference link: the provider holds that). */
    meetingUrl: string | null
  },
): { summary: string; description: string; location?: string } {
  const m = language.messages
  const invite = inviteText(language, input.names, input.links)
  const lines = invite.description.split('\n')
  const phone =
    input.location?.type === 'phone'
      ? whereLine(
          language,
          'host',
          { location: input.location, meetingUrl: null },
          { host: input.names.host, invitee: input.names.invitee },
        )
      : undefined
  if (phone) lines.splice(1, 0, fill(m.labelValue, { label: m.where, value: phone.text }))
  const answered = input.questions.filter((q) => {
    const value = input.answers[q.id]
    return value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)
  })
  if (answered.length > 0) {
    lines.push('', fill(m.labelOnly, { label: m.answersTitle }))
    for (const q of answered)
      lines.push(fill(m.labelValue, { label: q.label, value: answerText(input.answers[q.id]!) }))
  }
  const location =
    input.location?.type === 'google_meet' || input.location?.type === 'teams'
      ? undefined
      : inviteLocation(input.location, input.meetingUrl)
  return {
    summary: invite.summary,
    description: lines.join('\n'),
    ...(location ? { location } : {}),
  }
}
