import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createTransport } from 'nodemailer'
import { securePrivateFolder } from '../../config/data-dir'
import { toMailOptions } from './compose'
import type { Mailer, OutgoingEmail, SentEmail } from './mailer'

/** Options of {@link createOutboxMailer}. */
export interface OutboxMailerOptions {
  /** Folder of the .eml files (created 0700 when missing, files 0600), usually `DATA_DIR/outbox`. */
  readonly dir: string
  readonly from: string
  /** Called with each file written (the server logs it). */
  readonly onWrite?: (path: string, message: OutgoingEmail) => void
}

/**
 * The default mailer with no SMTP_URL: writes each message as an RFC 5322 .eml
 * file (open it in any mail client) named after its stable Message-ID, so a
 * repeated send overwrites the same file.
 */
export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  let ready: Promise<unknown> | undefined
  return {
    description: `outbox ${options.dir}`,
    async send(message: OutgoingEmail): Promise<SentEmail> {
      // Messages hold invitees' names, addresses and cancel/reschedule links: the folder is
      // 0700 and every file 0600, older ones included.
      ready ??= securePrivateFolder(options.dir)
      await ready
      const info = (await transport.sendMail(toMailOptions(options.from, message))) as {
        message: Buffer
      }
      const name = `${message.messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`
      const path = join(options.dir, name)
      // Write then rename: a reader never sees half a message.
      const temporary = `${path}.tmp`
      await writeFile(temporary, info.message, { mode: 0o600 })
      await rename(temporary, path)
      options.onWrite?.(path, message)
      return { messageId: message.messageId, path }
    },
    async close() {},
  }
}
