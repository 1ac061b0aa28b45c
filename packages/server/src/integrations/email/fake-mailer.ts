import type { Mailer, OutgoingEmail, SentEmail } from './mailer'

/** An in-memory mailer for tests: keeps what was sent; `failNext(n)` makes sends throw. */
export interface FakeMailer extends Mailer {
  readonly sent: OutgoingEmail[]
  failNext(count: number): void
}

/** Creates a {@link FakeMailer}. */
export function createFakeMailer(): FakeMailer {
  const sent: OutgoingEmail[] = []
  let failures = 0
  return {
    description: 'fake',
    sent,
    failNext(count: number) {
      failures = count
    },
    async send(message: OutgoingEmail): Promise<SentEmail> {
      if (failures > 0) {
        failures -= 1
        throw new Error('fake mailer: send failed')
      }
      sent.push(message)
      return { messageId: message.messageId }
    },
    async close() {},
  }
}
