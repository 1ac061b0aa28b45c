import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config'

describe('notification settings', () => {
  it('defaults: outbox, no MAIL_FROM, private webhooks refused, workers in the server', () => {
    expect(loadConfig({}, '/srv')).toMatchObject({
      smtpUrl: undefined,
      mailFrom: undefined,
      webhookAllowPrivate: false,
      runWorkers: true,
    })
  })

  it('reads SMTP_URL (smtp:// or smtps://, credentials optional), MAIL_FROM and the switches', () => {
    const config = loadConfig(
      {
        SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465',
        MAIL_FROM: 'Slotkit <bookings@example.com>',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        RUN_WORKERS: 'false',
      },
      '/srv',
    )
    expect(config).toMatchObject({
      smtpUrl: 'smtps://user:p%40ss@mail.example.com:465',
      mailFrom: 'Slotkit <bookings@example.com>',
      webhookAllowPrivate: true,
      runWorkers: false,
    })
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'a@b.c' }).mailFrom).toBe(
      'a@b.c',
    )
  })

  it.each([
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_URL', 'not a url'],
    ['MAIL_FROM', 'nobody'],
    ['MAIL_FROM', 'Slotkit <bookings@example.com>\r\nBcc: x@y.z'],
    ['WEBHOOK_ALLOW_PRIVATE', 'maybe'],
    ['RUN_WORKERS', '2'],
  ])('rejects %s=%j naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrowError(
      expect.objectContaining({ variable }),
    )
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError)
  })

  it('never echoes an SMTP password in the error', () => {
    expect(() => loadConfig({ SMTP_URL: 'ftp://user:secret@x' })).toThrowError(
      expect.not.objectContaining({ message: expect.stringContaining('secret') }),
    )
  })
})
