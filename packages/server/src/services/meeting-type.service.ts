import type {
  CreateMeetingTypeBody,
  PatchMeetingTypeBody,
  Question as WireQuestion,
} from '@slotkit/core/api'
import { sqlState, UNIQUE_VIOLATION } from '../db/database'
import {
  findMeetingTypeById,
  insertMeetingType,
  listMeetingTypes,
  updateMeetingType,
} from '../db/repositories/meeting-types.repository'
import { findUserById } from '../db/repositories/users.repository'
import type { MeetingTypeRow, MeetingTypeUpdate, Question } from '../db/schema'
import { ApiError, invalidField, notFound } from '../http/api-error'
import type { ServiceDeps } from './deps'
import { bumpHostGeneration } from './generation'
import {
  bookingQuestions,
  checkLocationQuestions,
  checkMeetingLocation,
  expectLocationAvailable,
} from './locations'
import { checkDate } from './validate'

/** A meeting type as its host sees it. */
export function toWireMeetingType(mt: MeetingTypeRow) {
  return {
    id: mt.id,
    user_id: mt.userId,
    name: mt.name,
    slug: mt.slug,
    duration_minutes: mt.durationMinutes,
    duration_options_minutes: mt.durationOptionsMinutes,
    buffer_before_minutes: mt.bufferBeforeMinutes,
    buffer_after_minutes: mt.bufferAfterMinutes,
    slot_interval_minutes: mt.slotIntervalMinutes ?? mt.durationMinutes,
    min_notice_minutes: mt.minNoticeMinutes,
    max_days_ahead: mt.maxDaysAhead,
    max_bookings_per_day: mt.maxBookingsPerDay,
    max_bookings_per_week: mt.maxBookingsPerWeek,
    date_range:
      mt.dateRangeStart && mt.dateRangeEnd
        ? { start_date: mt.dateRangeStart, end_date: mt.dateRangeEnd }
        : null,
    questions: mt.questions,
    is_active: mt.isActive,
    location: mt.location,
  }
}

function checkQuestions(questions: readonly WireQuestion[]): Question[] {
  const ids = new Set<string>()
  questions.forEach((q, i) => {
    if (ids.has(q.id)) throw invalidField(`questions[${i}].id`, `"${q.id}" is used twice`)
    ids.add(q.id)
    if (q.type === 'select' && !(q.options && q.options.length > 0))
      throw invalidField(`questions[${i}].options`, 'a select question needs options')
  })
  return questions.map((q) => ({
    id: q.id,
    label: q.label,
    type: q.type,
    required: q.required,
    ...(q.options ? { options: [...q.options] } : {}),
  }))
}

function checkDateRange(range: { start_date: string; end_date: string }): void {
  checkDate(range.start_date, 'date_range.start_date')
  checkDate(range.end_date, 'date_range.end_date')
  if (range.end_date < range.start_date) {
    throw new ApiError('INVALID_RANGE', 'date_range.end_date: must not be before start_date', {
      field: 'date_range.end_date',
    })
  }
}

function slugTaken(error: unknown): never {
  if (sqlState(error) === UNIQUE_VIOLATION)
    throw new ApiError('CONFLICT', 'slug: this host already has a meeting type with this slug', {
      field: 'slug',
    })
  throw error
}

export async function createMeetingType(deps: ServiceDeps, body: CreateMeetingTypeBody) {
  const user = await findUserById(deps.db, body.user_id)
  if (!user) throw notFound('User')
  if (body.date_range) checkDateRange(body.date_range)
  const questions = checkQuestions(body.questions ?? [])
  const location = body.location ? checkMeetingLocation(body.location) : null
  checkLocationQuestions(location, questions, 'location')
  await expectLocationAvailable(deps.db, body.user_id, location)
  const row = await insertMeetingType(deps.db, {
    userId: body.user_id,
    name: body.name.trim(),
    slug: body.slug ?? null,
    durationMinutes: body.duration_minutes,
    durationOptionsMinutes: (body.duration_options_minutes ?? []).filter(
      (d) => d !== body.duration_minutes,
    ),
    bufferBeforeMinutes: body.buffer_before_minutes ?? 0,
    bufferAfterMinutes: body.buffer_after_minutes ?? 0,
    slotIntervalMinutes: body.slot_interval_minutes ?? null,
    minNoticeMinutes: body.min_notice_minutes ?? 60,
    maxDaysAhead: body.max_days_ahead ?? 60,
    maxBookingsPerDay: body.max_bookings_per_day ?? null,
    maxBookingsPerWeek: body.max_bookings_per_week ?? null,
    dateRangeStart: body.date_range?.start_date ?? null,
    dateRangeEnd: body.date_range?.end_date ?? null,
    questions: JSON.stringify(questions),
    isActive: body.is_active ?? true,
    location: location && JSON.stringify(location),
  }).catch(slugTaken)
  await bumpHostGeneration(deps, row.userId)
  return toWireMeetingType(row)
}

/** The meeting type, or 404; `ownerId` restricts to one host (a user key). */
export async function getOwnedMeetingType(
  deps: Pick<ServiceDeps, 'db'>,
  id: string,
): Promise<MeetingTypeRow> {
  const mt = await findMeetingTypeById(deps.db, id)
  if (!mt) throw notFound('Meeting type')
  return mt
}

export async function listUserMeetingTypes(deps: Pick<ServiceDeps, 'db'>, userId: string) {
  const user = await findUserById(deps.db, userId)
  if (!user) throw notFound('User')
  return { meeting_types: (await listMeetingTypes(deps.db, userId)).map(toWireMeetingType) }
}

export async function patchMeetingType(
  deps: ServiceDeps,
  mt: MeetingTypeRow,
  body: PatchMeetingTypeBody,
) {
  if (body.date_range) checkDateRange(body.date_range)
  const changes: MeetingTypeUpdate = {}
  if (body.name !== undefined) changes.name = body.name.trim()
  if (body.duration_minutes !== undefined) changes.durationMinutes = body.duration_minutes
  if (body.buffer_before_minutes !== undefined)
    changes.bufferBeforeMinutes = body.buffer_before_minutes
  if (body.buffer_after_minutes !== undefined)
    changes.bufferAfterMinutes = body.buffer_after_minutes
  if (body.slot_interval_minutes !== undefined)
    changes.slotIntervalMinutes = body.slot_interval_minutes
  if (body.min_notice_minutes !== undefined) changes.minNoticeMinutes = body.min_notice_minutes
  if (body.max_days_ahead !== undefined) changes.maxDaysAhead = body.max_days_ahead
  if (body.max_bookings_per_day !== undefined) changes.maxBookingsPerDay = body.max_bookings_per_day
  if (body.max_bookings_per_week !== undefined)
    changes.maxBookingsPerWeek = body.max_bookings_per_week
  if (body.date_range !== undefined) {
    changes.dateRangeStart = body.date_range?.start_date ?? null
    changes.dateRangeEnd = body.date_range?.end_date ?? null
  }
  const duration = body.duration_minutes ?? mt.durationMinutes
  if (body.duration_options_minutes !== undefined)
    changes.durationOptionsMinutes = body.duration_options_minutes.filter((d) => d !== duration)
  const questions = body.questions === undefined ? mt.questions : checkQuestions(body.questions)
  if (body.questions !== undefined) changes.questions = JSON.stringify(questions)
  const location =
    body.location === undefined ? mt.location : body.location && checkMeetingLocation(body.location)
  checkLocationQuestions(
    location,
    questions,
    body.location === undefined ? 'questions' : 'location',
  )
  if (body.location !== undefined) {
    // Only a change of location is checked against the host's calendars: a type
    // whose Google account was disconnected since stays editable.
    await expectLocationAvailable(deps.db, mt.userId, location)
    changes.location = location && JSON.stringify(location)
  }
  if (body.slug !== undefined) changes.slug = body.slug
  if (body.is_active !== undefined) changes.isActive = body.is_active
  const row = await updateMeetingType(deps.db, mt.id, mt.userId, changes).catch(slugTaken)
  if (!row) throw notFound('Meeting type')
  await bumpHostGeneration(deps, row.userId)
  return toWireMeetingType(row)
}

/** `DELETE` deactivates: existing bookings stay, no new ones. */
export async function deactivateMeetingType(deps: ServiceDeps, mt: MeetingTypeRow) {
  const row = await updateMeetingType(deps.db, mt.id, mt.userId, { isActive: false })
  if (!row) throw notFound('Meeting type')
  await bumpHostGeneration(deps, row.userId)
  return toWireMeetingType(row)
}

/** What an invitee may see (public); inactive types are 404. */
export async function getPublicMeetingType(deps: Pick<ServiceDeps, 'db'>, id: string) {
  const mt = await findMeetingTypeById(deps.db, id)
  if (!mt?.isActive) throw notFound('Meeting type')
  const host = await findUserById(deps.db, mt.userId)
  if (!host) throw notFound('Meeting type')
  const wire = toWireMeetingType(mt)
  return {
    id: wire.id,
    name: wire.name,
    slug: wire.slug,
    duration_minutes: wire.duration_minutes,
    duration_options_minutes: wire.duration_options_minutes,
    // The location may add a question (the invitee's number for a phone call).
    questions: bookingQuestions(mt),
    min_notice_minutes: wire.min_notice_minutes,
    max_days_ahead: wire.max_days_ahead,
    date_range: wire.date_range,
    host: { name: host.name, time_zone: host.timeZone },
    location: mt.location && { type: mt.location.type },
  }
}
