import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, SLOT_REJECTION_REASONS } from '../errors/codes'
import * as api from './index'
import {
  AvailabilitySchema,
  BookingListSchema,
  CancelBookingBodySchema,
  CreateBookingBodySchema,
  CreateBookingReplySchema,
  CreateMeetingTypeBodySchema,
  CreateUserBodySchema,
  CreateUserReplySchema,
  CreateWebhookBodySchema,
  DateTimeSchema,
  EmailSchema,
  EndTimeSchema,
  ErrorReplySchema,
  IsoDateSchema,
  ListBookingsQuerySchema,
  LocaleSchema,
  MeetingTypeSchema,
  NameSchema,
  PatchMeetingTypeBodySchema,
  PatchUserBodySchema,
  PublicMeetingTypeSchema,
  PutAvailabilityBodySchema,
  RescheduleBookingBodySchema,
  SlotsDayReplySchema,
  SlotsQuerySchema,
  SlotsRangeReplySchema,
  SlotsReplySchema,
  SlotUnavailableReplySchema,
  StartTimeSchema,
  TimeZoneSchema,
  UuidSchema,
} from './index'

const ID = '3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b'
const ID2 = '00000000-0000-4000-8000-000000000001'

const booking = {
  id: ID,
  status: 'confirmed',
  meeting_type_id: ID2,
  user_id: ID2,
  start_time: '2027-03-14T13:00:00Z',
  end_time: '2027-03-14T13:30:00Z',
  duration_minutes: 30,
  invitee_name: 'Ada Lovelace',
  invitee_email: 'ada@example.com',
  invitee_timezone: 'Europe/London',
  answers: { topic: 'Engines', agree: true, langs: ['en', 'fr'] },
  calendar_event_id: null,
  location: null,
  meeting_url: null,
  calendar_sync: { state: 'not_applicable' },
  created_at: '2027-03-01T10:00:00.123Z',
}

describe('primitive formats', () => {
  it.each([
    [UuidSchema, ID, true],
    [UuidSchema, ID.toUpperCase(), true],
    [UuidSchema, 'not-a-uuid', false],
    [IsoDateSchema, '2027-03-14', true],
    [IsoDateSchema, '2027-13-01', false],
    [IsoDateSchema, '2027-3-14', false],
    [StartTimeSchema, '00:00', true],
    [StartTimeSchema, '23:59', true],
    [StartTimeSchema, '24:00', false],
    [StartTimeSchema, '9:00', false],
    [EndTimeSchema, '24:00', true],
    [EndTimeSchema, '24:01', false],
    [DateTimeSchema, '2027-03-14T09:00:00-04:00', true],
    [DateTimeSchema, '2027-03-14T13:00:00Z', true],
    [DateTimeSchema, '2027-03-14T13:00:00.5+05:45', true],
    [DateTimeSchema, '2027-03-14T13:00:00', false],
    [DateTimeSchema, '2027-03-14 13:00:00Z', false],
    [DateTimeSchema, '1700000000000', false],
    [TimeZoneSchema, 'America/Argentina/Buenos_Aires', true],
    [TimeZoneSchema, 'Etc/GMT+5', true],
    [TimeZoneSchema, 'UTC', true],
    [TimeZoneSchema, '', false],
    [TimeZoneSchema, '../etc/passwd', false],
    [LocaleSchema, 'fr', true],
    [LocaleSchema, 'pt-BR', true],
    [LocaleSchema, 'zh-Hans-CN', true],
    [LocaleSchema, 'de-DE-u-co-phonebk', true],
    [LocaleSchema, 'en_US', false],
    [LocaleSchema, 'f', false],
    [LocaleSchema, 'fr-', false],
    [LocaleSchema, '<script>', false],
    [LocaleSchema, `en-${'x'.repeat(8)}-${'y'.repeat(8)}-${'z'.repeat(8)}-a1b2c3`, false],
    [EmailSchema, 'ada@example.com', true],
    [EmailSchema, 'ada@example', false],
    [EmailSchema, 'ada lovelace@example.com', false],
    [EmailSchema, `${'a'.repeat(243)}@example.com`, false],
    [NameSchema, 'x'.repeat(200), true],
    [NameSchema, 'x'.repeat(201), false],
    [NameSchema, '   ', false],
    [NameSchema, '', false],
    // PostgreSQL cannot store NUL, and names are single-line.
    [NameSchema, 'A\u0000B', false],
    [NameSchema, 'Ada\nLovelace', false],
    [NameSchema, 'Zoë Ångström', true],
    [EmailSchema, 'a\u0000@example.com', false],
    // Years outside 1900–2199 are refused before anything derives dates from them.
    [IsoDateSchema, '9999-12-29', false],
    [IsoDateSchema, '1899-12-31', false],
    [IsoDateSchema, '2199-12-31', true],
    [DateTimeSchema, '9999-12-29T10:00:00Z', false],
    [DateTimeSchema, '0001-01-01T00:00:00Z', false],
  ] as const)('%#: %j accepts %s → %s', (schema, value, ok) => {
    expect(Value.Check(schema, value)).toBe(ok)
  })
})

describe('users', () => {
  it('accepts a create body and rejects unknown fields', () => {
    const body = { email: 'ada@example.com', name: 'Ada', time_zone: 'Europe/London' }
    expect(Value.Check(CreateUserBodySchema, body)).toBe(true)
    expect(Value.Check(CreateUserBodySchema, { ...body, role: 'admin' })).toBe(false)
    expect(Value.Check(CreateUserBodySchema, { email: body.email, name: body.name })).toBe(false)
  })

  it('requires api_key on the create reply and at least one field on a patch', () => {
    const user = { id: ID, email: 'ada@example.com', name: 'Ada', time_zone: 'Europe/London' }
    expect(Value.Check(CreateUserReplySchema, { ...user, api_key: 'sk_123' })).toBe(true)
    expect(Value.Check(CreateUserReplySchema, user)).toBe(false)
    expect(Value.Check(PatchUserBodySchema, {})).toBe(false)
    expect(Value.Check(PatchUserBodySchema, { name: 'Ada L.' })).toBe(true)
  })

  it('shows a key once on create and lists keys without it', () => {
    const key = { id: ID, prefix: 'sk_AbCdEfG', created_at: '2027-03-01T12:00:00Z' }
    expect(Value.Check(api.CreateApiKeyReplySchema, { ...key, api_key: 'sk_AbCdEfG123' })).toBe(
      true,
    )
    expect(Value.Check(api.CreateApiKeyReplySchema, key)).toBe(false)
    expect(Value.Check(api.ApiKeySchema, { ...key, last_used_at: null })).toBe(true)
    expect(Value.Check(api.ApiKeySchema, key)).toBe(false)
    expect(Value.Check(api.ApiKeyListSchema, { api_keys: [{ ...key, last_used_at: null }] })).toBe(
      true,
    )
    expect(Value.Check(api.CreateApiKeyBodySchema, {})).toBe(true)
    expect(Value.Check(api.CreateApiKeyBodySchema, { revoke_others: true })).toBe(true)
    expect(Value.Check(api.CreateApiKeyBodySchema, { revoke_others: 'yes' })).toBe(false)
    expect(Value.Check(api.CreateApiKeyBodySchema, { name: 'ci' })).toBe(false)
  })
})

describe('availability', () => {
  it('accepts rules with a "24:00" end and overrides with an empty day off', () => {
    const body = {
      rules: [
        { day_of_week: 1, start_time: '09:00', end_time: '12:00' },
        { day_of_week: 1, start_time: '13:00', end_time: '24:00' },
      ],
      overrides: [
        { date: '2027-03-14', intervals: [] },
        { date: '2027-03-15', intervals: [{ start_time: '10:00', end_time: '11:00' }] },
      ],
    }
    expect(Value.Check(PutAvailabilityBodySchema, body)).toBe(true)
    expect(Value.Check(PutAvailabilityBodySchema, { rules: [] })).toBe(true)
    expect(Value.Check(AvailabilitySchema, { user_id: ID, time_zone: 'UTC', ...body })).toBe(true)
  })

  it.each([
    { day_of_week: 7, start_time: '09:00', end_time: '17:00' },
    { day_of_week: 1.5, start_time: '09:00', end_time: '17:00' },
    { day_of_week: 1, start_time: '24:00', end_time: '24:00' },
    { day_of_week: 1, start_time: '09:00', end_time: '17:00', extra: 1 },
  ])('rejects the rule %j', (rule) => {
    expect(Value.Check(PutAvailabilityBodySchema, { rules: [rule] })).toBe(false)
  })
})

describe('meeting types', () => {
  it('accepts a minimal create body and one with every field', () => {
    expect(
      Value.Check(CreateMeetingTypeBodySchema, {
        user_id: ID,
        name: 'Intro',
        duration_minutes: 30,
      }),
    ).toBe(true)
    const full = {
      user_id: ID,
      name: 'Intro',
      duration_minutes: 30,
      buffer_before_minutes: 5,
      buffer_after_minutes: 10,
      slot_interval_minutes: 15,
      min_notice_minutes: 120,
      max_days_ahead: 30,
      max_bookings_per_day: 4,
      max_bookings_per_week: 10,
      date_range: { start_date: '2027-03-01', end_date: '2027-03-31' },
      duration_options_minutes: [15, 60],
      questions: [
        { id: 'topic', label: 'Topic', type: 'text', required: true },
        { id: 'size', label: 'Team size', type: 'select', required: false, options: ['1-5', '6+'] },
        { id: 'agree', label: 'I agree', type: 'checkbox', required: true },
      ],
      slug: 'intro-call',
      is_active: true,
    }
    expect(Value.Check(CreateMeetingTypeBodySchema, full)).toBe(true)
  })

  it('documents the defaults of issue 3 in the schema', () => {
    const props = CreateMeetingTypeBodySchema.properties as unknown as Record<
      string,
      { default?: unknown }
    >
    expect(props.buffer_before_minutes?.default).toBe(0)
    expect(props.buffer_after_minutes?.default).toBe(0)
    expect(props.min_notice_minutes?.default).toBe(60)
    expect(props.max_days_ahead?.default).toBe(60)
    expect(props.is_active?.default).toBe(true)
    expect(
      Value.Default(CreateMeetingTypeBodySchema, { user_id: ID, name: 'x', duration_minutes: 30 }),
    ).toMatchObject(api.MEETING_TYPE_DEFAULTS)
  })

  it.each([
    ['a zero duration', { duration_minutes: 0 }],
    ['a fractional duration', { duration_minutes: 30.5 }],
    ['a negative buffer', { buffer_before_minutes: -5 }],
    [
      'an unknown question type',
      { questions: [{ id: 'q', label: 'Q', type: 'radio', required: true }] },
    ],
    ['a bad slug', { slug: 'Intro Call' }],
    ['an unknown field', { colour: 'red' }],
  ])('rejects %s', (_, patch) => {
    const body = { user_id: ID, name: 'Intro', duration_minutes: 30, ...patch }
    expect(Value.Check(CreateMeetingTypeBodySchema, body)).toBe(false)
  })

  it('lets a patch clear optional settings with null', () => {
    expect(
      Value.Check(PatchMeetingTypeBodySchema, {
        date_range: null,
        max_bookings_per_day: null,
        slot_interval_minutes: null,
        slug: null,
      }),
    ).toBe(true)
    expect(Value.Check(PatchMeetingTypeBodySchema, {})).toBe(false)
    expect(Value.Check(PatchMeetingTypeBodySchema, { user_id: ID })).toBe(false)
  })

  it('accepts the host and public views', () => {
    const view = {
      id: ID,
      name: 'Intro',
      slug: null,
      duration_minutes: 30,
      duration_options_minutes: [],
      questions: [],
      min_notice_minutes: 60,
      max_days_ahead: 60,
      date_range: null,
      location: null,
    }
    expect(
      Value.Check(PublicMeetingTypeSchema, {
        ...view,
        host: { name: 'Ada', time_zone: 'Europe/London' },
      }),
    ).toBe(true)
    // The public view names the kind of place only; details come with the booking.
    expect(
      Value.Check(PublicMeetingTypeSchema, {
        ...view,
        location: { type: 'in_person' },
        host: { name: 'Ada', time_zone: 'Europe/London' },
      }),
    ).toBe(true)
    expect(
      Value.Check(PublicMeetingTypeSchema, {
        ...view,
        location: { type: 'in_person', address: '1 Main St' },
        host: { name: 'Ada', time_zone: 'Europe/London' },
      }),
    ).toBe(false)
    expect(
      Value.Check(MeetingTypeSchema, {
        ...view,
        user_id: ID2,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        slot_interval_minutes: 30,
        max_bookings_per_day: null,
        max_bookings_per_week: null,
        is_active: true,
      }),
    ).toBe(true)
  })
})

describe('slots', () => {
  it('accepts a one-day and a range query, and both replies', () => {
    const q = { meeting_type_id: ID, timezone: 'America/New_York' }
    expect(Value.Check(SlotsQuerySchema, { ...q, date: '2027-03-14' })).toBe(true)
    expect(
      Value.Check(SlotsQuerySchema, {
        ...q,
        start_date: '2027-03-14',
        end_date: '2027-03-20',
        duration: 60,
      }),
    ).toBe(true)
    const slots = [{ start: '2027-03-14T09:00:00-04:00', end: '2027-03-14T09:30:00-04:00' }]
    const day = { date: '2027-03-14', timezone: 'America/New_York', slots }
    const range = { timezone: 'America/New_York', days: [{ date: '2027-03-14', slots }] }
    expect(Value.Check(SlotsDayReplySchema, day)).toBe(true)
    expect(Value.Check(SlotsRangeReplySchema, range)).toBe(true)
    expect(Value.Check(SlotsReplySchema, day)).toBe(true)
    expect(Value.Check(SlotsReplySchema, range)).toBe(true)
    expect(
      Value.Check(SlotsDayReplySchema, { ...day, slots: [{ start: '09:00', end: '09:30' }] }),
    ).toBe(false)
  })

  it('converts query strings to numbers (as a validator with coercion does)', () => {
    const converted = Value.Convert(SlotsQuerySchema, {
      meeting_type_id: ID,
      date: '2027-03-14',
      timezone: 'UTC',
      duration: '45',
    })
    expect(converted).toMatchObject({ duration: 45 })
    expect(Value.Check(SlotsQuerySchema, converted)).toBe(true)
  })
})

describe('locations', () => {
  it.each([
    [{ type: 'google_meet' }],
    [{ type: 'teams' }],
    [{ type: 'link', url: 'https://video.example.com/room/42' }],
    [{ type: 'phone' }],
    [{ type: 'phone', number: '+1 (212) 555-0100' }],
    [{ type: 'in_person', address: '221B Baker Street, London' }],
  ])('a meeting type accepts %j', (location) => {
    const body = { user_id: ID, name: 'Intro', duration_minutes: 30, location }
    expect(Value.Check(CreateMeetingTypeBodySchema, body)).toBe(true)
    expect(Value.Check(PatchMeetingTypeBodySchema, { location })).toBe(true)
  })

  it.each([
    ['an unknown type', { type: 'zoom' }],
    ['a link that is not http(s)', { type: 'link', url: 'javascript:alert(1)' }],
    ['a phone number with letters', { type: 'phone', number: '+1 CALL NOW' }],
    ['a phone number too short', { type: 'phone', number: '12' }],
    ['an address over two lines', { type: 'in_person', address: 'Baker St\nLondon' }],
    ['an empty address', { type: 'in_person', address: ' ' }],
    ['an unknown field', { type: 'phone', extension: '12' }],
  ])('a meeting type refuses %s', (_, location) => {
    expect(Value.Check(PatchMeetingTypeBodySchema, { location })).toBe(false)
  })

  it("leaves a field's fit to its type to the server; the union it answers with has it exact", () => {
    // A request is one object (so the server can name the field that does not fit);
    // what comes back is exactly one of the five shapes.
    for (const location of [{ type: 'link' }, { type: 'google_meet', url: 'https://x.example' }]) {
      expect(Value.Check(PatchMeetingTypeBodySchema, { location })).toBe(true)
      expect(Value.Check(api.MeetingLocationSchema, location)).toBe(false)
    }
  })

  it('lets a patch clear the location with null', () => {
    expect(Value.Check(PatchMeetingTypeBodySchema, { location: null })).toBe(true)
  })

  it("gives a booking's phone location its number and who calls", () => {
    const phone = { type: 'phone', number: '+44 20 7946 0000', caller: 'host' }
    expect(Value.Check(api.BookingSchema, { ...booking, location: phone })).toBe(true)
    const { caller: _, ...noCaller } = phone
    expect(Value.Check(api.BookingSchema, { ...booking, location: noCaller })).toBe(false)
    expect(
      Value.Check(api.BookingSchema, {
        ...booking,
        location: { type: 'google_meet' },
        meeting_url: 'https://meet.google.com/abc-defg-hij',
        calendar_sync: { state: 'synced' },
      }),
    ).toBe(true)
    expect(
      Value.Check(api.BookingSchema, {
        ...booking,
        calendar_sync: {
          state: 'pending',
          last_error: 'google events.insert: HTTP 503',
          attempts: 2,
        },
      }),
    ).toBe(true)
    expect(Value.Check(api.BookingSchema, { ...booking, calendar_sync: { state: 'done' } })).toBe(
      false,
    )
  })
})

describe('bookings', () => {
  const body = {
    meeting_type_id: ID,
    start_time: '2027-03-14T09:00:00-04:00',
    invitee_name: 'Ada Lovelace',
    invitee_email: 'ada@example.com',
    invitee_timezone: 'Europe/London',
  }

  it('accepts a create body with answers of every kind', () => {
    expect(Value.Check(CreateBookingBodySchema, body)).toBe(true)
    expect(
      Value.Check(CreateBookingBodySchema, {
        ...body,
        duration_minutes: 60,
        answers: { topic: 'Engines', agree: true, langs: ['en', 'fr'] },
      }),
    ).toBe(true)
    expect(Value.Check(CreateBookingBodySchema, { ...body, locale: 'pt-BR' })).toBe(true)
  })

  it.each([
    ['a start without offset', { start_time: '2027-03-14T09:00:00' }],
    ['an epoch number', { start_time: 1_800_000_000_000 }],
    ['a bad e-mail', { invitee_email: 'ada' }],
    ['an e-mail over 254 characters', { invitee_email: `${'a'.repeat(250)}@example.com` }],
    ['a name over 200 characters', { invitee_name: 'a'.repeat(201) }],
    ['a numeric answer', { answers: { age: 42 } }],
    ['an answer key that is no question id', { answers: { 'bad key!': 'x' } }],
    ['a string answer over 10 KB', { answers: { notes: 'x'.repeat(10 * 1024 + 1) } }],
    ['a locale that is no BCP 47 tag', { locale: 'fr_FR' }],
    ['a locale over 35 characters', { locale: `en-${'abcdefgh-'.repeat(4)}x` }],
    ['an unknown field', { status: 'confirmed' }],
  ])('rejects %s', (_, patch) => {
    expect(Value.Check(CreateBookingBodySchema, { ...body, ...patch })).toBe(false)
  })

  it('requires the invitee links on the create reply only', () => {
    const links = {
      cancel_url: 'http://127.0.0.1:3000/bookings/x/cancel?token=t',
      reschedule_url: 'http://127.0.0.1:3000/bookings/x/reschedule?token=t',
    }
    expect(Value.Check(CreateBookingReplySchema, { ...booking, ...links })).toBe(true)
    expect(Value.Check(CreateBookingReplySchema, booking)).toBe(false)
    expect(Value.Check(api.BookingSchema, booking)).toBe(true)
    expect(
      Value.Check(api.BookingSchema, {
        ...booking,
        status: 'cancelled',
        cancelled_at: '2027-03-02T10:00:00Z',
        cancel_reason: 'Sick',
        version: 2,
      }),
    ).toBe(true)
    expect(
      Value.Check(api.BookingSchema, { ...booking, start_time: '2027-03-14T09:00:00-04:00' }),
    ).toBe(false)
  })

  it('accepts the list query and page, cancel and reschedule bodies', () => {
    expect(Value.Check(ListBookingsQuerySchema, { user_id: ID })).toBe(true)
    expect(
      Value.Check(ListBookingsQuerySchema, {
        user_id: ID,
        from: '2027-03-01T00:00:00Z',
        to: '2027-04-01T00:00:00Z',
        status: 'confirmed',
        cursor: 'abc',
        limit: 100,
      }),
    ).toBe(true)
    expect(Value.Check(ListBookingsQuerySchema, { user_id: ID, limit: 101 })).toBe(false)
    expect(Value.Check(BookingListSchema, { bookings: [booking], next_cursor: null })).toBe(true)
    expect(Value.Check(CancelBookingBodySchema, {})).toBe(true)
    expect(Value.Check(CancelBookingBodySchema, { reason: 'Conflict' })).toBe(true)
    expect(Value.Check(RescheduleBookingBodySchema, { start_time: '2027-03-15T09:00:00Z' })).toBe(
      true,
    )
    expect(Value.Check(RescheduleBookingBodySchema, {})).toBe(false)
  })
})

describe('webhooks', () => {
  it('accepts the booking events and integration.disconnected only', () => {
    const body = { user_id: ID, url: 'https://example.com/hook', events: ['booking.created'] }
    expect(Value.Check(CreateWebhookBodySchema, body)).toBe(true)
    expect(
      Value.Check(CreateWebhookBodySchema, {
        ...body,
        events: [
          'booking.created',
          'booking.cancelled',
          'booking.rescheduled',
          'integration.disconnected',
        ],
      }),
    ).toBe(true)
    expect(Value.Check(CreateWebhookBodySchema, { ...body, events: [] })).toBe(false)
    expect(Value.Check(CreateWebhookBodySchema, { ...body, events: ['booking.deleted'] })).toBe(
      false,
    )
    expect(Value.Check(CreateWebhookBodySchema, { ...body, url: 'ftp://example.com' })).toBe(false)
  })
})

describe('integrations', () => {
  const integration = {
    id: ID,
    user_id: ID2,
    provider: 'google',
    account_email: 'alice@example.com',
    status: 'active',
    calendars: [
      { id: 'alice@example.com', name: 'Alice', primary: true, busy: true, write: true },
      {
        id: 'team@group.calendar.google.com',
        name: 'Team',
        primary: false,
        busy: false,
        write: false,
      },
    ],
    last_synced_at: '2027-03-01T10:00:00Z',
    last_error: null,
    created_at: '2027-03-01T09:00:00.000Z',
  }

  it('accepts an integration and never a token field in a body', () => {
    expect(Value.Check(api.IntegrationSchema, integration)).toBe(true)
    expect(Value.Check(api.IntegrationSchema, { ...integration, status: 'paused' })).toBe(false)
    expect(Value.Check(api.IntegrationSchema, { ...integration, provider: 'microsoft' })).toBe(true)
    expect(Value.Check(api.IntegrationSchema, { ...integration, provider: 'yahoo' })).toBe(false)
    expect(Value.Check(api.AuthorizeIntegrationBodySchema, {})).toBe(true)
    expect(
      Value.Check(api.AuthorizeIntegrationBodySchema, {
        return_url: 'https://app.example.com/cal',
      }),
    ).toBe(true)
    expect(Value.Check(api.AuthorizeIntegrationBodySchema, { return_url: 'javascript:x' })).toBe(
      false,
    )
    expect(Value.Check(api.AuthorizeIntegrationBodySchema, { refresh_token: 'x' })).toBe(false)
  })

  it('takes a CalDAV server URL, user name and password, and nothing else', () => {
    const body = {
      server_url: 'https://caldav.icloud.com/',
      username: 'alice@icloud.com',
      password: 'abcd-efgh-ijkl-mnop',
    }
    expect(Value.Check(api.ConnectCaldavBodySchema, body)).toBe(true)
    expect(Value.Check(api.ConnectCaldavBodySchema, { ...body, user_id: ID })).toBe(true)
    // A password may hold a colon; a user name may not (Basic authentication splits on it).
    expect(Value.Check(api.ConnectCaldavBodySchema, { ...body, password: 'a:b' })).toBe(true)
    for (const bad of [
      { ...body, server_url: 'caldav.icloud.com' },
      { ...body, server_url: 'ftp://caldav.example.com/' },
      { ...body, username: 'alice:x' },
      { ...body, username: '' },
      { ...body, password: '' },
      { ...body, password: 'line\nbreak' },
      { ...body, refresh_token: 'x' },
      { server_url: body.server_url, username: body.username },
    ]) {
      expect(Value.Check(api.ConnectCaldavBodySchema, bad), JSON.stringify(bad)).toBe(false)
    }
    expect(Value.Check(api.IntegrationSchema, { ...integration, provider: 'caldav' })).toBe(true)
  })

  it('needs at least one field on a patch and lets write_calendar_id be null', () => {
    expect(Value.Check(api.PatchIntegrationBodySchema, {})).toBe(false)
    expect(Value.Check(api.PatchIntegrationBodySchema, { busy_calendar_ids: [] })).toBe(true)
    expect(Value.Check(api.PatchIntegrationBodySchema, { write_calendar_id: null })).toBe(true)
    expect(Value.Check(api.PatchIntegrationBodySchema, { busy_calendar_ids: ['a', 'a'] })).toBe(
      false,
    )
    expect(Value.Check(api.PatchIntegrationBodySchema, { busy_calendar_ids: ['a\nb'] })).toBe(false)
  })

  it('accepts a sync result', () => {
    expect(
      Value.Check(api.SyncResultSchema, {
        integration_id: ID,
        status: 'deferred',
        changes: 0,
        last_synced_at: null,
        next_attempt_at: '2027-03-01T10:01:00Z',
        error: 'rate limited by google',
      }),
    ).toBe(true)
  })
})

describe('errors', () => {
  it('lists exactly the codes and reasons of core', () => {
    expect(api.ErrorCodeSchema.enum).toEqual([...ERROR_CODES])
    expect(api.SlotRejectionReasonSchema.enum).toEqual([...SLOT_REJECTION_REASONS])
  })

  it('accepts an error reply and a 409 SLOT_UNAVAILABLE', () => {
    expect(
      Value.Check(ErrorReplySchema, {
        error: 'VALIDATION_FAILED',
        message: 'invitee_email is not an e-mail address',
        details: { field: 'invitee_email' },
      }),
    ).toBe(true)
    expect(Value.Check(ErrorReplySchema, { error: 'TEAPOT', message: 'x' })).toBe(false)
    const reply = {
      error: 'SLOT_UNAVAILABLE',
      message: 'This slot was just booked',
      reason: 'CONFLICT',
      alternatives: [{ start: '2027-03-14T09:30:00-04:00', end: '2027-03-14T10:00:00-04:00' }],
    }
    expect(Value.Check(SlotUnavailableReplySchema, reply)).toBe(true)
    expect(Value.Check(ErrorReplySchema, reply)).toBe(true)
    expect(Value.Check(SlotUnavailableReplySchema, { ...reply, reason: 'BUSY' })).toBe(false)
  })
})

describe('schemas', () => {
  const schemas = Object.entries(api).filter(([name]) => name.endsWith('Schema'))

  it.each(schemas)('%s has a title or description and no $id', (_, schema) => {
    const s = schema as { title?: string; description?: string; $id?: string }
    expect(s.$id).toBeUndefined()
    expect(s.title ?? s.description).toBeTruthy()
  })

  it.each(schemas)('%s survives JSON (no format keyword, plain JSON Schema)', (_, schema) => {
    const json = JSON.stringify(schema)
    expect(json).not.toContain('"format"')
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(schema)))
  })

  it('sets additionalProperties: false on every body', () => {
    for (const [name, schema] of schemas) {
      if (/Body(Schema)$/.test(name)) {
        expect((schema as { additionalProperties?: unknown }).additionalProperties, name).toBe(
          false,
        )
      }
    }
  })
})

describe('IdParamsSchema', () => {
  it('lets any short id through, so the server can answer 404 for an unknown one', () => {
    expect(Value.Check(api.IdParamsSchema, { id: ID })).toBe(true)
    expect(Value.Check(api.IdParamsSchema, { id: 'does-not-exist' })).toBe(true)
    expect(Value.Check(api.IdParamsSchema, { id: '' })).toBe(false)
  })
})
