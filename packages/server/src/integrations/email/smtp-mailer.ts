import { createTransport } from 'nodemailer'
import { toMailOptions } from './compose'
import type { Mailer, OutgoingEmail, SentEmail } from './mailer'

/** Options of {@link createSmtpMailer}. */
export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…` (TLS from the start). */
  readonly smtpUrl: string
  /** The From header, e.g. `Slotkit <bookings@example.com>`. */
  readonly from: string
  /** Parallel SMTP connections; default 5. */
  readonly maxConnections?: number
  /** Connect, greeting and socket timeouts; default 10 s. */
  readonly timeoutMs?: number
}

/** The URL without its password, for logs. */
function describe(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl)
    url.password = ''
    url.username = ''
    return url.toString().replace(/\/$/, '')
  } catch {
    return 'smtp'
  }
}

/**
 * A mailer over a pooled nodemailer SMTP transport. Credentials come from the
 * URL (optional); `smtps://` means implicit TLS (port 465 by default).
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 10_000
  const transport = createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: 1000,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as Parameters<typeof createTransport>[0])
  return {
    description: describe(options.smtpUrl),
    async send(message: OutgoingEmail): Promise<SentEmail> {
      const info = await transport.sendMail(toMailOptions(options.from, message))
      if (info.accepted.length === 0) {
        throw new Error(`SMTP server rejected every recipient: ${info.response}`)
      }
      return { messageId: message.messageId }
    },
    async close() {
      transport.close()
    },
  }
}
