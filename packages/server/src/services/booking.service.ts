import { randomUUID } from 'node:crypto'
import {
  checkSlot,
  DAY_MS,
  formatRfc3339,
  formatUtc,
  MINUTE_MS,
  type SlotRejectionReason,
} from '@slotkit/core'
import type {
  Answers,
  Booking,
  BookingList,
  CreateBookingBody,
  CreateBookingReply,
  ListBookingsQuery,
} from '@slotkit/core/api'
import { EXCLUSION_VIOLATION, sqlState, UNIQUE_VIOLATION } from '../db/database'
import {
  cancelBookingVersioned,
  findBookingById,
  findBookingByIdempotencyKey,
  insertBooking,
  insertBookingsIfUnchanged,
  listBookings,
  markRescheduledVersioned,
  type OptimisticBooking,
  tstzrange,
} from '../db/repositories/bookings.repository'
import { lockHost } from '../db/repositories/users.repository'
import type { BookingRow, MeetingTypeRow, UserRow } from '../db/schema'
import { ApiError, invalidField, notFound } from '../http/api-error'
import { jobRecords } from '../jobs/job-queue'
import { validateAnswers } from './answers'
import { withLinkableToken } from './booking-links'
import type { ServiceDeps } from './deps'
import { bumpHostGeneration } from './generation'
import {
  loadSchedulingContext,
  type SchedulingContext,
  toMeetingTypeRules,
} from './scheduling-context'
import { chooseDuration, computeSlots, hostIdOf } from './slot.service'
import { canonicalJson, isBookingToken, linkTokenOf, reissuedToken, sha256 } from './tokens'
import { checkLocale, checkTimeZone, parseInstant } from './validate'

/** What the slot check needs of the host. */
type HostZone = Pick<UserRow, 'timeZone'>

/**
 * Optimistic tries before a booking falls back to the host-row lock: each failed
 * try means another change of the same host committed in between (ADR 0008).
 */
const OPTIMISTIC_TRIES = 3

/** Thrown inside the transaction when the slot is not bookable; alternatives are added after rollback. */
class SlotRejected extends Error {
  constructor(
    readonly reason: SlotRejectionReason,
    message: string,
  ) {
    super(message)
  }
}

/** Who may act on a booking: its host (or the admin) by key, or the invitee by token. */
export type BookingActor =
  | { kind: 'admin' }
  | { kind: 'user'; userId: string }
  | { kind: 'token'; token: string }

/**
 * The wire shape of a booking; links only where the caller may see the token, and
 * only when one of the configured secret keys made it (see `withLinkableToken`).
 */
export function toWireBooking(deps: ServiceDeps, row: BookingRow, withLinks: boolean): Booking {
  const wire: Booking = {
    id: row.id,
    status: row.status,
    meeting_type_id: row.meetingTypeId,
    user_id: row.hostId,
    start_time: formatUtc(row.startsAt.getTime()),
    end_time: formatUtc(row.endsAt.getTime()),
    duration_minutes: Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / MINUTE_MS),
    invitee_name: row.inviteeName,
    invitee_email: row.inviteeEmail,
    invitee_timezone: row.inviteeTimeZone,
    answers: row.answers as Booking['answers'],
    calendar_event_id: row.calendarEventId,
    created_at: formatUtc(row.createdAt.getTime()),
    version: row.version,
    rescheduled_from_id: row.rescheduledFrom,
    rescheduled_to_id: row.rescheduledTo,
  }
  if (row.cancelledAt) wire.cancelled_at = formatUtc(row.cancelledAt.getTime())
  if (row.cancelReason !== null) wire.cancel_reason = row.cancelReason
  // The key that made the stored hash, not simply the newest: after a rotation
  // the rebuilt links are the ones the invitee already has.
  const token = withLinks ? linkTokenOf(deps.secretKeys, row.id, row.tokenHash) : undefined
  if (token !== undefined) {
    const base = `${deps.publicUrl()}/bookings/${row.id}`
    wire.cancel_url = `${base}/cancel?token=${token}`
    wire.reschedule_url = `${base}/reschedule?token=${token}`
  }
  return wire
}

/** The next open slots (up to 5) after a rejected request, in the invitee's zone. */
async function alternatives(
  deps: ServiceDeps,
  mt: MeetingTypeRow,
  host: HostZone,
  durationMinutes: number,
  requestedAt: number,
  reason: SlotRejectionReason,
  timeZone: string,
): Promise<{ start: string; end: string }[]> {
  const now = deps.now()
  const from = reason === 'TOO_FAR' ? now : Math.max(now, requestedAt)
  for (const days of [14, 62]) {
    const slots = await computeSlots(deps, mt, host.timeZone, durationMinutes, {
      from,
      to: from + days * DAY_MS,
    })
    if (slots.length > 0 || days === 62) {
      return slots.slice(0, 5).map((s) => ({
        start: formatRfc3339(s.startsAt, timeZone),
        end: formatRfc3339(s.endsAt, timeZone),
      }))
    }
  }
  return []
}

async function slotUnavailable(
  deps: ServiceDeps,
  rejected: SlotRejected,
  mt: MeetingTypeRow,
  host: HostZone,
  durationMinutes: number,
  requestedAt: number,
  timeZone: string,
): Promise<ApiError> {
  const alts = await alternatives(
    deps,
    mt,
    host,
    durationMinutes,
    requestedAt,
    rejected.reason,
    timeZone,
  ).catch((error: unknown) => {
    deps.log.warn({ err: error }, 'computing alternatives failed')
    return []
  })
  return new ApiError('SLOT_UNAVAILABLE', rejected.message, undefined, {
    reason: rejected.reason,
    alternatives: alts,
  })
}

/**
 * The 409 SLOT_UNAVAILABLE (with alternatives) for a slot the re-check refused or
 * the exclusion constraint (layer 1, SQLSTATE 23P01) fired on; any other error as it is.
 */
async function asSlotUnavailable(
  deps: ServiceDeps,
  error: unknown,
  mt: MeetingTypeRow,
  host: HostZone,
  durationMinutes: number,
  requestedAt: number,
  timeZone: string,
): Promise<unknown> {
  const rejected =
    error instanceof SlotRejected
      ? error
      : sqlState(error) === EXCLUSION_VIOLATION
        ? new SlotRejected('CONFLICT', 'This slot was just booked')
        : undefined
  if (!rejected) return error
  return slotUnavailable(deps, rejected, mt, host, durationMinutes, requestedAt, timeZone)
}

/**
 * Layer 2 + re-check: with the host row locked, checks `startsAt` against rules,
 * notice, window, limits, confirmed bookings (with their buffers) and stored
 * external busy times (`ctx`, loaded after the lock), exactly as the slots
 * endpoint computes them.
 */
function recheck(
  deps: ServiceDeps,
  ctx: SchedulingContext,
  host: HostZone,
  mt: MeetingTypeRow,
  startsAt: number,
  durationMinutes: number,
  options: { allowDuration?: number } = {},
): void {
  const rules = toMeetingTypeRules(mt)
  const allowed = options.allowDuration
  const check = checkSlot({
    schedule: ctx.schedule(host.timeZone),
    meetingType:
      allowed === undefined
        ? rules
        : { ...rules, durationOptionsMinutes: [...(rules.durationOptionsMinutes ?? []), allowed] },
    bookings: ctx.bookings,
    events: ctx.events,
    now: deps.now(),
    startsAt,
    durationMinutes,
  })
  if (!check.ok) throw new SlotRejected(check.reason, check.message)
}

function bookingValues(
  deps: ServiceDeps,
  id: string,
  mt: MeetingTypeRow,
  startsAt: number,
  durationMinutes: number,
  invitee: {
    name: string
    email: string
    timeZone: string
    locale: string | null | undefined
    answers: Answers
  },
) {
  const endsAt = startsAt + durationMinutes * MINUTE_MS
  return {
    id,
    hostId: mt.userId,
    meetingTypeId: mt.id,
    status: 'confirmed' as const,
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    bufferBeforeMinutes: mt.bufferBeforeMinutes,
    bufferAfterMinutes: mt.bufferAfterMinutes,
    blocked: tstzrange(
      startsAt - mt.bufferBeforeMinutes * MINUTE_MS,
      endsAt + mt.bufferAfterMinutes * MINUTE_MS,
    ),
    inviteeName: invitee.name,
    inviteeEmail: invitee.email,
    inviteeTimeZone: invitee.timeZone,
    locale: invitee.locale ?? null,
    answers: JSON.stringify(invitee.answers),
    tokenHash: reissuedToken(deps.secretKeys, id).tokenHash,
  }
}

/** Result of {@link createBooking}: the wire booking, and whether it was a replay. */
export interface CreatedBooking {
  booking: CreateBookingReply
  replayed: boolean
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
 * Whether the invitee gets the e-mail of a change made through the public API
 * by the client `clientKey` (see `rateLimitKey`): the mail limits decide, and an
 * e-mail over a budget is left out, counted and logged (without the address).
 * Without a client key (a host or admin key made the change) or a limiter, it
 * always goes. O(1): one in-process lookup or one Redis script, no database.
 */
async function mayMailInvitee(
  deps: ServiceDeps,
  kind: 'confirmation' | 'cancellation' | 'reschedule',
  bookingId: string,
  recipient: string,
  clientKey: string | undefined,
): Promise<boolean> {
  if (!deps.mailLimiter || clientKey === undefined) return true
  const spent = await deps.mailLimiter.take(recipient, clientKey)
  if (spent === undefined) return true
  deps.log.info(
    { bookingId, email: kind, budget: spent },
    'invitee e-mail left out: mail limit reached',
  )
  return false
}

/** A stored booking as the answer to a request with the same Idempotency-Key, or 422. */
async function replayIdempotent(
  deps: ServiceDeps,
  previous: { id: string; requestHash: string | null },
  requestHash: string | null,
): Promise<BookingRow> {
  expectSameRequest(previous.requestHash, requestHash)
  const row = await findBookingById(deps.db, previous.id)
  if (!row) throw notFound('Booking')
  return (await withLinkableToken(deps.db, deps.secretKeys, row, deps.log)).booking
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

/** The row a new booking will have, for its jobs (written in the same statement). */
function pendingRow(
  values: ReturnType<typeof bookingValues>,
  request: BookingRequest,
  createdAt: Date,
  answers: Answers,
): BookingRow {
  return {
    ...values,
    answers,
    version: 1,
    idempotencyKey: request.idempotencyKey ?? null,
    requestHash: request.requestHash,
    cancelReason: null,
    cancelledAt: null,
    rescheduledFrom: null,
    rescheduledTo: null,
    calendarEventId: null,
    createdAt,
    updatedAt: createdAt,
  }
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
      from: startsAt,
      to: startsAt + DAY_MS,
    },
    reader && ((query) => reader.read(query)),
  )
  const host = ctx.host
  if (!host) throw notFound('Meeting type')
  if (ctx.idempotent) {
    const row = await replayIdempotent(deps, ctx.idempotent, request.requestHash)
    return { booking: toWireBooking(deps, row, true) as CreateBookingReply, replayed: true }
  }
  // An earlier try of this very request was written after all (its reply was lost).
  if (ctx.hasBooking(request.id)) {
    const row = await findBookingById(deps.db, request.id)
    if (row) {
      const { booking: linkable } = await withLinkableToken(deps.db, deps.secretKeys, row, deps.log)
      return { booking: toWireBooking(deps, linkable, true) as CreateBookingReply, replayed: false }
    }
  }
  const mt = ctx.meetingType
  if (!mt?.isActive) throw notFound('Meeting type')
  const durationMinutes = chooseDuration(mt, body.duration_minutes, 'duration_minutes')
  const answers = validateAnswers(mt.questions, body.answers ?? {})
  let row: BookingRow | undefined
  try {
    recheck(deps, ctx, host, mt, startsAt, durationMinutes)
    const values = bookingValues(deps, request.id, mt, startsAt, durationMinutes, {
      name: body.invitee_name,
      email: body.invitee_email,
      timeZone: body.invitee_timezone,
      locale: body.locale,
      answers,
    })
    const createdAt = new Date()
    const jobs = deps.bookingJobs
    const inviteeMail = jobs ? await request.inviteeMail() : true
    const booking: OptimisticBooking = {
      ...values,
      answers,
      idempotencyKey: request.idempotencyKey ?? null,
      requestHash: request.requestHash,
      createdAt,
      seenVersion: host.scheduleVersion,
      jobs: jobs
        ? jobRecords(
            jobs.created(pendingRow(values, request, createdAt, answers), {
              webhooks: ctx.webhookListens === true,
              inviteeMail,
            }),
            request.id,
          )
        : [],
    }
    row = deps.bookingWriter
      ? await deps.bookingWriter.write(booking)
      : (await insertBookingsIfUnchanged(deps.db, [booking], jobs?.schema))[0]
  } catch (error) {
    // The same key sent twice at once: the other request's booking is there now.
    // (The batch statement skips such conflicts; a lone write may still raise one.)
    if (sqlState(error) === UNIQUE_VIOLATION) return undefined
    throw await asSlotUnavailable(
      deps,
      error,
      mt,
      host,
      durationMinutes,
      startsAt,
      body.invitee_timezone,
    )
  }
  if (!row) return undefined
  await bumpHostGeneration(deps, request.hostId)
  return { booking: toWireBooking(deps, row, true) as CreateBookingReply, replayed: false }
}

/**
 * `POST /api/bookings`. Checks the slot with core and writes the booking with
 * its jobs so that no change of the host can slip in between (layer 2 of
 * DESIGN.md): optimistically first, in two statements and no open transaction
 * (ADR 0008); after {@link OPTIMISTIC_TRIES} lost races, or with a custom
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
      (inviteeMail ??= mayMailInvitee(deps, 'confirmation', id, body.invitee_email, clientKey)),
  }
  if (deps.bookingJobs || !deps.onBookingEvent) {
    for (let tries = 0; tries < OPTIMISTIC_TRIES; tries++) {
      const created = await tryOptimistic(deps, request)
      if (created) return created
    }
  }
  return createBookingLocked(deps, request)
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
  let host: UserRow | undefined
  let mt: MeetingTypeRow | undefined
  let durationMinutes = 0
  let result: { row: BookingRow; replayed: boolean }
  try {
    result = await deps.db.transaction().execute(async (trx) => {
      host = await lockHost(trx, hostId)
      if (!host) throw notFound('Meeting type')
      if (idempotencyKey) {
        const previous = await findBookingByIdempotencyKey(trx, hostId, idempotencyKey)
        if (previous) {
          expectSameRequest(previous.requestHash, requestHash)
          return { row: previous, replayed: true }
        }
      }
      // After the lock, one statement reads the meeting type and everything the
      // check needs; it sees every booking committed before the lock was granted.
      const ctx = await loadSchedulingContext(trx, {
        hostId,
        meetingTypeId: body.meeting_type_id,
        loadMeetingType: true,
        from: startsAt,
        to: startsAt + DAY_MS,
      })
      mt = ctx.meetingType
      if (!mt?.isActive) throw notFound('Meeting type')
      durationMinutes = chooseDuration(mt, body.duration_minutes, 'duration_minutes')
      const answers = validateAnswers(mt.questions, body.answers ?? {})
      recheck(deps, ctx, host, mt, startsAt, durationMinutes)
      const inviteeMail = deps.onBookingEvent ? await request.inviteeMail() : true
      const row = await insertBooking(trx, {
        ...bookingValues(deps, request.id, mt, startsAt, durationMinutes, {
          name: body.invitee_name,
          email: body.invitee_email,
          timeZone: body.invitee_timezone,
          locale: body.locale,
          answers,
        }),
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
      })
      await deps.onBookingEvent?.(trx, { type: 'booking.created', booking: row, inviteeMail })
      return { row, replayed: false }
    })
  } catch (error) {
    throw host && mt
      ? await asSlotUnavailable(
          deps,
          error,
          mt,
          host,
          durationMinutes,
          startsAt,
          body.invitee_timezone,
        )
      : error
  }
  if (!result.replayed) await bumpHostGeneration(deps, hostId)
  // A replayed booking may predate a key rotation (its key since dropped).
  const row = result.replayed
    ? (await withLinkableToken(deps.db, deps.secretKeys, result.row, deps.log)).booking
    : result.row
  return {
    booking: toWireBooking(deps, row, true) as CreateBookingReply,
    replayed: result.replayed,
  }
}

/** Loads a booking the actor may see, or 401/403/404. */
export async function getAuthorizedBooking(
  deps: ServiceDeps,
  id: string,
  actor: BookingActor | undefined,
): Promise<BookingRow> {
  if (!actor)
    throw new ApiError(
      'UNAUTHORIZED',
      'Send a Bearer API key, or the token from the booking links (?token=)',
    )
  const row = await findBookingById(deps.db, id)
  if (actor.kind === 'token') {
    // Same answer for an unknown id and a wrong token: a token guesser learns nothing.
    if (!row || !isBookingToken(deps.secretKeys, row.id, row.tokenHash, actor.token))
      throw new ApiError('NOT_FOUND', 'Booking not found (or the token does not match)')
    return row
  }
  if (!row) throw notFound('Booking')
  if (actor.kind === 'user' && actor.userId !== row.hostId)
    throw new ApiError('FORBIDDEN', "This booking belongs to another user's calendar")
  return row
}

/**
 * The client key that counts against the mail limits: an invitee acting with
 * the link's token is anyone on the internet; a host or admin key is accountable,
 * and the invitee must hear about what the host did.
 */
function publicClient(
  actor: BookingActor | undefined,
  clientKey: string | undefined,
): string | undefined {
  return actor?.kind === 'token' ? clientKey : undefined
}

/**
 * 409 BOOKING_IN_PAST when the invitee's token tries to change a booking that has
 * started: a cancel then would fire `booking.cancelled` webhooks (which billing
 * systems act on) for a meeting that took place. The host's key and the admin
 * token may still, e.g. to record a no-show.
 */
function expectNotStartedFor(
  deps: ServiceDeps,
  row: BookingRow,
  actor: BookingActor | undefined,
): void {
  if (actor?.kind === 'token' && row.startsAt.getTime() <= deps.now()) {
    throw new ApiError(
      'BOOKING_IN_PAST',
      `This meeting started at ${formatUtc(row.startsAt.getTime())}; only the host can change it now`,
      { start_time: formatUtc(row.startsAt.getTime()) },
    )
  }
}

function expectConfirmed(row: BookingRow): void {
  if (row.status !== 'confirmed') {
    throw new ApiError(
      'BOOKING_NOT_ACTIVE',
      `This booking is ${row.status}; only confirmed bookings can be changed`,
      {
        status: row.status,
      },
    )
  }
}

/** `POST /api/bookings/:id/cancel`: versioned update (zero rows → 409 CONCURRENT_MODIFICATION). */
export async function cancelBooking(
  deps: ServiceDeps,
  id: string,
  actor: BookingActor | undefined,
  reason: string | undefined,
  expectedVersion?: number,
  /** The client's `rateLimitKey`: an invitee's (token) cancel counts against the mail limits. */
  clientKey?: string,
): Promise<Booking> {
  const row = await getAuthorizedBooking(deps, id, actor)
  expectConfirmed(row)
  expectNotStartedFor(deps, row, actor)
  const version = expectedVersion ?? row.version
  const updated = await deps.db.transaction().execute(async (trx) => {
    const cancelled = await cancelBookingVersioned(trx, row.hostId, row.id, version, reason ?? null)
    if (cancelled && deps.onBookingEvent) {
      // Only once the cancel is sure, so a lost race spends no e-mail budget.
      const inviteeMail = await mayMailInvitee(
        deps,
        'cancellation',
        row.id,
        row.inviteeEmail,
        publicClient(actor, clientKey),
      )
      await deps.onBookingEvent(trx, { type: 'booking.cancelled', booking: cancelled, inviteeMail })
    }
    return cancelled
  })
  if (!updated)
    throw new ApiError(
      'CONCURRENT_MODIFICATION',
      'The booking was changed at the same time; reload it and try again',
    )
  await bumpHostGeneration(deps, row.hostId)
  return toWireBooking(deps, updated, actor?.kind === 'token')
}

/**
 * `POST /api/bookings/:id/reschedule`: one transaction that releases the old slot
 * (versioned) and takes the new one, or changes nothing.
 */
export async function rescheduleBooking(
  deps: ServiceDeps,
  id: string,
  actor: BookingActor | undefined,
  startTime: string,
  expectedVersion?: number,
  /** The client's `rateLimitKey`: an invitee's (token) reschedule counts against the mail limits. */
  clientKey?: string,
): Promise<Booking> {
  const startsAt = parseInstant(startTime, 'start_time')
  const old = await getAuthorizedBooking(deps, id, actor)
  expectConfirmed(old)
  expectNotStartedFor(deps, old, actor)
  const version = expectedVersion ?? old.version
  const durationMinutes = Math.round((old.endsAt.getTime() - old.startsAt.getTime()) / MINUTE_MS)
  const newId = randomUUID()
  let host: UserRow | undefined
  let mt: MeetingTypeRow | undefined
  let created: BookingRow
  try {
    created = await deps.db.transaction().execute(async (trx) => {
      host = await lockHost(trx, old.hostId)
      if (!host) throw notFound('Booking')
      // The meeting type is read under the host lock, like the booking path: a
      // deactivated type takes no new times, and an edit racing this one is seen.
      const ctx = await loadSchedulingContext(trx, {
        hostId: old.hostId,
        meetingTypeId: old.meetingTypeId,
        loadMeetingType: true,
        from: startsAt,
        to: startsAt + durationMinutes * MINUTE_MS,
        excludeBookingId: old.id,
      })
      mt = ctx.meetingType
      if (!mt?.isActive) throw notFound('Meeting type')
      // The booking keeps its own length, even if the host has since changed the
      // type's durations: the invitee moves the meeting they booked.
      recheck(deps, ctx, host, mt, startsAt, durationMinutes, { allowDuration: durationMinutes })
      const released = await markRescheduledVersioned(trx, old.hostId, old.id, version, newId)
      if (!released)
        throw new ApiError(
          'CONCURRENT_MODIFICATION',
          'The booking was changed at the same time; reload it and try again',
        )
      const next = await insertBooking(trx, {
        ...bookingValues(deps, newId, mt, startsAt, durationMinutes, {
          name: old.inviteeName,
          email: old.inviteeEmail,
          timeZone: old.inviteeTimeZone,
          locale: old.locale,
          answers: old.answers as Answers,
        }),
        rescheduledFrom: old.id,
      })
      if (deps.onBookingEvent) {
        const inviteeMail = await mayMailInvitee(
          deps,
          'reschedule',
          next.id,
          next.inviteeEmail,
          publicClient(actor, clientKey),
        )
        await deps.onBookingEvent(trx, {
          type: 'booking.rescheduled',
          booking: next,
          previous: released,
          inviteeMail,
        })
      }
      return next
    })
  } catch (error) {
    throw host && mt
      ? await asSlotUnavailable(
          deps,
          error,
          mt,
          host,
          durationMinutes,
          startsAt,
          old.inviteeTimeZone,
        )
      : error
  }
  await bumpHostGeneration(deps, old.hostId)
  return toWireBooking(deps, created, actor?.kind === 'token')
}

/** `GET /api/bookings?user_id&from&to`: one page in start order, with an opaque cursor. */
export async function listHostBookings(
  deps: ServiceDeps,
  query: ListBookingsQuery,
): Promise<BookingList> {
  const from = query.from !== undefined ? parseInstant(query.from, 'from') : undefined
  const to = query.to !== undefined ? parseInstant(query.to, 'to') : undefined
  if (from !== undefined && to !== undefined && to < from)
    throw new ApiError('INVALID_RANGE', 'to: must not be before from', { field: 'to' })
  let after: { startsAt: number; id: string } | undefined
  if (query.cursor) {
    const decoded = Buffer.from(query.cursor, 'base64url').toString('utf8').split('|')
    const startsAtMs = Number(decoded[0])
    const cursorId = decoded[1] ?? ''
    if (!Number.isFinite(startsAtMs) || !/^[0-9a-f-]{36}$/i.test(cursorId))
      throw invalidField('cursor', 'is not a cursor this server issued')
    after = { startsAt: startsAtMs, id: cursorId }
  }
  const limit = query.limit ?? 50
  const rows = await listBookings(deps.db, {
    hostId: query.user_id,
    from,
    to,
    status: query.status,
    after,
    limit: limit + 1,
  })
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(`${last.startsAt.getTime()}|${last.id}`, 'utf8').toString('base64url')
      : null
  return { bookings: page.map((row) => toWireBooking(deps, row, false)), next_cursor: nextCursor }
}
