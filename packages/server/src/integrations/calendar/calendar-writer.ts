import { formatUtc } from '@slotkit/core'
import type { Answers } from '@slotkit/core/api'
import type { Db } from '../../db/database'
import { findBookingById } from '../../db/repositories/bookings.repository'
import {
  findCalendarTarget,
  findWriteTarget,
  type WriteTarget,
} from '../../db/repositories/integrations.repository'
import type { BookingRow } from '../../db/schema'
import { languageFor } from '../../i18n/messages'
import { writeEventJobId } from '../../jobs/enqueue-booking-jobs'
import { type NewJob, stableJobId } from '../../jobs/job-queue'
import type { JobLogger } from '../../jobs/notification-deps'
import {
  CALENDAR_WRITE_EVENT,
  type CalendarWriteEventPayload,
  DISPATCH_WEBHOOKS,
  SEND_EMAIL,
} from '../../jobs/queues'
import { withLinkableToken } from '../../services/booking-links'
import { toPublicBooking } from '../../services/bookings/wire'
import { bookingQuestions, conferenceProviderOf } from '../../services/locations'
import type { SecretKeys } from '../../services/tokens'
import { writtenEventText } from '../email/templates'
import type { CalendarSync } from './calendar-sync'
import {
  type CalendarProvider,
  ProviderError,
  type ProviderSession,
  type WrittenEvent,
} from './provider'
import { backoffDelayMs } from './resilience'
import { CredentialsUnreadableError } from './token-store'

/**
 * Provider failures in a row before a write is given up (`failed`): with the
 * backoff (60 s doubling, at most 6 h) that is about a day and a half of tries.
 */
export const MAX_WRITE_ATTEMPTS = 12
/**
 * A conference the provider was still making when the event was created (Google
 * answers `pending`) is looked at again this much later, this many times.
 */
const CONFERENCE_CHECK_MS = 15_000
const CONFERENCE_CHECKS = 8

/**
 * The id of a booking's event at Google (and the id Graph and CalDAV providers
 * derive theirs from): the booking's UUID as lowercase hex without dashes. 32
 * characters of base32hex (`a-v0-9`: hex is a subset), which Google requires of
 * client-chosen ids, so a retried insert of the same booking collides (409)
 * instead of making a second event.
 */
export function eventIdOf(bookingId: string): string {
  return bookingId.replace(/-/g, '').toLowerCase()
}

/** Options of {@link CalendarWriter}. */
export interface CalendarWriterOptions {
  readonly db: Db
  readonly sync: CalendarSync
  /** Derive the invitee's links written into the event's description. */
  readonly secretKeys: SecretKeys
  readonly publicUrl: () => string
  readonly log: JobLogger
  /** The host's language (event title and description); default English. */
  readonly locale?: string
}

/** What one run did, for logs and tests. */
export type WriteOutcome =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'not-applicable'
  | 'stale'
  | 'retrying'
  | 'failed'
  | 'deferred'

/** A provider and an authorized session on one calendar. */
interface Place extends WriteTarget {
  readonly provider: CalendarProvider
  readonly session: ProviderSession
}

/** A provider failure the run stopped at, with the integration it concerned. */
class WriteFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly place: Pick<WriteTarget, 'integration'> | undefined,
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
  }
}

/**
 * Calendar write-back (issue 12 stage B, ADR 0015): runs `calendar.write-event`
 * jobs, each of which makes the host's calendar match one booking as it is when
 * the job runs (so a stale or repeated job does no harm):
 *
 * - confirmed: create the event (id {@link eventIdOf} the booking, the invitee as
 *   attendee, the links and answers in the description, a Meet or Teams link when
 *   the location asks), or move the event a reschedule handed on; delete and
 *   create when the write calendar changed;
 * - cancelled: delete its event (404/410 count as deleted); one never recorded
 *   is deleted by its derived id, so a create whose reply was lost leaves nothing;
 * - rescheduled: nothing, when the successor took the event over.
 *
 * The result is recorded on the booking only if it is still at the version
 * read; otherwise the booking moved on meanwhile and an event this run created
 * is deleted again (the newer change's job owns the calendar now). Provider
 * failures are recorded (`calendar_sync_error`, attempts) and the next try is
 * queued after the backoff (60 s doubling, never sooner than Retry-After); the
 * provider's circuit breaker (shared with the sync) skips calls while open.
 */
export class CalendarWriter {
  readonly #options: CalendarWriterOptions

  constructor(options: CalendarWriterOptions) {
    this.#options = options
  }

  /** Handles one `calendar.write-event` job. Throws only for non-provider trouble (database), which pg-boss retries. */
  async run(job: CalendarWriteEventPayload): Promise<WriteOutcome> {
    const row = await findBookingById(this.#options.db, job.bookingId)
    if (!row) return 'stale'
    const breaker = (provider: string) => this.#options.sync.breaker(provider)
    // One trial per run while half-open; the run's first provider call decides.
    const providerOf = async () =>
      row.calendarId
        ? (await findCalendarTarget(this.#options.db, row.calendarId))?.integration.provider
        : (await findWriteTarget(this.#options.db, row.hostId, conferenceProviderOf(row.location)))
            ?.integration.provider
    const providerId = await providerOf()
    const now = this.#options.sync.now()
    if (providerId && !breaker(providerId).tryAcquire(now)) {
      const until = breaker(providerId).openUntil(now) ?? now + 60_000
      await this.#deferred(row, job, providerId, until)
      return 'deferred'
    }
    try {
      const outcome =
        row.status === 'confirmed' ? await this.#place(row, job) : await this.#remove(row)
      if (providerId) {
        // A run that never reached the provider proves nothing about it.
        if (outcome === 'not-applicable') breaker(providerId).release()
        else breaker(providerId).success()
      }
      return outcome
    } catch (error) {
      if (!(error instanceof WriteFailure)) {
        if (providerId) breaker(providerId).release()
        throw error
      }
      const cause = error.cause
      if (providerId) {
        if (cause instanceof ProviderError && cause.kind === 'unavailable')
          breaker(providerId).failure(this.#options.sync.now())
        else breaker(providerId).release()
      }
      return this.#failed(row, job, cause, error.place)
    }
  }

  // ------------------------------------------------------------ confirmed

  async #place(row: BookingRow, job: CalendarWriteEventPayload): Promise<WriteOutcome> {
    const { db } = this.#options
    const needs = conferenceProviderOf(row.location)
    const target = await findWriteTarget(db, row.hostId, needs)
    let stored =
      row.calendarEventId && row.calendarId
        ? await findCalendarTarget(db, row.calendarId)
        : undefined
    if (stored && (!target || stored.calendar.id !== target.calendar.id)) {
      // The host writes elsewhere now (or nowhere): the event leaves the old calendar.
      await this.#deleteFrom(stored, row.calendarEventId!)
      stored = undefined
    }
    if (!target) {
      await this.#record(row, {
        calendarSync: 'not_applicable',
        calendarEventId: null,
        calendarId: null,
      })
      return 'not-applicable'
    }
    const place = await this.#open(target)
    const conference = needs !== undefined && needs === target.integration.provider
    const event = await this.#event(row, {
      eventId: stored ? row.calendarEventId! : eventIdOf(row.id),
      conference,
    })
    let created = false
    let conferenceUrl: string | null = null
    if (stored) {
      try {
        const result = await this.#call(place, () =>
          place.provider.updateEvent!(place.session, place.calendar.externalId, event),
        )
        conferenceUrl = result?.conferenceUrl ?? null
      } catch (error) {
        const gone =
          error instanceof WriteFailure &&
          error.cause instanceof ProviderError &&
          (error.cause.options.status === 404 || error.cause.options.status === 410)
        if (!gone || event.eventId === eventIdOf(row.id)) throw error
        // The host deleted the event a reschedule handed on: write this booking anew.
        stored = undefined
      }
    }
    let eventId = event.eventId
    if (!stored) {
      const fresh = { ...event, eventId: eventIdOf(row.id) }
      const result = await this.#call(place, () =>
        place.provider.createEvent!(place.session, place.calendar.externalId, fresh),
      )
      created = true
      eventId = result.eventId
      conferenceUrl = result.conferenceUrl
    }
    const meetingUrl = conference
      ? (conferenceUrl ?? (created ? null : row.meetingUrl))
      : row.meetingUrl
    const recorded = await this.#record(
      row,
      {
        calendarSync: 'synced',
        calendarEventId: eventId,
        calendarId: target.calendar.id,
        meetingUrl,
      },
      (updated) => this.#announce(row, updated, job),
    )
    if (!recorded) {
      // Cancelled or rescheduled while this ran: an event made here belongs to no
      // booking (a successor took over none of it), so it goes again.
      if (created) await this.#deleteFrom(target, eventId)
      return 'stale'
    }
    if (conference && meetingUrl === null) await this.#checkConferenceLater(row, job)
    this.#options.log.info(
      {
        bookingId: row.id,
        integrationId: target.integration.id,
        provider: target.integration.provider,
        eventId,
        conference,
      },
      created ? 'booking written to calendar' : 'calendar event moved',
    )
    return created ? 'created' : 'updated'
  }

  /** Queues the meeting-link e-mail and the `booking.updated` webhook once a join link arrives. */
  #announce(before: BookingRow, after: BookingRow, job: CalendarWriteEventPayload): NewJob[] {
    if (!after.meetingUrl || after.meetingUrl === before.meetingUrl) return []
    const at = formatUtc(this.#options.sync.now())
    const key = `${after.id}:v${after.version}:${after.meetingUrl}`
    return [
      {
        name: SEND_EMAIL,
        data: {
          event: 'meeting-link',
          bookingId: after.id,
          version: after.version,
          ...(job.skipInvitee ? { skipInvitee: true as const } : {}),
        },
        id: stableJobId(`booking.meeting-link:${key}`),
      },
      {
        name: DISPATCH_WEBHOOKS,
        id: stableJobId(`booking.updated:${key}`),
        data: {
          eventId: stableJobId(`booking.updated:event:${key}`),
          event: 'booking.updated',
          hostId: after.hostId,
          bookingId: after.id,
          occurredAt: at,
          booking: toPublicBooking(after),
        },
      },
    ]
  }

  // ------------------------------------------------------------ cancelled, rescheduled

  async #remove(row: BookingRow): Promise<WriteOutcome> {
    const { db } = this.#options
    if (row.status === 'rescheduled' && row.calendarEventId && row.rescheduledTo) {
      const successor = await findBookingById(db, row.rescheduledTo)
      if (successor?.calendarEventId === row.calendarEventId) {
        // Handed on: the successor's job moves it.
        await this.#record(row, { calendarSync: 'synced' })
        return 'not-applicable'
      }
    }
    const stored =
      row.calendarEventId && row.calendarId
        ? await findCalendarTarget(db, row.calendarId)
        : undefined
    if (stored) {
      await this.#deleteFrom(stored, row.calendarEventId!)
    } else {
      // Never recorded: a create whose reply was lost may still have made it.
      const target = await findWriteTarget(db, row.hostId, conferenceProviderOf(row.location))
      if (target) await this.#deleteFrom(target, eventIdOf(row.id))
    }
    await this.#record(row, {
      calendarSync: 'synced',
      ...(row.status === 'cancelled' ? { calendarEventId: null, calendarId: null } : {}),
    })
    return 'deleted'
  }

  // ------------------------------------------------------------ provider calls

  async #open(target: WriteTarget): Promise<Place> {
    const provider = this.#options.sync.provider(target.integration.provider)
    const tokens = this.#options.sync.tokens
    if (!provider?.createEvent || !provider.updateEvent || !provider.deleteEvent) {
      throw new WriteFailure(
        new ProviderError(
          target.integration.provider,
          'rejected',
          `${target.integration.provider} is not configured on this server, or cannot write events`,
        ),
        target,
      )
    }
    if (!tokens) {
      throw new WriteFailure(
        new ProviderError(
          provider.id,
          'rejected',
          'ENCRYPTION_KEY is not set: stored tokens cannot be opened',
        ),
        target,
      )
    }
    return { ...target, provider, session: tokens.session(target.integration, provider) }
  }

  /** A provider call; its failure becomes a {@link WriteFailure} naming the integration. */
  async #call<T>(place: WriteTarget, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw new WriteFailure(error, place)
    }
  }

  /** Deletes `eventId` from `target`'s calendar (gone counts as deleted). A disconnected account cannot be reached: that is a failure. */
  async #deleteFrom(target: WriteTarget, eventId: string): Promise<void> {
    if (target.integration.status === 'disconnected') {
      throw new WriteFailure(
        new ProviderError(
          target.integration.provider,
          'revoked',
          `${target.integration.provider}: the account is disconnected; its event stays in the calendar`,
        ),
        target,
      )
    }
    const place = await this.#open(target)
    await this.#call(place, () =>
      place.provider.deleteEvent!(place.session, place.calendar.externalId, eventId),
    )
  }

  /** The event of `row` as the provider gets it. */
  async #event(
    row: BookingRow,
    options: { eventId: string; conference: boolean },
  ): Promise<WrittenEvent> {
    const { db, secretKeys, publicUrl, log, locale } = this.#options
    const parts = await db
      .selectFrom('meetingTypes as m')
      .innerJoin('users as u', 'u.id', 'm.userId')
      .select(['m.name', 'm.questions', 'm.location', 'u.name as hostName'])
      .where('m.id', '=', row.meetingTypeId)
      .executeTakeFirstOrThrow()
    const { token } = await withLinkableToken(db, secretKeys, row, log)
    const base = `${publicUrl()}/bookings/${row.id}`
    const text = writtenEventText(languageFor(locale), {
      names: { meeting: parts.name, host: parts.hostName, invitee: row.inviteeName },
      links: {
        reschedule: `${base}/reschedule?token=${token}`,
        cancel: `${base}/cancel?token=${token}`,
      },
      questions: bookingQuestions({ questions: parts.questions, location: parts.location }),
      answers: row.answers as Answers,
      location: row.location,
      meetingUrl: options.conference ? null : row.meetingUrl,
    })
    return {
      eventId: options.eventId,
      bookingId: row.id,
      summary: text.summary,
      description: text.description,
      startsAt: row.startsAt.getTime(),
      endsAt: row.endsAt.getTime(),
      attendees: [{ email: row.inviteeEmail, name: row.inviteeName }],
      ...(options.conference ? { conference: true } : {}),
      ...(text.location ? { location: text.location } : {}),
    }
  }

  // ------------------------------------------------------------ recording

  /**
   * Writes `fields` on the booking if it is still at the version this run read
   * (and still has its status), with the jobs `extra` makes from the updated row
   * in the same transaction. False when the booking moved on.
   */
  async #record(
    row: BookingRow,
    fields: Partial<
      Pick<BookingRow, 'calendarSync' | 'calendarEventId' | 'calendarId' | 'meetingUrl'>
    >,
    extra?: (updated: BookingRow) => NewJob[],
  ): Promise<boolean> {
    const { db, sync } = this.#options
    const queue = sync.queue
    const queued = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('bookings')
        .set({ ...fields, calendarSyncError: null, calendarSyncAttempts: 0 })
        .where('id', '=', row.id)
        .where('hostId', '=', row.hostId)
        .where('version', '=', row.version)
        .where('status', '=', row.status)
        .returningAll()
        .executeTakeFirst()
      if (!updated) return undefined
      const jobs = queue?.running ? (extra?.(updated) ?? []) : []
      if (jobs.length > 0) await queue!.insertInTransaction(trx, jobs)
      return jobs
    })
    if (!queued) return false
    for (const name of new Set(queued.map((j) => j.name))) queue?.notify(name)
    return true
  }

  /** The breaker is open: the next try when it half-opens (not counted as a failed attempt). */
  async #deferred(
    row: BookingRow,
    job: CalendarWriteEventPayload,
    provider: string,
    until: number,
  ): Promise<void> {
    const name = this.#options.sync.provider(provider)?.name ?? provider
    const error = `${name} is failing; its circuit breaker is open until ${formatUtc(until)}`
    await this.#retryLater(row, job, {
      error,
      attempts: row.calendarSyncAttempts,
      delayMs: until - this.#options.sync.now() + 1000,
    })
    this.#options.log.warn(
      { bookingId: row.id, provider, reason: 'circuit-open', retryAt: formatUtc(until) },
      'calendar write deferred',
    )
  }

  /** A join link still being made: look again shortly (a patch returns the event as it is). */
  async #checkConferenceLater(row: BookingRow, job: CalendarWriteEventPayload): Promise<void> {
    const attempt = (job.attempt ?? 0) + 1
    if (attempt > CONFERENCE_CHECKS) return
    const queue = this.#options.sync.queue
    if (!queue?.running) return
    await queue.send(
      CALENDAR_WRITE_EVENT,
      { ...job, attempt },
      {
        id: writeEventJobId(row.id, row.version, attempt),
        delaySeconds: Math.ceil(CONFERENCE_CHECK_MS / 1000),
      },
    )
  }

  async #retryLater(
    row: BookingRow,
    job: CalendarWriteEventPayload,
    next: { error: string; attempts: number; delayMs: number; failed?: boolean },
  ): Promise<boolean> {
    const { db, sync } = this.#options
    const attempt = (job.attempt ?? 0) + 1
    return db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('bookings')
        .set({
          calendarSync: next.failed ? 'failed' : 'pending',
          calendarSyncError: next.error.slice(0, 1000),
          calendarSyncAttempts: next.attempts,
        })
        .where('id', '=', row.id)
        .where('hostId', '=', row.hostId)
        .where('version', '=', row.version)
        .where('status', '=', row.status)
        .returning('id')
        .executeTakeFirst()
      // Moved on meanwhile: the newer change's job owns the calendar.
      if (!updated || next.failed) return Boolean(updated)
      const queue = sync.queue
      if (!queue?.running) return true
      // On the database's clock (the writer's may differ in tests), as the sync's retries.
      await queue.sendInTransaction(
        trx,
        CALENDAR_WRITE_EVENT,
        { ...job, attempt },
        {
          id: writeEventJobId(row.id, row.version, attempt),
          delaySeconds: Math.max(1, Math.ceil(next.delayMs / 1000)),
        },
      )
      return true
    })
  }

  /**
   * A provider failure: rate limits, 5xx, timeouts and 401s are tried again after
   * the backoff (at most {@link MAX_WRITE_ATTEMPTS}); a refusal, a revoked grant
   * or unreadable credentials fail the write at once.
   */
  async #failed(
    row: BookingRow,
    job: CalendarWriteEventPayload,
    cause: unknown,
    place: Pick<WriteTarget, 'integration'> | undefined,
  ): Promise<WriteOutcome> {
    const providerError = cause instanceof ProviderError ? cause : undefined
    const message =
      providerError || cause instanceof CredentialsUnreadableError
        ? (cause as Error).message
        : `internal error while writing (${cause instanceof Error ? cause.name : 'unknown'}); see the server log`
    const attempts = row.calendarSyncAttempts + 1
    const transient =
      providerError !== undefined &&
      (providerError.kind === 'rate-limited' ||
        providerError.kind === 'unavailable' ||
        providerError.kind === 'unauthorized')
    const failed = !transient || attempts >= MAX_WRITE_ATTEMPTS
    const delayMs = backoffDelayMs(attempts, providerError?.options.retryAfterMs)
    await this.#retryLater(row, job, { error: message, attempts, delayMs, failed })
    this.#options.log.warn(
      {
        bookingId: row.id,
        integrationId: place?.integration.id,
        provider: place?.integration.provider ?? providerError?.provider,
        reason:
          providerError?.kind ??
          (cause instanceof CredentialsUnreadableError ? 'credentials-unreadable' : 'internal'),
        status: providerError?.options.status,
        attempts,
        ...(failed
          ? {}
          : { nextAttemptAt: new Date(this.#options.sync.now() + delayMs).toISOString() }),
        error: message,
        ...(providerError || cause instanceof CredentialsUnreadableError ? {} : { err: cause }),
      },
      failed ? 'calendar write failed; giving up' : 'calendar write failed; retrying',
    )
    return failed ? 'failed' : 'retrying'
  }
}
