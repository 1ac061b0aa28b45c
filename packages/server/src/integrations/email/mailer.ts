/** An e-mail ready to send: both parts, and an optional calendar invite. */
export interface OutgoingEmail {
  readonly to: { readonly name: string; readonly email: string }
  readonly subject: string
  readonly text: string
  readonly html: string
  /**
   * Stable Message-ID (without angle brackets) derived from the message key, so a
   * receiver can drop a copy in the rare case it is sent twice.
   */
  readonly messageId: string
  /** An iCalendar object; `method` must match the METHOD inside it. */
  readonly invite?: { readonly method: 'REQUEST' | 'CANCEL'; readonly content: string }
}

/** Where a message went. */
export interface SentEmail {
  readonly messageId: string
  /** The .eml file, when written to the outbox instead of sent. */
  readonly path?: string
}

/**
 * Sends e-mail. Implementations: SMTP (`SMTP_URL`), the outbox folder (no
 * SMTP_URL), and an in-memory fake for tests.
 */
export interface Mailer {
  /** Sends one message; throws when it was not accepted (the job is retried). */
  send(message: OutgoingEmail): Promise<SentEmail>
  /** Closes pooled connections. */
  close(): Promise<void>
  /** A label for logs, without credentials ("smtp://mail.example.com:587", "outbox /data/outbox"). */
  readonly description: string
}
