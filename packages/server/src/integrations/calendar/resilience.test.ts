import { describe, expect, it } from 'vitest'
import {
  backoffDelayMs,
  CircuitBreaker,
  KeyedSemaphore,
  parseRetryAfter,
  RequestBudget,
} from './resilience'

describe('backoffDelayMs', () => {
  it('starts at 60 s, doubles per failure, stops at 6 h', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n))).toEqual([60_000, 120_000, 240_000, 480_000])
    expect(backoffDelayMs(20)).toBe(6 * 3600_000)
  })

  it('never waits less than Retry-After (up to the 6 h cap)', () => {
    expect(backoffDelayMs(1, 300_000)).toBe(300_000)
    expect(backoffDelayMs(3, 1000)).toBe(240_000)
    expect(backoffDelayMs(1, 48 * 3600_000)).toBe(6 * 3600_000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2027-03-01T12:00:00Z')
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('2.5', now)).toBe(2500)
    expect(parseRetryAfter('Mon, 01 Mar 2027 12:01:30 GMT', now)).toBe(90_000)
    expect(parseRetryAfter('Mon, 01 Mar 2027 11:00:00 GMT', now)).toBe(0)
  })

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one trial through after openMs, and closes on its success', () => {
    const breaker = new CircuitBreaker({ threshold: 3, openMs: 60_000 })
    for (let i = 0; i < 3; i++) {
      expect(breaker.tryAcquire(0)).toBe(true)
      breaker.failure(0)
    }
    expect(breaker.tryAcquire(1000)).toBe(false)
    expect(breaker.openUntil(1000)).toBe(60_000)
    expect(breaker.tryAcquire(60_000)).toBe(true)
    // Half-open: one trial at a time.
    expect(breaker.tryAcquire(60_001)).toBe(false)
    breaker.success()
    expect(breaker.tryAcquire(60_002)).toBe(true)
    expect(breaker.openUntil(60_002)).toBeUndefined()
  })

  it('a failed trial opens it again for openMs', () => {
    const breaker = new CircuitBreaker({ threshold: 1, openMs: 10_000 })
    breaker.failure(0)
    expect(breaker.tryAcquire(10_000)).toBe(true)
    breaker.failure(10_000)
    expect(breaker.tryAcquire(15_000)).toBe(false)
    expect(breaker.tryAcquire(20_000)).toBe(true)
  })
})

describe('RequestBudget', () => {
  it('allows `limit` requests per key in a sliding window, then says how long to wait', () => {
    const budget = new RequestBudget(3, 60_000)
    expect([0, 10, 20].map((t) => budget.take('a', t))).toEqual([undefined, undefined, undefined])
    expect(budget.take('a', 30)).toBe(59_970)
    // Another account has its own budget.
    expect(budget.take('b', 30)).toBeUndefined()
    // The first request leaves the window after 60 s.
    expect(budget.take('a', 60_001)).toBeUndefined()
    expect(budget.take('a', 60_002)).toBe(8)
  })
})

describe('KeyedSemaphore', () => {
  /** A task that stays open until the test lets it finish. */
  function gate() {
    let open!: () => void
    const opened = new Promise<void>((resolve) => {
      open = resolve
    })
    return { open, opened }
  }

  it('lets at most `limit` tasks of one key run at once, the rest in arrival order', async () => {
    const semaphore = new KeyedSemaphore(2)
    const gates = [gate(), gate(), gate(), gate()]
    const started: number[] = []
    let running = 0
    let most = 0
    const tasks = gates.map((g, i) =>
      semaphore.run('mailbox', async () => {
        started.push(i)
        running += 1
        most = Math.max(most, running)
        await g.opened
        running -= 1
      }),
    )
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).toEqual([0, 1])
    gates[1]!.open()
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).toEqual([0, 1, 2])
    for (const g of gates) g.open()
    await Promise.all(tasks)
    expect(started).toEqual([0, 1, 2, 3])
    expect(most).toBe(2)
    expect(semaphore.held('mailbox')).toBe(0)
  })

  it('keeps keys apart, and gives a place back when a task throws', async () => {
    const semaphore = new KeyedSemaphore(1)
    const blocker = gate()
    const a = semaphore.run('a', () => blocker.opened)
    // Another key is not held up by "a".
    await expect(semaphore.run('b', async () => 'b done')).resolves.toBe('b done')
    await expect(
      semaphore.run('b', async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(semaphore.held('b')).toBe(0)
    blocker.open()
    await a
    expect(semaphore.held('a')).toBe(0)
  })

  it('releases once however often the release is called', async () => {
    const semaphore = new KeyedSemaphore(1)
    const release = await semaphore.acquire('k')
    const second = semaphore.acquire('k')
    release()
    release()
    const releaseSecond = await second
    // The double release did not free a second place: a third waits.
    let third = false
    const thirdAcquired = semaphore.acquire('k').then((r) => {
      third = true
      return r
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(third).toBe(false)
    releaseSecond()
    ;(await thirdAcquired)()
    expect(semaphore.held('k')).toBe(0)
  })
})
