import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A message the sink accepted. */
export interface ReceivedMail {
  readonly raw: string
  readonly to: string[]
  /** Epoch ms when the sink accepted it. */
  readonly acceptedAt: number
}

/**
 * A real SMTP server (smtp-server) on loopback that keeps what it receives.
 * `stop()` closes the port (connections are refused), `start()` opens it again
 * on the same port: an outage as the mailer sees it.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = []
  port = 0
  private server: SMTPServer | undefined
  private waiters: { count: number; resolve: () => void }[] = []

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 200,
      size: 10 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          this.messages.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            to: session.envelope.rcptTo.map((r) => r.address),
            acceptedAt: Date.now(),
          })
          callback()
          this.waiters = this.waiters.filter((w) => {
            if (this.messages.length < w.count) return true
            w.resolve()
            return false
          })
        })
      },
    })
    server.on('error', () => {})
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.server.address() as AddressInfo).port
    this.server = server
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Resolves when `count` messages have arrived in total (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} mails, got ${this.messages.length}`)),
        timeoutMs,
      )
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      })
    })
  }

  /** Messages to `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address))
  }
}

/** Parses a received message (headers, text, HTML, attachments, alternatives). */
export function parseMail(mail: ReceivedMail): Promise<ParsedMail> {
  return simpleParser(mail.raw)
}

/** The text/calendar part of a raw message, decoded. */
export async function calendarPartOf(mail: ReceivedMail): Promise<string> {
  const parsed = await simpleParser(mail.raw)
  const attachment = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))
  if (!attachment) throw new Error('no text/calendar part')
  return attachment.content.toString('utf8')
}
