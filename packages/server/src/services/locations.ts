import {
  type Answers,
  type BookingLocation,
  CONFERENCE_LOCATION_TYPES,
  LOCATION_PHONE_QUESTION_ID,
  type LocationType,
  type MeetingLocation,
} from '@slotkit/core/api'
import type { Db } from '../db/database'
import type { MeetingTypeRow, Question } from '../db/schema'
import { ApiError, invalidField } from '../http/api-error'

/**
 * The provider whose calendar makes a conference location's join link (the
 * registry id of `integrations.provider`): Meet links come from Google, Teams
 * meetings from Microsoft Graph.
 */
export const CONFERENCE_PROVIDERS: Readonly<
  Record<(typeof CONFERENCE_LOCATION_TYPES)[number], { id: string; name: string }>
> = {
  google_meet: { id: 'google', name: 'Google' },
  teams: { id: 'microsoft', name: 'Microsoft' },
}

/** Whether `type` is a video meeting the host's calendar makes (Meet, Teams). */
export function isConference(
  type: LocationType | undefined,
): type is (typeof CONFERENCE_LOCATION_TYPES)[number] {
  return type !== undefined && (CONFERENCE_LOCATION_TYPES as readonly string[]).includes(type)
}

/** The provider a location's join link needs, or undefined. */
export function conferenceProviderOf(
  location: Pick<MeetingLocation, 'type'> | null | undefined,
): string | undefined {
  return location && isConference(location.type)
    ? CONFERENCE_PROVIDERS[location.type].id
    : undefined
}

/**
 * 400 VALIDATION_FAILED naming `field` unless `number` has 7 to 15 digits
 * (E.164's range; the schema has checked the characters). Returns it trimmed.
 */
export function checkPhoneNumber(number: string, field: string): string {
  const digits = number.replace(/[^0-9]/g, '').length
  if (digits < 7 || digits > 15)
    throw invalidField(
      field,
      `must be a phone number of 7 to 15 digits, best with its country code (+44 20 7946 0000); got ${digits} digits`,
    )
  return number.trim()
}

/** Whether a meeting type's location asks the invitee for their number. */
function asksInviteePhone(location: MeetingLocation | null): boolean {
  return location?.type === 'phone' && location.number === undefined
}

/**
 * The question a phone location without a host number adds to the booking
 * form: the invitee's number, required. English on the wire (hosts write their
 * own questions in their language); the widget shows it in the invitee's.
 */
export const LOCATION_PHONE_QUESTION: Question = {
  id: LOCATION_PHONE_QUESTION_ID,
  label: 'Your phone number',
  type: 'phone',
  required: true,
}

/** The questions of a meeting type's booking form: the host's, and the location's. */
export function bookingQuestions(mt: Pick<MeetingTypeRow, 'questions' | 'location'>): Question[] {
  return asksInviteePhone(mt.location) ? [...mt.questions, LOCATION_PHONE_QUESTION] : mt.questions
}

/**
 * A meeting type's location and questions checked together: a host question
 * may not take the id the phone location's question uses. `location` is what
 * the type will have after the change.
 */
export function checkLocationQuestions(
  location: MeetingLocation | null,
  questions: readonly Question[],
  field: 'location' | 'questions',
): void {
  if (asksInviteePhone(location) && questions.some((q) => q.id === LOCATION_PHONE_QUESTION_ID)) {
    throw invalidField(
      field,
      `a question with the id "${LOCATION_PHONE_QUESTION_ID}" cannot be used with a phone location without a number: the booking form asks for the invitee's number under that id`,
    )
  }
}

/** The fields each location type takes besides `type`, and which of them it needs. */
const LOCATION_FIELDS: Readonly<
  Record<LocationType, { readonly takes: readonly string[]; readonly needs?: string }>
> = {
  google_meet: { takes: [] },
  teams: { takes: [] },
  link: { takes: ['url'], needs: 'url' },
  phone: { takes: ['number'] },
  in_person: { takes: ['address'], needs: 'address' },
}

/**
 * A location as the API sent it (one object, its shape checked by the schema),
 * checked field by field against its type, 400 naming the field: a link needs
 * `url`, in person `address`; a field the type does not use is refused; a phone
 * number needs 7 to 15 digits. Returned trimmed, with only its type's fields.
 */
export function checkMeetingLocation(location: MeetingLocation): MeetingLocation {
  const fields = LOCATION_FIELDS[location.type]
  const sent = location as Readonly<Record<string, unknown>>
  for (const key of Object.keys(sent)) {
    if (key !== 'type' && !fields.takes.includes(key))
      throw invalidField(`location.${key}`, `is not used by a ${location.type} location`)
  }
  if (fields.needs && sent[fields.needs] === undefined)
    throw invalidField(`location.${fields.needs}`, `is required for a ${location.type} location`)
  switch (location.type) {
    case 'phone':
      return location.number === undefined
        ? { type: 'phone' }
        : { type: 'phone', number: checkPhoneNumber(location.number, 'location.number') }
    case 'in_person':
      return { type: 'in_person', address: location.address.trim() }
    case 'link':
      return { type: 'link', url: location.url }
    default:
      return { type: location.type }
  }
}

/**
 * 409 LOCATION_UNAVAILABLE unless the host can have `location`: a Meet or Teams
 * link is made by writing the booking to a calendar of its provider, so it needs a
 * connected (not disconnected) account of that provider, and a write calendar
 * (the host writes bookings somewhere; ADR 0015). The booking goes to the write
 * calendar if it is that provider's, else to that account's primary calendar.
 */
export async function expectLocationAvailable(
  db: Db,
  hostId: string,
  location: MeetingLocation | null,
): Promise<void> {
  if (!location || !isConference(location.type)) return
  const provider = CONFERENCE_PROVIDERS[location.type]
  const found = await db
    .selectFrom('integrationCalendars as c')
    .innerJoin('integrations as i', 'i.id', 'c.integrationId')
    .select((eb) => [
      eb.fn
        .countAll<number>()
        .filterWhere(eb.and([eb('i.provider', '=', provider.id), eb('c.isPrimary', '=', true)]))
        .as('accounts'),
      eb.fn.countAll<number>().filterWhere('c.write', '=', true).as('writes'),
    ])
    .where('c.hostId', '=', hostId)
    .where('i.status', '<>', 'disconnected')
    .executeTakeFirst()
  if (Number(found?.accounts ?? 0) === 0) {
    throw new ApiError(
      'LOCATION_UNAVAILABLE',
      `location: ${location.type} needs a connected ${provider.name} calendar, where its link is made; connect one (POST /api/integrations/${provider.id}/authorize) or choose another location`,
      { field: 'location', provider: provider.id },
    )
  }
  if (Number(found?.writes ?? 0) === 0) {
    throw new ApiError(
      'LOCATION_UNAVAILABLE',
      `location: ${location.type} needs a calendar to write bookings to, and the host has none; choose one (PATCH /api/integrations/:id with write_calendar_id) or choose another location`,
      { field: 'location', provider: provider.id },
    )
  }
}

/**
 * The location of a new booking of `mt`: the meeting type's, with a phone
 * call's number resolved (the host's, or the invitee's answer to
 * {@link LOCATION_PHONE_QUESTION}, which `answers` has been checked against).
 */
export function resolveLocation(
  mt: Pick<MeetingTypeRow, 'location'>,
  answers: Answers,
): BookingLocation | null {
  const location = mt.location
  if (!location) return null
  if (location.type !== 'phone') return location
  if (location.number !== undefined)
    return { type: 'phone', number: location.number, caller: 'invitee' }
  const answer = answers[LOCATION_PHONE_QUESTION_ID]
  const number = checkPhoneNumber(
    typeof answer === 'string' ? answer : '',
    `answers.${LOCATION_PHONE_QUESTION_ID}`,
  )
  return { type: 'phone', number, caller: 'host' }
}

/** The join link known when a booking is made: a link location's URL (Meet and Teams links come later). */
export function initialMeetingUrl(location: BookingLocation | null): string | null {
  return location?.type === 'link' ? location.url : null
}
