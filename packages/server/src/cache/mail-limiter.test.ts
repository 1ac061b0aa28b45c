import { describe, expect, it } from 'vitest'
import { MAIL_WINDOW_MS, MemoryMailLimiter, recipientId } from './mail-limiter'

describe('MemoryMailLimiter', () => {
  it('takes from both budgets until one is spent, then again once its hour is over', async () => {
    let now = Date.parse('2027-03-01T12:00:00Z')
    const limiter = new MemoryMailLimiter(
      { perRecipientPerHour: 2, perClientPerHour: 10 },
      () => now,
    )
    expect(await limiter.take('ada@example.com', '203.0.113.7')).toBeUndefined()
    now += 30 * 60_000
    expect(await limiter.take('ada@example.com', '203.0.113.8')).toBeUndefined()
    expect(await limiter.take('ada@example.com', '203.0.113.9')).toBe('recipient')
    expect(await limiter.suppressed()).toBe(1)
    // The window started with the first e-mail, at 12:00.
    now = Date.parse('2027-03-01T12:00:00Z') + MAIL_WINDOW_MS
    expect(await limiter.take('ada@example.com', '203.0.113.9')).toBeUndefined()
  })

  it('spends nothing of either budget for an e-mail it leaves out', async () => {
    const limiter = new MemoryMailLimiter({ perRecipientPerHour: 1, perClientPerHour: 2 })
    expect(await limiter.take('a@example.com', 'c1')).toBeUndefined()
    expect(await limiter.take('a@example.com', 'c1')).toBe('recipient')
    // c1 sent one e-mail only, so one is left.
    expect(await limiter.take('b@example.com', 'c1')).toBeUndefined()
    expect(await limiter.take('c@example.com', 'c1')).toBe('client')
    expect(await limiter.suppressed()).toBe(2)
  })

  it('treats a limit of 0 as no limit', async () => {
    const limiter = new MemoryMailLimiter({ perRecipientPerHour: 0, perClientPerHour: 1 })
    expect(await limiter.take('a@example.com', 'c1')).toBeUndefined()
    expect(await limiter.take('a@example.com', 'c2')).toBeUndefined()
    expect(await limiter.take('a@example.com', 'c2')).toBe('client')
  })
})

describe('recipientId', () => {
  it('counts one mailbox however its address is written, and never contains it', () => {
    const id = recipientId('ada@example.com')
    expect(recipientId(' Ada@Example.COM ')).toBe(id)
    expect(recipientId('ada+newsletter@example.com')).toBe(id)
    expect(recipientId('ada@example.org')).not.toBe(id)
    expect(recipientId('bob@example.com')).not.toBe(id)
    expect(id).toMatch(/^[0-9a-f]{32}$/)
  })
})
