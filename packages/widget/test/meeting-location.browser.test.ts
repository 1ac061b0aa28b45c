// Where the meeting happens, on the widget's confirmation: a Google Meet link
// that the host's calendar makes after the booking (the real write-back job
// against the Google fake the server's tests use, driven by the real
// @googleapis/calendar client), a phone number (the host's, or the invitee's
// asked in the form), an address and a plain link.
import { randomBytes } from 'node:crypto'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
// The server's own Google Calendar fake (test tooling of @slotkit/server, not
// part of its package exports): the widget test needs a real Meet link to come
// back from the write-back, and this is the local peer that speaks Google's wire format.
import { type GoogleFake, startGoogleFake } from '../../server/test/fakes/google-fake'
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

describe.skipIf(!hasChromium())('<schedule-widget> shows where the meeting happens', () => {
  let stack: Stack
  let browser: Browser
  let fake: GoogleFake
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    fake = await startGoogleFake()
    ;[stack, browser] = await Promise.all([
      startStack({
        encryptionKey: randomBytes(32).toString('base64'),
        googleClientId: fake.clientId,
        googleClientSecret: fake.clientSecret,
        googleOauthAuthorizeUrl: fake.urls.authorize,
        googleOauthTokenUrl: fake.urls.token,
        googleOauthRevokeUrl: fake.urls.revoke,
        googleApiUrl: fake.urls.api,
      }),
      launchChromium(),
    ])
  })

  afterAll(async () => {
    await browser?.close()
    await stack?.close()
    await fake?.close()
  })

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()))
  })

  async function open(meetingTypeId: string): Promise<Page & { errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 1000, height: 820 },
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
    })
    contexts.push(context)
    const page = (await context.newPage()) as Page & { errors: string[] }
    page.errors = []
    page.on('pageerror', (error) => page.errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') page.errors.push(message.text())
    })
    await page.goto(
      stack.pageUrl({ attrs: { 'base-url': stack.url, 'meeting-type': meetingTypeId } }),
    )
    return page
  }

  /** Picks the last bookable day's first time and fills in the invitee; stops before submitting. */
  async function fillForm(page: Page): Promise<void> {
    const days = page.locator(`${W} button.day[data-available]`)
    await days.first().waitFor()
    await days.last().click()
    await page.locator(`${W} button.slot`).first().click()
    await page.locator(`${W} form`).waitFor()
    await page.locator(`${W} #name`).fill('Ada Lovelace')
    await page.locator(`${W} #email`).fill('ada@example.com')
  }

  async function submit(page: Page) {
    await page.locator(`${W} button[type=submit]`).click()
    const confirmation = page.locator(`${W} [part=confirmation]`)
    await confirmation.waitFor()
    return confirmation
  }

  /** Connects a fresh account of the fake to the host the way a browser does: authorize, start page, consent, callback. */
  async function connectGoogle(fixture: Fixture): Promise<void> {
    const account = `host-${randomBytes(4).toString('hex')}@example.com`
    fake.addAccount(account)
    const authorized = await stack.api<{ authorization_url: string }>(
      'POST',
      '/api/integrations/google/authorize',
      {},
      fixture.apiKey,
    )
    expect(authorized.status).toBe(200)
    fake.consent = { account }
    // Slotkit's start page names the host; its Continue link goes to the provider's consent.
    const start = await fetch(authorized.body.authorization_url)
    expect(start.status).toBe(200)
    const href = /<a class="continue" href="([^"]+)"/.exec(await start.text())?.[1]
    expect(href).toBeDefined()
    const consentUrl = href!.replace(/&#(\d+);/g, (_, code: string) =>
      String.fromCharCode(Number(code)),
    )
    const consent = await fetch(consentUrl, { redirect: 'manual' })
    const back = new URL(consent.headers.get('location')!)
    const callback = await fetch(`${stack.url}${back.pathname}${back.search}`, {
      redirect: 'manual',
    })
    expect(callback.status).toBeLessThan(400)
  }

  test('a Google Meet booking shows the Meet link once the host calendar made it, without an axe violation', async () => {
    const fixture = await stack.createFixture()
    // Refused until the host has a Google calendar to write to.
    const refused = await stack.api(
      'PATCH',
      `/api/meeting-types/${fixture.meetingTypeId}`,
      { location: { type: 'google_meet' } },
      fixture.apiKey,
    )
    expect(refused).toMatchObject({ status: 409, body: { error: 'LOCATION_UNAVAILABLE' } })
    await connectGoogle(fixture)
    const patched = await stack.api(
      'PATCH',
      `/api/meeting-types/${fixture.meetingTypeId}`,
      { location: { type: 'google_meet' } },
      fixture.apiKey,
    )
    expect(patched.status).toBe(200)

    const page = await open(fixture.meetingTypeId)
    await fillForm(page)
    const confirmation = await submit(page)

    // The booking's reply has no link yet: the write-back job makes it after the commit.
    const booked = (await recordedEvents(page)).find((e) => e.type === 'schedule-booked')!
    expect(booked.detail.booking).toMatchObject({
      location: { type: 'google_meet' },
      meeting_url: null,
      calendar_sync: { state: 'pending' },
    })
    // The widget asks again until the link is there, and shows it as a link.
    const link = confirmation.locator('a[part=meeting-link]')
    await link.waitFor({ timeout: 30_000 })
    const href = await link.getAttribute('href')
    expect(href).toMatch(/^https:\/\/meet\.google\.com\/[a-z0-9-]+$/)
    expect(await link.textContent()).toBe(href)
    expect(await confirmation.textContent()).toContain(`Where${href}`)
    // The same link the API and the host's Google calendar have.
    const stored = await stack.api<{ meeting_url: string; calendar_sync: { state: string } }>(
      'GET',
      `/api/bookings/${booked.detail.booking.id}`,
      undefined,
      fixture.apiKey,
    )
    expect(stored.body).toMatchObject({ meeting_url: href, calendar_sync: { state: 'synced' } })
    await snap(page, 'location-1-google-meet')
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
  })

  test("a phone meeting without the host's number asks for the invitee's and shows it", async () => {
    const fixture = await stack.createFixture({ location: { type: 'phone' } })
    const page = await open(fixture.meetingTypeId)
    await fillForm(page)
    const phone = page.locator(`${W} #q-location_phone`)
    expect(await page.locator(`${W} label[for=q-location_phone]`).textContent()).toContain(
      'Your phone number',
    )
    // Required: the form does not go without it.
    await page.locator(`${W} button[type=submit]`).click()
    await expect.poll(() => page.locator(`${W} .field-error`).count()).toBe(1)
    expect(await axeViolations(page)).toEqual([])
    await phone.fill('+44 20 7946 0958')
    const confirmation = await submit(page)
    await expect.poll(() => confirmation.textContent()).toContain('Where+44 20 7946 0958')
    const booked = (await recordedEvents(page)).find((e) => e.type === 'schedule-booked')!
    expect(booked.detail.booking.location).toEqual({
      type: 'phone',
      number: '+44 20 7946 0958',
      caller: 'host',
    })
    await snap(page, 'location-2-phone-asked')
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
  })

  test("a phone meeting with the host's number shows the number to call", async () => {
    const fixture = await stack.createFixture({
      location: { type: 'phone', number: '+1 212 555 0100' },
    })
    const page = await open(fixture.meetingTypeId)
    await fillForm(page)
    expect(await page.locator(`${W} #q-location_phone`).count()).toBe(0)
    const confirmation = await submit(page)
    await expect.poll(() => confirmation.textContent()).toContain('Where+1 212 555 0100')
  })

  test('an in-person meeting shows its address, and a link meeting its link at once', async () => {
    const address = '221B Baker Street, London NW1 6XE'
    const inPerson = await stack.createFixture({ location: { type: 'in_person', address } })
    let page = await open(inPerson.meetingTypeId)
    await fillForm(page)
    let confirmation = await submit(page)
    await expect.poll(() => confirmation.textContent()).toContain(`Where${address}`)
    await snap(page, 'location-3-in-person')
    expect(await axeViolations(page)).toEqual([])

    const url = 'https://video.example.com/rooms/ada'
    const linked = await stack.createFixture({ location: { type: 'link', url } })
    page = await open(linked.meetingTypeId)
    await fillForm(page)
    confirmation = await submit(page)
    expect(await confirmation.locator('a[part=meeting-link]').getAttribute('href')).toBe(url)
    expect(page.errors).toEqual([])
  })
})
