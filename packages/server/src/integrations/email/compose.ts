import type Mail from 'nodemailer/lib/mailer'
import type { OutgoingEmail } from './mailer'

/** nodemailer options of a message: text + HTML alternatives and the invite as text/calendar. */
export function toMailOptions(from: string, message: OutgoingEmail): Mail.Options {
  return {
    from,
    to: { name: message.to.name, address: message.to.email },
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: `<${message.messageId}>`,
    ...(message.invite
      ? {
          // Sent as a text/calendar alternative (what mail clients act on) and as
          // an invite.ics attachment (what a person can open).
          icalEvent: {
            method: message.invite.method,
            filename: 'invite.ics',
            content: message.invite.content,
          },
        }
      : {}),
  }
}
