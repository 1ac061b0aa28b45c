import { formatUtc } from '@slotkit/core'
import {
  type BookingForEmail,
  claimMessage,
  findBookingForEmail,
  findRescheduleChain,
  sendOnce,
  wasSent,
} from '../db/repositories/notifications.repository'
import { languageFor } from '../i18n/messages'
import { buildInvite, inviteUid } from '../integrations/calendar-invite/build-invite'
import type { OutgoingEmail } from '../integrations/email/mailer'
import {
  type EmailKind,
  inviteLocation,
  inviteText,
  type Recipient,
  renderBookingEmail,
} from '../integrations/email/templates'
import { withLinkableToken } from '../services/booking-links'
import { isConference } from '../services/locations'
import { type QueuedJob, stableJobId } from './job-queue'
import type { NotificationDeps } from './notification-deps'
import { SEND_EMAIL, type SendEmailPayload, type SendReminderPayload } from './queues'

/**
 * A join-link e-mail that finds the invitee's confirmation not sent yet waits
 * this long and looks again, this many times: that confirmation, read after the
 * link was stored, will carry the link itself (and then stands for this one).
 */
const LINK_WAIT_MS = 30_000
const LINK_WAITS = 40

const RECIPIENTS: readonly Recipient[] = ['invitee', 'host']

/** The booking status a message of `kind` is about: anything else means it is stale. */
function expectedStatus(kind: EmailKind): 'confirmed' | 'cancelled' {
  return kind === 'cancellation' ? 'cancelled' : 'confirmed'
}

async function links(deps: NotificationDeps, booking: BookingForEmail, kind: EmailKind) {
  const base = deps.publicUrl()
  if (kind === 'cancellation') return { bookAgain: `${base}/book/${booking.meetingTypeId}` }
  // The key that made the stored hash (after a SECRET_KEY rotation, the links the
  // invitee already has); a new token when that key is no longer configured.
  const { token } = await withLinkableToken(deps.db, deps.secretKeys, booking, deps.log)
  return {
    cancel: `${base}/bookings/${booking.id}/cancel?token=${token}`,
    reschedule: `${base}/bookings/${booking.id}/reschedule?token=${token}`,
  }
}

/**
 * Sends one kind of booking e-mail to the invitee and the host, once each per
 * booking version: the booking is re-read first and a message whose booking has
 * moved on (cancelled, rescheduled, changed version) is skipped, so no stale
 * reminder or confirmation goes out. Both recipients are tried; if either send
 * fails the job throws and the retry sends only what is missing.
 */
export async function sendBookingEmails(
  deps: NotificationDeps,
  kind: EmailKind,
  bookingId: string,
  version: number,
  /** `skipInvitee`: the mail limits left the invitee's message out; the host's goes. */
  options: { skipInvitee?: boolean } = {},
): Promise<{ sent: number; skipped: string | undefined }> {
  const booking = await findBookingForEmail(deps.db, bookingId)
  if (!booking) return { sent: 0, skipped: 'booking not found' }
  if (booking.status !== expectedStatus(kind) || booking.version !== version) {
    deps.log.debug(
      { bookingId, kind, version, status: booking.status, current: booking.version },
      'stale e-mail skipped',
    )
    return { sent: 0, skipped: 'stale' }
  }
  if (kind === 'meeting-link' && !options.skipInvitee) {
    // Never before the confirmation (or reschedule) e-mail: one still to come
    // reads the link and carries it; one sent without it needs this message.
    const confirmed = await wasSent(deps.db, {
      bookingId,
      kinds: ['confirmation:invitee', 'reschedule:invitee'],
      version,
    })
    if (!confirmed) return { sent: 0, skipped: 'before-confirmation' }
  }
  const isReminder = kind === 'reminder-24h' || kind === 'reminder-1h'
  if (isReminder && booking.startsAt.getTime() <= deps.now()) {
    return { sent: 0, skipped: 'meeting already started' }
  }
  const chain = await findRescheduleChain(deps.db, booking.id)
  // A Meet or Teams link arrives after the booking: the invite that first carries
  // it is a new revision of the event, so every later one counts one more.
  const hasJoinLink = isConference(booking.location?.type) && booking.meetingUrl !== null
  const host = { name: booking.hostName, email: booking.hostEmail, timeZone: booking.hostTimeZone }
  const invitee = {
    name: booking.inviteeName,
    email: booking.inviteeEmail,
    timeZone: booking.inviteeTimeZone,
  }
  const bookingLinks = await links(deps, booking, kind)
  // The invitee reads their own language (stored with the booking), the host
  // the server's (English unless `locale` is set); either falls back to English.
  const languageOf = (recipient: Recipient) =>
    languageFor(recipient === 'invitee' ? booking.locale : undefined, deps.locale)
  // The same event for both, its title and description in the reader's language.
  const inviteFor = (recipient: Recipient) => {
    if (isReminder) return undefined
    const text = inviteText(
      languageOf(recipient),
      { meeting: booking.meetingName, host: host.name, invitee: invitee.name },
      bookingLinks,
    )
    return {
      method: kind === 'cancellation' ? ('CANCEL' as const) : ('REQUEST' as const),
      content: buildInvite({
        uid: inviteUid(chain.rootId),
        // Each reschedule, a join link arriving and a cancel are a new revision of
        // the same event.
        sequence: chain.depth + (hasJoinLink ? 1 : 0) + (kind === 'cancellation' ? 1 : 0),
        method: kind === 'cancellation' ? 'CANCEL' : 'REQUEST',
        startsAt: booking.startsAt.getTime(),
        endsAt: booking.endsAt.getTime(),
        summary: text.summary,
        description: text.description,
        organizer: host,
        attendee: invitee,
        // The join link where there is one (calendar apps show a join button), else
        // the page to manage the booking.
        url: booking.meetingUrl ?? bookingLinks.reschedule,
        location:
          kind === 'cancellation'
            ? undefined
            : inviteLocation(booking.location, booking.meetingUrl),
        stamp: deps.now(),
      }),
    }
  }

  let sent = 0
  const failures: unknown[] = []
  // The join link is news to the invitee only: the host's calendar has it.
  const addressed = kind === 'meeting-link' ? RECIPIENTS.filter((r) => r === 'invitee') : RECIPIENTS
  const recipients = options.skipInvitee ? addressed.filter((r) => r === 'host') : addressed
  for (const recipient of recipients) {
    const rendered = renderBookingEmail({
      kind,
      recipient,
      meetingName: booking.meetingName,
      startsAt: booking.startsAt.getTime(),
      endsAt: booking.endsAt.getTime(),
      host,
      invitee,
      previousStartsAt: chain.previousStartsAt?.getTime(),
      cancelReason: booking.cancelReason,
      links: bookingLinks,
      location: booking.location,
      meetingUrl: booking.meetingUrl,
      locale: languageOf(recipient).locale,
    })
    const to = recipient === 'invitee' ? invitee : host
    const messageKind = `${kind}:${recipient}`
    const message: OutgoingEmail = {
      to,
      ...rendered,
      messageId: `${booking.id}.${kind}.${recipient}.v${version}@slotkit`,
      invite: inviteFor(recipient),
    }
    try {
      const didSend = await sendOnce(
        deps.db,
        {
          bookingId: booking.id,
          kind: messageKind,
          version,
          hostId: booking.hostId,
          recipient: to.email,
          messageId: message.messageId,
        },
        async (trx) => {
          // A confirmation or reschedule that carries the join link stands for the
          // join-link e-mail of this version, which then sends nothing.
          if (
            recipient === 'invitee' &&
            hasJoinLink &&
            (kind === 'confirmation' || kind === 'reschedule')
          ) {
            await claimMessage(trx, {
              bookingId: booking.id,
              kind: 'meeting-link:invitee',
              version,
              hostId: booking.hostId,
              recipient: to.email,
              messageId: `${booking.id}.meeting-link.invitee.v${version}@slotkit`,
            })
          }
          await deps.mailer.send(message)
        },
      )
      if (didSend) sent += 1
    } catch (error) {
      failures.push(error)
    }
  }
  if (failures.length > 0) {
    const first = failures[0]
    throw new Error(
      `sending ${kind} of booking ${booking.id} failed: ${first instanceof Error ? first.message : String(first)}`,
      { cause: first },
    )
  }
  return { sent, skipped: undefined }
}

/** Handler of `booking.send-email`. */
export async function handleSendEmail(
  deps: NotificationDeps,
  job: QueuedJob<SendEmailPayload>,
): Promise<void> {
  const result = await sendBookingEmails(
    deps,
    job.data.event,
    job.data.bookingId,
    job.data.version,
    { skipInvitee: job.data.skipInvitee },
  )
  if (result.skipped !== 'before-confirmation') return
  const wait = (job.data.wait ?? 0) + 1
  if (wait > LINK_WAITS) {
    deps.log.warn(
      { bookingId: job.data.bookingId, version: job.data.version },
      'join-link e-mail dropped: the confirmation was never sent',
    )
    return
  }
  await deps.queue.send(
    SEND_EMAIL,
    { ...job.data, wait },
    {
      id: stableJobId(`booking.meeting-link:${job.data.bookingId}:v${job.data.version}:w${wait}`),
      delaySeconds: LINK_WAIT_MS / 1000,
    },
  )
}

/** Handler of `booking.send-reminder`. */
export async function handleSendReminder(
  deps: NotificationDeps,
  job: QueuedJob<SendReminderPayload>,
): Promise<void> {
  const result = await sendBookingEmails(
    deps,
    `reminder-${job.data.reminder}`,
    job.data.bookingId,
    job.data.version,
    { skipInvitee: job.data.skipInvitee },
  )
  if (result.sent > 0) {
    deps.log.debug(
      {
        bookingId: job.data.bookingId,
        reminder: job.data.reminder,
        dueAt: job.data.dueAt,
        sentAt: formatUtc(deps.now()),
      },
      'reminder sent',
    )
  }
}
