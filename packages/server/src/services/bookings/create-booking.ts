import { randomUUID } from 'node:crypto'
import { DAY_MS } from '@slotkit/core'
import type { Answers, CreateBookingBody, CreateBookingReply } from '@slotkit/core/api'
import { sqlState, UNIQUE_VIOLATION } from '../../db/database'
import {
  findBookingById,
  findBookingByIdempotencyKey,
  insertBooking,
  insertBookingsIfUnchanged,
  type OptimisticBooking,
} from '../../db/repositories/bookings.repository'
import { lockHost } from '../../db/repositories/users.repository'
import type { BookingRow } from '../../db/schema'
import { ApiError, notFound } from '../../http/api-error'
import { jobRecords } from '../../jobs/job-queue'
import { validateAnswers } from '../answers'
import { withLinkableToken } from '../booking-links'
import type { ServiceDeps } from '../deps'
import { bumpHostGeneration } from '../generation'
import { bookingQuestions, initialMeetingUrl, resolveLocation } from '../locations'
import { loadSchedulingContext } from '../scheduling-context'
import { chooseDuration, hostIdOf } from '../slot.service'
import { canonicalJson, sha256 } from '../tokens'
import { checkLocale, checkTimeZone, parseInstant } from '../validate'
import { mayMailInvitee } from './invitee-mail'
import {
  type NewBookingValues,
  newBookingValues,
  type Placement,
  recheckSlot,
  withSlotAttempt,
} from './slot-attempt'
import { toCreateBookingReply } from './wire'

/**
 * Optimistic tries before a booking falls back to the host-row lock: each failed
 * try means another change of the same host committed in between (ADR 0008).
 */
const OPTIMISTIC_TRIES = 3

/** Result of {@link createBooking}: the wire booking, and whether it was a replay. */
export interface CreatedBooking {
  booking: CreateBookingReply
  replayed: boolean
}

/** The request fields {@link createBooking} passes down. */
interface BookingRequest {
  readonly body: CreateBookingBody
  readonly idempotencyKey: string | undefined
  readonly requestHash: string | null
  readonly hostId: string
  readonly startsAt: number
  readonly id: string
  /**
   * Whether the invitee gets the confirmation: decided once per request, just
   * before the first write (a lost optimistic race and the retries after it
   * reuse the answer, so a budget is spent once).
   */
  readonly inviteeMail: () => Promise<boolean>
}

/**
 * `POST /api/bookings`. Checks the slot with core and writes the booking with
 * its jobs so that no change of the host can slip in between (layer 2 of the
 * booking invariant, docs/architecture.md): optimistically first, in two
 * statements and no open transaction (ADR 0008); after {@link OPTIMISTIC_TRIES} lost races, or with a custom
 * `onBookingEvent` hook (which needs a transaction), under the host-row lock.
 * The exclusion constraint (23P01) is the last line of defence on both paths
 * and also answers 409 CONFLICT. An Idempotency-Key replays the stored booking
 * (same body) or answers 422 (different body).
 */
export async function createBooking(
  deps: ServiceDeps,
  sent: CreateBookingBody,
  idempotencyKey: string | undefined,
  /** The client's `rateLimitKey`: its invitee e-mails count against the mail limits. */
  clientKey?: string,
): Promise<CreatedBooking> {
  // Stored under the zone's current name (Asia/Katmandu → Asia/Kathmandu); the
  // Idempotency-Key hash stays that of the body as sent, as before.
  const zone = checkTimeZone(sent.invitee_timezone, 'invitee_timezone')
  // Stored canonical (FR-fr → fr-FR); an ill-formed tag is a 400 naming `locale`.
  const locale = sent.locale === undefined ? undefined : checkLocale(sent.locale, 'locale')
  const body =
    zone === sent.invitee_timezone && locale === sent.locale
      ? sent
      : { ...sent, invitee_timezone: zone, locale }
  const startsAt = parseInstant(body.start_time, 'start_time')
  const id = randomUUID()
  let inviteeMail: Promise<boolean> | undefined
  // A meeting type never changes host: the host id comes from memory on the hot path.
  const request: BookingRequest = {
    body,
    idempotencyKey,
    requestHash: idempotencyKey ? sha256(canonicalJson(sent)) : null,
    hostId: await hostIdOf(deps, body.meeting_type_id),
    startsAt,
    id,
    inviteeMail: () =>
      (inviteeMail ??= mayMailInvitee(deps, {
        kind: 'confirmation',
        bookingId: id,
        recipient: body.invitee_email,
        clientKey,
      })),
  }
  if (deps.bookingJobs || !deps.onBookingEvent) {
    for (let tries = 0; tries < OPTIMISTIC_TRIES; tries++) {
      const created = await tryOptimistic(deps, request)
      if (created) return created
    }
  }
  return createBookingLocked(deps, request)
}

/** 422 IDEMPOTENCY_KEY_REUSED unless the key's booking was made with this very body. */
function expectSameRequest(previousHash: string | null, requestHash: string | null): void {
  if (previousHash !== requestHash) {
    throw new ApiError(
      'IDEMPOTENCY_KEY_REUSED',
      'Idempotency-Key was already used with a different request body',
      { field: 'Idempotency-Key' },
    )
  }
}

/**
 * The reply for a booking that exists already (an Idempotency-Key replay, or a
 * write of this very request whose reply was lost). Its links need a token one
 * of the configured keys makes: a booking may predate a key rotation (its key
 * since dropped), and then gets a new one.
 */
async function replyFor(
  deps: ServiceDeps,
  row: BookingRow,
  replayed: boolean,
): Promise<CreatedBooking> {
  const { booking, token } = await withLinkableToken(deps.db, deps.secretKeys, row, deps.log)
  return { booking: toCreateBookingReply(deps, booking, token), replayed }
}

/**
 * One optimistic try (ADR 0008): read the host's scheduling data and its
 * `schedule_version` in one statement, check the slot with core, then write the
 * booking and its jobs in one statement that succeeds only if the version is
 * unchanged. `undefined`: another change of this host committed in between.
 */
async function tryOptimistic(
  deps: ServiceDeps,
  request: BookingRequest,
): Promise<CreatedBooking | undefined> {
  const { body, startsAt } = request
  if (deps.bookingJobs && !deps.bookingJobs.ready())
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'The job queue is starting; bookings are taken once it runs (try again shortly)',
    )
  const reader = deps.schedulingReader
  const ctx = await loadSchedulingContext(
    deps.db,
    {
      hostId: request.hostId,
      meetingTypeId: body.meeting_type_id,
      loadMeetingType: true,
      withHost: true,
      idempotencyKey: request.idempotencyKey,
      webhookEvent: deps.bookingJobs ? 'booking.created' : undefined,
      // Whether to queue the write-back with it: a host without a calendar to
      // write to gets no job row (and pays one index probe).
      withWriteCalendar: deps.bookingJobs !== undefined,
      from: startsAt,
      to: startsAt + DAY_MS,
    },
    reader && ((query) => reader.read(query)),
  )
  const host = ctx.host
  if (!host) throw notFound('Meeting type')
  if (ctx.idempotent) {
    expectSameRequest(ctx.idempotent.requestHash, request.requestHash)
    const row = await findBookingById(deps.db, ctx.idempotent.id)
    if (!row) throw notFound('Booking')
    return replyFor(deps, row, true)
  }
  // An earlier try of this very request was written after all (its reply was lost).
  if (ctx.hasBooking(request.id)) {
    const row = await findBookingById(deps.db, request.id)
    if (row) return replyFor(deps, row, false)
  }
  const mt = ctx.meetingType
  if (!mt?.isActive) throw notFound('Meeting type')
  const durationMinutes = chooseDuration(mt, body.duration_minutes, 'duration_minutes')
  const answers = validateAnswers(bookingQuestions(mt), body.answers ?? {})
  const placement = placementOf(deps, mt, answers, ctx.writeCalendar)
  const written = await withSlotAttempt(async (attempting) => {
    const attempt = attempting({
      deps,
      mt,
      host,
      durationMinutes,
      startsAt,
      inviteeTimeZone: body.invitee_timezone,
    })
    try {
      recheckSlot(attempt, ctx)
      const { values, token } = newBookingValues(
        attempt,
        request.id,
        inviteeOf(body, answers),
        placement,
      )
      const createdAt = new Date()
      const jobs = deps.bookingJobs
      const inviteeMail = jobs ? await request.inviteeMail() : true
      const booking: OptimisticBooking = {
        ...values,
        answers,
        location: placement.location,
        idempotencyKey: request.idempotencyKey ?? null,
        requestHash: request.requestHash,
        createdAt,
        seenVersion: host.scheduleVersion,
        jobs: jobs
          ? jobRecords(
              jobs.created(pendingRow(values, request, createdAt, answers, placement), {
                webhooks: ctx.webhookListens === true,
                inviteeMail,
              }),
              request.id,
            )
          : [],
      }
      const row = deps.bookingWriter
        ? await deps.bookingWriter.write(booking)
        : (await insertBookingsIfUnchanged(deps.db, [booking], jobs?.insert))[0]
      return row && { row, token }
    } catch (error) {
      // The same key sent twice at once: the other request's booking is there now.
      // (The batch statement skips such conflicts; a lone write may still raise one.)
      if (sqlState(error) === UNIQUE_VIOLATION) return undefined
      throw error
    }
  })
  if (!written) return undefined
  await bumpHostGeneration(deps, request.hostId)
  return { booking: toCreateBookingReply(deps, written.row, written.token), replayed: false }
}

/**
 * The locked path: one transaction that locks the host row (bumping its
 * `schedule_version`), replays or rejects an Idempotency-Key, re-checks the slot
 * with core and inserts. `deps.onBookingEvent` runs inside this transaction after
 * the insert: jobs enqueued there commit or roll back with the booking.
 */
async function createBookingLocked(
  deps: ServiceDeps,
  request: BookingRequest,
): Promise<CreatedBooking> {
  const { body, hostId, startsAt, idempotencyKey, requestHash } = request
  const result = await withSlotAttempt((attempting) =>
    deps.db.transaction().execute(async (trx) => {
      const host = await lockHost(trx, hostId)
      if (!host) throw notFound('Meeting type')
      if (idempotencyKey) {
        const previous = await findBookingByIdempotencyKey(trx, hostId, idempotencyKey)
        if (previous) {
          expectSameRequest(previous.requestHash, requestHash)
          return { replayed: true as const, row: previous }
        }
      }
      // After the lock, one statement reads the meeting type and everything the
      // check needs; it sees every booking committed before the lock was granted.
      const ctx = await loadSchedulingContext(trx, {
        hostId,
        meetingTypeId: body.meeting_type_id,
        loadMeetingType: true,
        withWriteCalendar: deps.bookingJobs !== undefined,
        from: startsAt,
        to: startsAt + DAY_MS,
      })
      const mt = ctx.meetingType
      if (!mt?.isActive) throw notFound('Meeting type')
      const durationMinutes = chooseDuration(mt, body.duration_minutes, 'duration_minutes')
      const answers = validateAnswers(bookingQuestions(mt), body.answers ?? {})
      const placement = placementOf(deps, mt, answers, ctx.writeCalendar)
      const attempt = attempting({
        deps,
        mt,
        host,
        durationMinutes,
        startsAt,
        inviteeTimeZone: body.invitee_timezone,
      })
      recheckSlot(attempt, ctx)
      const inviteeMail = deps.onBookingEvent ? await request.inviteeMail() : true
      const { values, token } = newBookingValues(
        attempt,
        request.id,
        inviteeOf(body, answers),
        placement,
      )
      const row = await insertBooking(trx, {
        ...values,
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
      })
      await deps.onBookingEvent?.(trx, { type: 'booking.created', booking: row, inviteeMail })
      return { replayed: false as const, row, token }
    }),
  )
  if (result.replayed) return replyFor(deps, result.row, true)
  await bumpHostGeneration(deps, hostId)
  return { booking: toCreateBookingReply(deps, result.row, result.token), replayed: false }
}

/**
 * Where a new booking of `mt` happens, and whether it is written to the host's
 * calendar: `pending` (its `calendar.write-event` job is queued with it) when the
 * default jobs run (`bookingJobs`; a custom `onBookingEvent` hook queues its
 * own) and the host has a calendar to write to.
 */
function placementOf(
  deps: ServiceDeps,
  mt: NonNullable<Awaited<ReturnType<typeof loadSchedulingContext>>['meetingType']>,
  answers: Answers,
  writeCalendar: boolean,
): Placement {
  const location = resolveLocation(mt, answers)
  return {
    location,
    meetingUrl: initialMeetingUrl(location),
    calendarSync: deps.bookingJobs && writeCalendar ? 'pending' : 'not_applicable',
  }
}

/** The invitee of a booking request, with its checked answers. */
function inviteeOf(body: CreateBookingBody, answers: Answers) {
  return {
    name: body.invitee_name,
    email: body.invitee_email,
    timeZone: body.invitee_timezone,
    locale: body.locale,
    answers,
  }
}

/** The row a new booking will have, for its jobs (written in the same statement). */
function pendingRow(
  values: NewBookingValues,
  request: BookingRequest,
  createdAt: Date,
  answers: Answers,
  placement: Placement,
): BookingRow {
  return {
    ...values,
    answers,
    location: placement.location,
    calendarSyncError: null,
    calendarSyncAttempts: 0,
    version: 1,
    idempotencyKey: request.idempotencyKey ?? null,
    requestHash: request.requestHash,
    cancelReason: null,
    cancelledAt: null,
    rescheduledFrom: null,
    rescheduledTo: null,
    createdAt,
    updatedAt: createdAt,
  }
}
