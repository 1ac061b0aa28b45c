import type { Browser, BrowserContext, BrowserContextOptions, Page, Request } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { en, type LocaleCatalog, type PluralMessage } from '../src/i18n/catalog'
import { ar } from '../src/i18n/locales/ar'
import { fr } from '../src/i18n/locales/fr'
import { ja } from '../src/i18n/locales/ja'
import {
  axeViolations,
  hasChromium,
  launchChromium,
  type PageOptions,
  recordedEvents,
  type Stack,
  snap,
  startStack,
} from './harness'

const W = 'schedule-widget'

/** A message's texts: the string, or each plural form. */
const textsOf = (message: string | PluralMessage) =>
  typeof message === 'string' ? [message] : Object.values(message)

/**
 * The English strings a page in `catalog`'s language must not show: every
 * English message (each plural form) that the language writes differently, as
 * a pattern where a placeholder matches anything.
 */
function englishLeftovers(catalog: LocaleCatalog): RegExp[] {
  const own = new Set(Object.values(catalog.messages).flatMap((m) => textsOf(m!)))
  return Object.values(en)
    .flatMap(textsOf)
    .filter((text) => !own.has(text))
    .map((text) => {
      const source = text
        .split(/\{\w+\}/)
        .map((part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.+?')
      return new RegExp(`(^|[^\\p{L}])${source}($|[^\\p{L}])`, 'u')
    })
}

/** Every text of the widget's shadow DOM, and the labels it gives assistive technology. */
function widgetTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector('schedule-widget')!.shadowRoot!
    const texts: string[] = []
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('style')) continue
      const text = node.textContent?.replace(/\s+/g, ' ').trim()
      if (text) texts.push(text)
    }
    for (const el of root.querySelectorAll('[aria-label], [placeholder], [title]'))
      for (const name of ['aria-label', 'placeholder', 'title'])
        if (el.getAttribute(name)) texts.push(el.getAttribute(name)!)
    return texts
  })
}

async function expectNoEnglish(page: Page, catalog: LocaleCatalog, where: string) {
  const patterns = englishLeftovers(catalog)
  const texts = await widgetTexts(page)
  expect(texts.length, where).toBeGreaterThan(5)
  const english = texts.filter((text) => patterns.some((p) => p.test(text)))
  expect(english, where).toEqual([])
}

describe.skipIf(!hasChromium())('<schedule-widget> in other languages, in Chromium', () => {
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
    page: Partial<PageOptions> & { attrs: Record<string, string> },
    context: BrowserContextOptions = {},
    beforeLoad?: (page: Page) => Promise<void> | void,
  ): Promise<Page & { errors: string[] }> {
    const ctx = await browser.newContext({
      viewport: { width: 1000, height: 900 },
      timezoneId: 'Europe/Paris',
      ...context,
    })
    contexts.push(ctx)
    const tab = (await ctx.newPage()) as Page & { errors: string[] }
    tab.errors = []
    tab.on('pageerror', (error) => tab.errors.push(error.message))
    tab.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') tab.errors.push(m.text())
    })
    await beforeLoad?.(tab)
    await tab.goto(stack.pageUrl({ ...page, attrs: { 'base-url': stack.url, ...page.attrs } }))
    return tab
  }

  async function bookableDay(page: Page) {
    const days = page.locator(`${W} button.day[data-available]`)
    await days.first().waitFor()
    return days.last()
  }

  /**
   * The booking flow, checked at each step (calendar, times, invalid form,
   * confirmation) with axe and for English left on screen; returns the
   * request body the widget sent.
   */
  async function bookThrough(page: Page, catalog: LocaleCatalog, name: string) {
    const m = catalog.messages
    const sent: Request[] = []
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/bookings')) sent.push(r)
    })
    const day = await bookableDay(page)
    await page.locator(`${W} [part=slots] h3`, { hasText: m.chooseTime! }).waitFor()
    await snap(page, `${name}-1-calendar`)
    expect(await axeViolations(page)).toEqual([])
    await expectNoEnglish(page, catalog, 'calendar')

    await day.click()
    await page.locator(`${W} button.slot`).first().waitFor()
    await expect.poll(() => page.locator(`${W} [role=status]`).textContent()).not.toBe('')
    expect(await axeViolations(page)).toEqual([])
    await expectNoEnglish(page, catalog, 'times')

    await page.locator(`${W} button.slot`).first().click()
    await page.locator(`${W} form`).waitFor()
    await page.locator(`${W} button[type=submit]`).click()
    await expect.poll(() => page.locator(`${W} .field-error`).count()).toBe(2)
    expect(await page.locator(`${W} .field-error`).first().textContent()).toBe(m.fieldRequired)
    await snap(page, `${name}-2-form-invalid`)
    expect(await axeViolations(page)).toEqual([])
    await expectNoEnglish(page, catalog, 'form')

    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')
    await page.locator(`${W} button[type=submit]`).click()
    await page.locator(`${W} [part=confirmation]`).waitFor()
    expect(await page.locator(`${W} [part=confirmation] h2[part=title]`).textContent()).toContain(
      m.booked,
    )
    await snap(page, `${name}-3-confirmed`)
    expect(await axeViolations(page)).toEqual([])
    await expectNoEnglish(page, catalog, 'confirmation')
    expect(sent).toHaveLength(1)
    return sent[0]!.postDataJSON() as Record<string, unknown>
  }

  test('books in French: every label French, axe clean, the booking sent with fr-FR', async () => {
    const fixture = await stack.createFixture()
    const page = await open(
      { attrs: { 'meeting-type': fixture.meetingTypeId }, lang: 'fr-FR' },
      { locale: 'fr-FR' },
    )
    const body = await bookThrough(page, fr, 'fr')
    expect(body.locale).toBe('fr-FR')
    // Intl does the dates: French month names, Monday first.
    expect(await page.locator(`${W} [part=confirmation]`).textContent()).toMatch(
      /(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)/,
    )
    expect(page.errors).toEqual([])
  })

  test('books in Japanese, with its one plural form in the live region', async () => {
    const fixture = await stack.createFixture()
    const page = await open(
      { attrs: { 'meeting-type': fixture.meetingTypeId, locale: 'ja-JP' }, lang: 'en' },
      { locale: 'ja-JP', timezoneId: 'Asia/Tokyo' },
    )
    const body = await bookThrough(page, ja, 'ja')
    expect(body.locale).toBe('ja-JP')
    const booked = (await recordedEvents(page)).find((e) => e.type === 'schedule-date-selected')!
    expect(booked.detail.slotCount).toBeGreaterThan(1)
    expect(page.errors).toEqual([])
  })

  test('books in Arabic, right to left: mirrored grid, month arrows and arrow keys', async () => {
    const fixture = await stack.createFixture()
    const page = await open(
      { attrs: { 'meeting-type': fixture.meetingTypeId }, lang: 'ar-EG' },
      { locale: 'ar-EG', timezoneId: 'Africa/Cairo' },
    )
    await bookableDay(page)
    await page.locator(`${W} [part=slots] h3`, { hasText: ar.messages.chooseTime! }).waitFor()
    expect(await page.locator(`${W} [part=root]`).getAttribute('dir')).toBe('rtl')

    // The week runs right to left: its first day is the rightmost column.
    const headers = page.locator(`${W} th`)
    const first = (await headers.first().boundingBox())!
    const last = (await headers.last().boundingBox())!
    expect(first.x).toBeGreaterThan(last.x)
    // "Previous month" sits at the start of the line: the right.
    const previous = (await page
      .getByRole('button', { name: ar.messages.previousMonth })
      .boundingBox())!
    const next = (await page.getByRole('button', { name: ar.messages.nextMonth }).boundingBox())!
    expect(previous.x).toBeGreaterThan(next.x)

    // ArrowLeft goes to the next day (it sits to the left), ArrowRight to the one before.
    const focusable = page.locator(`${W} button.day[tabindex="0"]`)
    await focusable.focus()
    const start = (await focusable.getAttribute('data-date'))!
    const startBox = (await focusable.boundingBox())!
    const focusedDate = () =>
      page.evaluate(
        () =>
          (document.querySelector('schedule-widget')!.shadowRoot!.activeElement as HTMLElement)
            ?.dataset.date,
      )
    const plusDays = (date: string, n: number) =>
      new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
    await page.keyboard.press('ArrowLeft')
    const moved = await focusedDate()
    expect(moved).toBe(plusDays(start, 1))
    // Unless the week wrapped, the next day is drawn to the left.
    const movedBox = (await page.locator(`${W} button.day[data-date="${moved}"]`).boundingBox())!
    if (movedBox.y === startBox.y) expect(movedBox.x).toBeLessThan(startBox.x)
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    expect(await focusedDate()).toBe(plusDays(start, -1))
    await page.keyboard.press('ArrowLeft')

    const body = await bookThrough(page, ar, 'ar')
    expect(body.locale).toBe('ar-EG')
    await snap(page, 'ar-4-rtl')
    expect(page.errors).toEqual([])
  })

  test.each([
    ['wide', '900px', 1000],
    ['narrow', '340px', 420],
  ])(
    'shows English until the language arrives, then swaps it in without moving anything (%s)',
    async (name, width, viewport) => {
      const fixture = await stack.createFixture()
      let release!: () => void
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const page = await open(
        { attrs: { 'meeting-type': fixture.meetingTypeId }, lang: 'fr', width },
        // No fade-in: its translateY would move the boxes while they are measured.
        { locale: 'fr-FR', viewport: { width: viewport, height: 1000 }, reducedMotion: 'reduce' },
        async (tab) => {
          await tab.route('**/widget/i18n/fr.js', async (route) => {
            await gate
            await route.continue()
          })
        },
      )
      await bookableDay(page)
      // Not held back by the catalog: the flow is there, in English.
      await page.locator(`${W} [part=slots] h3`, { hasText: en.chooseTime }).waitFor()
      const boxes = () =>
        page.evaluate(() => {
          const root = document.querySelector('schedule-widget')!.shadowRoot!
          const box = (selector: string) => {
            const r = root.querySelector(selector)!.getBoundingClientRect()
            return [r.x, r.y, r.width, r.height].map((n) => Math.round(n))
          }
          const line = (selector: string) => box(selector).filter((_, i) => i !== 2)
          return {
            root: box('[part=root]'),
            header: box('[part=header]'),
            calendar: box('[part=calendar]'),
            grid: box('[part=calendar-grid]'),
            slots: box('[part=slots]'),
            monthTitle: box('#month-title'),
            // The zone button's text may be longer or shorter: only its line must stay.
            zone: line('.zone-toggle'),
            slotsTitle: line('#slots-title'),
          }
        })
      const before = await boxes()
      await snap(page, `fr-0-${name}-english-first`)
      release()
      await page.locator(`${W} [part=slots] h3`, { hasText: fr.messages.chooseTime! }).waitFor()
      await snap(page, `fr-0-${name}-french-arrived`)
      expect(await boxes()).toEqual(before)
    },
  )

  test('a drop-in from another origin loads its language from next to the bundle', async () => {
    const fixture = await stack.createFixture()
    // Same server, other origin: the page is on 127.0.0.1, the bundle on localhost.
    const other = stack.url.replace('127.0.0.1', 'localhost')
    const fetched: string[] = []
    const page = await open(
      { attrs: { 'meeting-type': fixture.meetingTypeId }, lang: 'ja', scriptOrigin: other },
      { locale: 'ja-JP' },
      (tab) => {
        tab.on('requestfinished', (r) => {
          if (r.url().includes('/widget/')) fetched.push(r.url())
        })
      },
    )
    await bookableDay(page)
    await page.locator(`${W} [part=slots] h3`, { hasText: ja.messages.chooseTime! }).waitFor()
    expect(fetched).toEqual([`${other}/widget/schedule-widget.js`, `${other}/widget/i18n/ja.js`])
    expect(page.errors).toEqual([])
  })

  test('a language without a catalog stays English and fetches nothing', async () => {
    const fixture = await stack.createFixture()
    const fetched: string[] = []
    const page = await open(
      { attrs: { 'meeting-type': fixture.meetingTypeId }, lang: 'ko-KR' },
      { locale: 'ko-KR' },
      (tab) => {
        tab.on('request', (r) => {
          if (r.url().includes('/widget/i18n/')) fetched.push(r.url())
        })
      },
    )
    await bookableDay(page)
    await page.locator(`${W} [part=slots] h3`, { hasText: en.chooseTime }).waitFor()
    // Korean dates, English words.
    expect(await page.locator(`${W} #month-title`).textContent()).toMatch(/\d{4}년 \d{1,2}월/)
    expect(fetched).toEqual([])
    expect(page.errors).toEqual([])
  })
})
