import { join } from 'node:path'
import type { Mailer } from './mailer'
import { createOutboxMailer } from './outbox-mailer'
import { createSmtpMailer } from './smtp-mailer'

/** Default From when MAIL_FROM is not set. */
export const DEFAULT_MAIL_FROM = 'Slotkit <no-reply@slotkit.invalid>'

/** Options of {@link createMailer}. */
export interface CreateMailerOptions {
  readonly smtpUrl: string | undefined
  readonly mailFrom: string | undefined
  readonly dataDir: string
  readonly log: { info(obj: object, msg: string): void }
}

/** SMTP when `smtpUrl` is set, else .eml files under `dataDir/outbox` (each logged with its path). */
export function createMailer(options: CreateMailerOptions): Mailer {
  const from = options.mailFrom ?? DEFAULT_MAIL_FROM
  if (options.smtpUrl) return createSmtpMailer({ smtpUrl: options.smtpUrl, from })
  return createOutboxMailer({
    dir: join(options.dataDir, 'outbox'),
    from,
    onWrite: (path, message) =>
      options.log.info(
        { path, to: message.to.email, subject: message.subject },
        'e-mail written to the outbox (no SMTP_URL)',
      ),
  })
}
