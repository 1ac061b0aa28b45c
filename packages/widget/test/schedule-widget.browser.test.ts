import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  axeViolations,
  type Fixture,
  hasChromium,
  launchChromium,
  recordedEvents,
  type Stack,
  snap,
  startStack,
} from './harness'

const W = 'schedule-widget'

describe.skipIf(!hasChromium())('<schedule-widget> in Chromium against the real server', () => {
  let stack: Stack
  let browser: Browser
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    ;[stack, browser] = await Promise.all([startStack(), launchChromium()])
  })

  afterAll(async () => {
    await browser?.close()
    await stack?.close()
  })

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()))
  })

  async function open(
    attrs: Record<string, string>,
    options: {
      context?: BrowserContextOptions
      width?: string
      lang?: string
      withBaseUrl?: boolean
      dev?: boolean
      /** Runs before the page loads, e.g. to watch its requests. */
      beforeLoad?: (page: Page) => void
    } = {},
  ): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1000, height: 820 },
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
      ...options.context,
    })
    contexts.push(context)
    const page = await context.newPage()
    const errors: string[] = []
    const devNotice: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
      if (message.text().includes('Lit is in dev mode')) devNotice.push(message.text())
      // Lit's dev mode warns about misuse; only its "dev mode" notice is expected.
      if (message.type() === 'warning' && !message.text().includes('Lit is in dev mode')) {
        errors.push(`warning: ${message.text()}`)
      }
    })
    ;(page as Page & { errors: string[]; devNotice: string[] }).errors = errors
    ;(page as Page & { devNotice: string[] }).devNotice = devNotice
    options.beforeLoad?.(page)
    await page.goto(
      stack.pageUrl({
        attrs: { ...(options.withBaseUrl === false ? {} : { 'base-url': stack.url }), ...attrs },
        ...(options.width ? { width: options.width } : {}),
        ...(options.lang ? { lang: options.lang } : {}),
        ...(options.dev ? { dev: true } : {}),
      }),
    )
    return page
  }

  /** Waits for the month grid with bookable days; returns the last bookable day button (never "today", whose early slots may pass). */
  async function bookableDay(page: Page) {
    const days = page.locator(`${W} button.day[data-available]`)
    await days.first().waitFor()
    return days.last()
  }

  async function focusedInWidget(page: Page) {
    return page.evaluate(() => {
      const el = document.querySelector('schedule-widget')?.shadowRoot
        ?.activeElement as HTMLElement | null
      return el
        ? {
            tag: el.tagName.toLowerCase(),
            cls: el.className,
            text: el.textContent?.trim() ?? '',
            date: el.dataset.date,
          }
        : null
    })
  }

  async function slotsInRange(fixture: Fixture, days: number) {
    const today = new Date().toISOString().slice(0, 10)
    const end = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
    const reply = await stack.api<{
      days: Array<{ date: string; slots: Array<{ start: string; end: string }> }>
    }>(
      'GET',
      `/api/availability/slots?meeting_type_id=${fixture.meetingTypeId}&start_date=${today}&end_date=${end}&timezone=America/New_York`,
    )
    return reply.body.days.flatMap((d) => d.slots)
  }

  async function bookViaApi(fixture: Fixture, start: string) {
    const created = await stack.api<{
      id: string
      cancel_url: string
      reschedule_url: string
      start_time: string
    }>('POST', '/api/bookings', {
      meeting_type_id: fixture.meetingTypeId,
      start_time: start,
      invitee_name: 'Someone Else',
      invitee_email: 'someone@example.com',
      invitee_timezone: 'America/New_York',
    })
    expect(created.status).toBe(201)
    return created.body
  }

  test('books a slot end to end and fires each event with its payload', async () => {
    const fixture = await stack.createFixture({
      questions: [
        { id: 'topic', label: 'What would you like to discuss?', type: 'textarea', required: true },
      ],
    })
    const page = await open({ 'meeting-type': fixture.meetingTypeId })
    await snap(page, 'book-0-first-paint')
    const day = await bookableDay(page)
    await snap(page, 'book-1-calendar')
    const date = await day.getAttribute('data-date')
    await day.click()
    const slot = page.locator(`${W} button.slot`).first()
    await slot.waitFor()
    const slotStart = (await slot.getAttribute('data-start'))!
    expect(slotStart.slice(0, 10)).toBe(date)
    await snap(page, 'book-2-day-selected')
    await slot.click()
    await page.locator(`${W} form`).waitFor()
    expect((await focusedInWidget(page))?.text).toBe('Enter your details')
    await snap(page, 'book-3-form')

    // Submitting empty shows inline errors and focuses the first invalid field.
    await page.locator(`${W} button[type=submit]`).click()
    expect((await focusedInWidget(page))?.tag).toBe('input')
    await expect.poll(() => page.locator(`${W} .field-error`).count()).toBe(3)
    await snap(page, 'book-4-form-invalid')

    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')
    await page.locator(`${W} #q-topic`).fill('Analytical engines')
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    expect((await focusedInWidget(page))?.text).toContain('You are scheduled')
    await snap(page, 'book-5-confirmed')

    const confirmation = page.locator(`${W} [part=confirmation]`)
    await expect.poll(() => confirmation.textContent()).toContain("Host's time (America/New York)")
    const ics = await page.locator(`${W} a[download]`).getAttribute('href')
    expect(ics).toMatch(/^data:text\/calendar/)
    expect(decodeURIComponent(ics!)).toContain(
      `DTSTART:${new Date(slotStart).toISOString().replace(/[-:]|\.\d{3}/g, '')}`,
    )
    expect(await page.locator(`${W} a[href^="https://calendar.google.com"]`).count()).toBe(1)
    expect(await page.locator(`${W} a[href^="https://outlook.live.com"]`).count()).toBe(1)

    const events = await recordedEvents(page)
    expect(events.map((e) => e.type)).toEqual([
      'schedule-ready',
      'schedule-date-selected',
      'schedule-slot-selected',
      'schedule-booked',
    ])
    expect(events.every((e) => e.bubbles && e.composed)).toBe(true)
    const [ready, dateSelected, slotSelected, booked] = events
    expect(ready!.detail).toMatchObject({
      mode: 'book',
      meetingType: { id: fixture.meetingTypeId, name: 'Intro call' },
    })
    expect(dateSelected!.detail).toMatchObject({ date, timeZone: 'Europe/Berlin' })
    expect(dateSelected!.detail.slotCount).toBeGreaterThan(0)
    expect(slotSelected!.detail).toEqual({
      slot: { start: slotStart, end: expect.any(String) },
      timeZone: 'Europe/Berlin',
      durationMinutes: 30,
    })
    const booking = booked!.detail.booking
    expect(booking).toMatchObject({
      status: 'confirmed',
      meeting_type_id: fixture.meetingTypeId,
      invitee_email: 'ada@example.com',
      invitee_timezone: 'Europe/Berlin',
      start_time: new Date(slotStart).toISOString().replace('.000Z', 'Z'),
    })
    expect(booking.cancel_url).toContain('token=')

    // The server has it, with the answer.
    const stored = await stack.api<{ status: string; answers: Record<string, unknown> }>(
      'GET',
      `/api/bookings/${booking.id}`,
      undefined,
      fixture.apiKey,
    )
    expect(stored.body.status).toBe('confirmed')
    expect(stored.body.answers).toEqual({ topic: 'Analytical engines' })
    expect((page as Page & { errors: string[] }).errors).toEqual([])
  })

  test('books with the keyboard only: Tab, arrow keys in the grid, Enter', async () => {
    const fixture = await stack.createFixture()
    const page = await open({ 'meeting-type': fixture.meetingTypeId })
    await bookableDay(page)
    // Tab into the grid: exactly one day is in the tab order (roving tabindex).
    expect(await page.locator(`${W} button.day[tabindex="0"]`).count()).toBe(1)
    for (let i = 0; i < 10 && !(await focusedInWidget(page))?.cls.includes('day'); i++)
      await page.keyboard.press('Tab')
    const start = await focusedInWidget(page)
    expect(start?.cls).toContain('day')
    await page.keyboard.press('ArrowDown')
    const below = await focusedInWidget(page)
    expect(below?.date).not.toBe(start?.date)
    expect(Date.parse(below!.date!) - Date.parse(start!.date!)).toBe(7 * 86_400_000)
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowUp')
    expect((await focusedInWidget(page))?.date).toBe(start?.date)
    await snap(page, 'keyboard-1-grid-focus')
    await page.keyboard.press('Enter')
    await page.locator(`${W} button.slot`).first().waitFor()
    for (let i = 0; i < 10 && !(await focusedInWidget(page))?.cls.includes('slot'); i++)
      await page.keyboard.press('Tab')
    expect((await focusedInWidget(page))?.cls).toContain('slot')
    await snap(page, 'keyboard-2-slot-focus')
    await page.keyboard.press('Enter')
    await page.locator(`${W} form`).waitFor()
    expect((await focusedInWidget(page))?.text).toBe('Enter your details')
    await page.keyboard.press('Tab')
    await page.keyboard.type('Grace Hopper')
    await page.keyboard.press('Tab')
    await page.keyboard.type('grace@example.com')
    await snap(page, 'keyboard-3-form')
    await page.keyboard.press('Enter')
    await page.locator(`${W} [part=confirmation]`).waitFor()
    expect((await focusedInWidget(page))?.text).toContain('You are scheduled')
    await snap(page, 'keyboard-4-confirmed')
    const events = await recordedEvents(page)
    expect(events.at(-1)).toMatchObject({
      type: 'schedule-booked',
      detail: { booking: { invitee_name: 'Grace Hopper' } },
    })
  })

  test('a slot taken behind its back gives a 409: refreshed times and the suggested next one', async () => {
    const fixture = await stack.createFixture()
    const page = await open({ 'meeting-type': fixture.meetingTypeId })
    await (await bookableDay(page)).click()
    const first = page.locator(`${W} button.slot`).first()
    await first.waitFor()
    const taken = (await first.getAttribute('data-start'))!
    await first.click()
    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')

    await bookViaApi(fixture, taken)
    await page.locator(`${W} button[type=submit]`).click()

    const alert = page.locator(`${W} .alert[role=alert]`)
    await alert.waitFor()
    expect(await alert.textContent()).toContain('that time was just taken')
    const suggest = page.locator(`${W} [data-suggest]`)
    expect((await focusedInWidget(page))?.text).toBe((await suggest.textContent())?.trim())
    // The list is reloaded: the taken time is gone, the suggestion is marked.
    await expect.poll(() => page.locator(`${W} button.slot[data-start="${taken}"]`).count()).toBe(0)
    await expect.poll(() => page.locator(`${W} button.slot[data-suggested]`).count()).toBe(1)
    await snap(page, 'conflict-1-refreshed')

    const events = await recordedEvents(page)
    expect(events.at(-1)).toMatchObject({
      type: 'schedule-error',
      detail: { code: 'SLOT_UNAVAILABLE', during: 'submit' },
    })

    await suggest.click()
    // The details typed before are kept.
    expect(await page.locator(`${W} #name`).inputValue()).toBe('Ada Lovelace')
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    await snap(page, 'conflict-2-booked-suggestion')
    const booked = (await recordedEvents(page)).at(-1)!
    expect(booked.type).toBe('schedule-booked')
    expect(Date.parse(booked.detail.booking.start_time)).toBeGreaterThan(Date.parse(taken))
  })

  test('after a 409 the live region counts the times listed now, not the ones before', async () => {
    const fixture = await stack.createFixture()
    const page = await open({ 'meeting-type': fixture.meetingTypeId })
    await (await bookableDay(page)).click()
    const slots = page.locator(`${W} button.slot`)
    await slots.first().waitFor()
    const before = await slots.count()
    const status = page.locator(`${W} [role=status]`)
    expect((await status.textContent())?.trim()).toMatch(
      new RegExp(`^${before} times available on `),
    )
    const taken = (await slots.first().getAttribute('data-start'))!
    await slots.first().click()
    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')

    await bookViaApi(fixture, taken)
    await page.locator(`${W} button[type=submit]`).click()
    // The reloaded list no longer has the taken time: one fewer, and the live region says so.
    await expect.poll(() => page.locator(`${W} button.slot[data-start="${taken}"]`).count()).toBe(0)
    await slots.first().waitFor()
    expect(await slots.count()).toBe(before - 1)
    await expect
      .poll(async () => (await status.textContent())?.trim())
      .toMatch(new RegExp(`^${before - 1} times available on `))
  })

  test("the time-zone button's accessible name is the zone and its offset, without the ▾", async () => {
    const fixture = await stack.createFixture()
    const page = await open({ 'meeting-type': fixture.meetingTypeId })
    await bookableDay(page)
    // Berlin is at +01:00 or +02:00 depending on the day the test runs.
    const toggle = page.getByRole('button', {
      name: /^Time zone Europe\/Berlin \(GMT\+0[12]:00\)$/,
    })
    expect(await toggle.count()).toBe(1)
    // The glyph is still drawn, only not read out.
    expect(await toggle.textContent()).toContain('▾')
    expect(await axeViolations(page)).toEqual([])
  })

  test("writes a zone one way: the host's Asia/Kolkata is the invitee's, in the header and on the confirmation", async () => {
    const fixture = await stack.createFixture({}, 'Asia/Kolkata')
    // Chromium on Debian reports this zone under its old name, Asia/Calcutta.
    const page = await open(
      { 'meeting-type': fixture.meetingTypeId },
      { context: { timezoneId: 'Asia/Kolkata' } },
    )
    await (await bookableDay(page)).click()
    expect(await page.locator(`${W} .zone-toggle`).textContent()).toContain(
      'Asia/Kolkata (GMT+05:30)',
    )
    await page.locator(`${W} button.slot`).first().click()
    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')
    await page.locator(`${W} button[type=submit]`).click()
    const confirmation = page.locator(`${W} [part=confirmation]`)
    await confirmation.waitFor()
    const text = (await confirmation.textContent()) ?? ''
    expect(text).toContain('Your time (Asia/Kolkata)')
    // One zone, so one line: no "Host's time" for the same zone under another name.
    expect(text).not.toContain("Host's time")
    expect(await page.locator(W).evaluate((el) => el.shadowRoot!.textContent)).not.toContain(
      'Calcutta',
    )
  })

  test('a browser that reports Asia/Katmandu shows and sends Asia/Kathmandu', async () => {
    const fixture = await stack.createFixture()
    const requests: Array<{ url: URL; body: string | null }> = []
    const page = await open(
      { 'meeting-type': fixture.meetingTypeId },
      {
        context: { timezoneId: 'Asia/Katmandu' },
        beforeLoad: (p) =>
          p.on('request', (r) => requests.push({ url: new URL(r.url()), body: r.postData() })),
      },
    )
    await (await bookableDay(page)).click()
    expect(await page.locator(`${W} .zone-toggle`).textContent()).toContain(
      'Asia/Kathmandu (GMT+05:45)',
    )
    await page.locator(`${W} button.slot`).first().click()
    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()

    const slotQueries = requests.filter((r) => r.url.pathname === '/api/availability/slots')
    expect(slotQueries.length).toBeGreaterThan(0)
    expect(slotQueries.map((r) => r.url.searchParams.get('timezone'))).toEqual(
      slotQueries.map(() => 'Asia/Kathmandu'),
    )
    const posted = requests.find((r) => r.url.pathname === '/api/bookings' && r.body)
    expect(JSON.parse(posted!.body!).invitee_timezone).toBe('Asia/Kathmandu')
    const events = await recordedEvents(page)
    expect(
      events.filter((e) => e.detail?.timeZone !== undefined).map((e) => e.detail.timeZone),
    ).toEqual(['Asia/Kathmandu', 'Asia/Kathmandu'])
    expect(await page.locator(W).evaluate((el) => el.shadowRoot!.textContent)).not.toContain(
      'Katmandu',
    )
  })

  test('reschedule mode moves the booking from the e-mail link', async () => {
    const fixture = await stack.createFixture()
    const [original] = (await slotsInRange(fixture, 10)).slice(-1)
    const created = await bookViaApi(fixture, original!.start)
    const token = new URL(created.reschedule_url).searchParams.get('token')!
    const page = await open({ mode: 'reschedule', 'booking-id': created.id, token })
    await page.locator(`${W} .summary`).first().waitFor()
    const day = await bookableDay(page)
    await snap(page, 'reschedule-1-calendar')
    await day.click()
    // The day's last time, unless that is the booking's own (then its first).
    let slot = page.locator(`${W} button.slot`).last()
    await slot.waitFor()
    if (Date.parse((await slot.getAttribute('data-start'))!) === Date.parse(original!.start)) {
      slot = page.locator(`${W} button.slot`).first()
    }
    const newStart = (await slot.getAttribute('data-start'))!
    expect(Date.parse(newStart)).not.toBe(Date.parse(original!.start))
    await slot.click()
    const move = page.locator(`${W} button.primary`)
    expect(await move.textContent()).toContain('Move to')
    await snap(page, 'reschedule-2-confirm')
    await move.click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    expect(await page.locator(`${W} [part=confirmation] [part=title]`).textContent()).toContain(
      'Your booking was moved',
    )
    await snap(page, 'reschedule-3-done')

    const events = await recordedEvents(page)
    expect(events[0]).toMatchObject({
      type: 'schedule-ready',
      detail: { mode: 'reschedule', booking: { id: created.id } },
    })
    const moved = events.at(-1)!
    expect(moved.type).toBe('schedule-rescheduled')
    expect(Date.parse(moved.detail.booking.start_time)).toBe(Date.parse(newStart))
    const old = await stack.api<{ status: string }>(
      'GET',
      `/api/bookings/${created.id}`,
      undefined,
      fixture.apiKey,
    )
    expect(old.body.status).toBe('rescheduled')
  })

  test('cancel mode cancels the booking with a reason', async () => {
    const fixture = await stack.createFixture()
    const [slot] = await slotsInRange(fixture, 10)
    const created = await bookViaApi(fixture, slot!.start)
    const token = new URL(created.cancel_url).searchParams.get('token')!
    const page = await open({ mode: 'cancel', 'booking-id': created.id, token })
    const form = page.locator(`${W} form`)
    await form.waitFor()
    await snap(page, 'cancel-1-form')
    expect(await axeViolations(page)).toEqual([])
    await page.locator(`${W} #cancel-reason`).fill('Something came up')
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    expect(await page.locator(`${W} [part=confirmation] [part=title]`).textContent()).toContain(
      'Your booking was cancelled',
    )
    await snap(page, 'cancel-2-done')
    const cancelled = (await recordedEvents(page)).at(-1)!
    expect(cancelled).toMatchObject({
      type: 'schedule-cancelled',
      detail: { booking: { id: created.id, status: 'cancelled' } },
    })
    const stored = await stack.api<{ status: string }>(
      'GET',
      `/api/bookings/${created.id}`,
      undefined,
      fixture.apiKey,
    )
    expect(stored.body.status).toBe('cancelled')

    // Opening the link again: the booking is no longer active.
    const again = await open({ mode: 'cancel', 'booking-id': created.id, token })
    await again.getByText('This booking is no longer active.').waitFor()
  })

  test('axe finds no violations on the calendar, times, form and confirmation', async () => {
    const fixture = await stack.createFixture({
      duration_options_minutes: [60],
      questions: [
        {
          id: 'size',
          label: 'Team size',
          type: 'select',
          required: false,
          options: ['1–10', '11–50'],
        },
        { id: 'terms', label: 'I accept the terms', type: 'checkbox', required: true },
        { id: 'phone', label: 'Phone', type: 'phone', required: false },
      ],
    })
    const page = await open({ 'meeting-type': fixture.meetingTypeId })
    await (await bookableDay(page)).click()
    await page.locator(`${W} button.slot`).first().waitFor()
    expect(await axeViolations(page)).toEqual([])
    // The zone picker, open and searched.
    await page.locator(`${W} .zone-toggle`).click()
    await page.keyboard.type('kolk')
    await snap(page, 'a11y-1-zone-search')
    expect(await axeViolations(page)).toEqual([])
    await page.keyboard.press('Enter')
    await expect
      .poll(() => page.locator(`${W} .zone-toggle`).textContent())
      .toContain('Asia/Kolkata')
    await page.locator(`${W} button.slot`).first().click()
    await page.locator(`${W} button[type=submit]`).click()
    expect(await axeViolations(page)).toEqual([])
    await page.locator(`${W} #name`).fill('Ada')
    await page.locator(`${W} #email`).fill('ada@example.com')
    await page.locator(`${W} #q-terms`).check()
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    expect(await axeViolations(page)).toEqual([])
    const booked = (await recordedEvents(page)).at(-1)!
    expect(booked.detail.booking).toMatchObject({
      invitee_timezone: 'Asia/Kolkata',
      answers: { terms: true },
    })
  })

  test('in a narrow container the times stack under the calendar', async () => {
    const fixture = await stack.createFixture()
    const page = await open(
      { 'meeting-type': fixture.meetingTypeId },
      { width: '340px', context: { viewport: { width: 420, height: 900 } } },
    )
    await (await bookableDay(page)).click()
    await page.locator(`${W} button.slot`).first().waitFor()
    const calendar = await page.locator(`${W} [part=calendar]`).boundingBox()
    const slots = await page.locator(`${W} [part=slots]`).boundingBox()
    expect(slots!.y).toBeGreaterThan(calendar!.y + calendar!.height - 1)
    expect(slots!.x).toBeCloseTo(calendar!.x, 0)
    await snap(page, 'narrow-1-calendar')
    await page.locator(`${W} button.slot`).first().click()
    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    await snap(page, 'narrow-2-confirmed')
    // Every button and link stays inside the narrow box.
    const overflow = await page.evaluate(() => {
      const root = document.querySelector('schedule-widget')!.shadowRoot!
      const box = root.querySelector('.root')!.getBoundingClientRect()
      return [...root.querySelectorAll('a, button')].filter(
        (el) => el.getBoundingClientRect().right > box.right + 1,
      ).length
    })
    expect(overflow).toBe(0)
  })

  test('follows prefers-color-scheme, and theme="dark" pins dark on a light page', async () => {
    const fixture = await stack.createFixture()
    const background = (page: Page) =>
      page.evaluate(() => {
        const root = document.querySelector('schedule-widget')!.shadowRoot!.querySelector('.root')!
        return getComputedStyle(root).backgroundColor
      })
    const auto = await open(
      { 'meeting-type': fixture.meetingTypeId },
      { context: { colorScheme: 'dark' } },
    )
    await (await bookableDay(auto)).click()
    await auto.locator(`${W} button.slot`).first().waitFor()
    expect(await background(auto)).toBe('rgb(21, 23, 29)')
    await snap(auto, 'dark-1-prefers-color-scheme')
    expect(await axeViolations(auto)).toEqual([])
    await auto.locator(`${W} button.slot`).first().click()
    await auto.locator(`${W} button[type=submit]`).click()
    await snap(auto, 'dark-2-form-invalid')
    expect(await axeViolations(auto)).toEqual([])

    const pinned = await open(
      { 'meeting-type': fixture.meetingTypeId, theme: 'dark' },
      { context: { colorScheme: 'light' } },
    )
    await bookableDay(pinned)
    expect(await background(pinned)).toBe('rgb(21, 23, 29)')
    const light = await open(
      { 'meeting-type': fixture.meetingTypeId, theme: 'light' },
      { context: { colorScheme: 'dark' } },
    )
    await bookableDay(light)
    expect(await background(light)).toBe('rgb(255, 255, 255)')
  })

  test('speaks German with a 24-hour clock and a Monday week start', async () => {
    const fixture = await stack.createFixture()
    const page = await open({ 'meeting-type': fixture.meetingTypeId, locale: 'de-DE' })
    await (await bookableDay(page)).click()
    const slot = page.locator(`${W} button.slot`).first()
    await slot.waitFor()
    expect(await slot.textContent()).toMatch(/^\s*\d{2}:\d{2}\s*$/)
    expect(await page.locator(`${W} th`).first().textContent()).toBe('Mo')
    // The German catalog is fetched on demand (usually before the month arrives).
    await expect.poll(() => page.locator(`${W} .zone-toggle`).textContent()).toContain('Zeitzone')
    await snap(page, 'i18n-1-german')
    // hour12 overrides the locale.
    const twelve = await open({
      'meeting-type': fixture.meetingTypeId,
      locale: 'de-DE',
      hour12: 'true',
    })
    await (await bookableDay(twelve)).click()
    await twelve.locator(`${W} button.slot`).first().waitFor()
    expect(await twelve.locator(`${W} button.slot`).first().textContent()).toMatch(/AM|PM/)
  })

  test('shows skeletons while loading, never a blank box', async () => {
    const fixture = await stack.createFixture()
    const context = await browser.newContext({
      viewport: { width: 1000, height: 700 },
      timezoneId: 'Europe/Berlin',
    })
    contexts.push(context)
    const page = await context.newPage()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    await page.route('**/api/meeting-types/**', async (route) => {
      await gate
      await route.continue()
    })
    await page.goto(
      stack.pageUrl({ attrs: { 'base-url': stack.url, 'meeting-type': fixture.meetingTypeId } }),
    )
    const skeleton = page.locator(`${W} .skeleton`).first()
    await skeleton.waitFor()
    expect(await page.locator(`${W} [part=root]`).getAttribute('aria-busy')).toBe('true')
    await snap(page, 'state-1-loading')
    release()
    await bookableDay(page)
  })

  test('an unknown meeting type shows an inline error with a retry, and fires schedule-error', async () => {
    const page = await open({ 'meeting-type': '00000000-0000-4000-8000-000000000000' })
    const alert = page.locator(`${W} .alert[role=alert]`)
    await alert.waitFor()
    expect(await alert.textContent()).toContain('We could not load this page.')
    expect(await page.locator(`${W} .alert button`).textContent()).toContain('Try again')
    await snap(page, 'state-2-error')
    const [event] = await recordedEvents(page)
    expect(event).toMatchObject({
      type: 'schedule-error',
      detail: { code: 'NOT_FOUND', during: 'load' },
    })
  })

  test('a meeting type with nothing bookable says so', async () => {
    const fixture = await stack.createFixture({ max_days_ahead: 0, min_notice_minutes: 24 * 60 })
    const page = await open({ 'meeting-type': fixture.meetingTypeId })
    await page.getByText(/No times available in/).waitFor()
    expect(await page.locator(`${W} button.day[data-available]`).count()).toBe(0)
    await snap(page, 'state-3-empty')
  })

  test('a failed month load shows an inline error; Try again reloads it', async () => {
    const fixture = await stack.createFixture()
    const context = await browser.newContext({
      viewport: { width: 1000, height: 700 },
      timezoneId: 'Europe/Berlin',
    })
    contexts.push(context)
    const page = await context.newPage()
    // Every attempt fails (the client retries GETs on 5xx) until the test lets them through.
    let failures = 100
    await page.route('**/api/availability/slots?*', async (route) => {
      if (failures-- > 0) {
        await route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: 'SERVICE_UNAVAILABLE', message: 'Database is restarting' }),
        })
      } else await route.continue()
    })
    await page.goto(
      stack.pageUrl({ attrs: { 'base-url': stack.url, 'meeting-type': fixture.meetingTypeId } }),
    )
    const alert = page.locator(`${W} [part=slots] .alert[role=alert]`)
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toContain('We could not load the available times.')
    await snap(page, 'state-4-slots-error')
    const events = await recordedEvents(page)
    expect(events.at(-1)).toMatchObject({
      type: 'schedule-error',
      detail: { code: 'SERVICE_UNAVAILABLE', during: 'slots' },
    })
    failures = 0
    await alert.getByRole('button', { name: 'Try again' }).click()
    await bookableDay(page)
  })

  test('honours prefers-reduced-motion', async () => {
    const fixture = await stack.createFixture()
    const page = await open(
      { 'meeting-type': fixture.meetingTypeId },
      { context: { reducedMotion: 'reduce' } },
    )
    await bookableDay(page)
    const animation = await page.evaluate(() => {
      const root = document.querySelector('schedule-widget')!.shadowRoot!.querySelector('.root')!
      return getComputedStyle(root).animationName
    })
    expect(animation).toBe('none')
  })

  test("runs the whole flow under Lit's dev mode without a warning", async () => {
    const fixture = await stack.createFixture({
      duration_options_minutes: [60],
      questions: [{ id: 'topic', label: 'Topic', type: 'text', required: false }],
    })
    const page = await open({ 'meeting-type': fixture.meetingTypeId }, { dev: true })
    await page.locator(`${W} [aria-pressed=false]`).first().click() // the 60-minute option
    await (await bookableDay(page)).click()
    await page.locator(`${W} button.slot`).first().click()
    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    const booked = (await recordedEvents(page)).at(-1)!
    expect(booked.detail.booking.duration_minutes).toBe(60)
    // Dev mode was on (its notice was printed), and nothing else was.
    expect((page as Page & { devNotice: string[] }).devNotice.length).toBeGreaterThan(0)
    expect((page as Page & { errors: string[] }).errors).toEqual([])
  })
})
