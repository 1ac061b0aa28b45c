import { randomUUID } from 'node:crypto'
import { formatUtc } from '@slotkit/core'
import type { Booking } from '@slotkit/core/api'
import type { Kysely } from 'kysely'
import type { BookingJobsInsert } from '../db/repositories/bookings.repository'
import { type JobQueue, jobInsertSql, type NewJob, stableJobId } from './job-queue'
import {
  CALENDAR_WRITE_EVENT,
  DISPATCH_WEBHOOKS,
  REMINDERS,
  type ReminderKind,
  SEND_EMAIL,
  SEND_REMINDER,
} from './queues'

/** The fields of a booking row the enqueue functions read. */
export interface BookingVersion {
  readonly id: string
  readonly hostId: string
  readonly version: number
  readonly startsAt: Date
  /**
   * `pending`: the booking service decided its host's calendar must follow this
   * change (the host has a write calendar, or the booking has an event there),
   * so a `calendar.write-event` job goes with it. Absent counts as no.
   */
  readonly calendarSync?: string
}

/** How long before the start each reminder is due (ms); default {@link REMINDERS}. */
export type ReminderOffsets = Readonly<Record<ReminderKind, number>>

/** What the enqueue functions need. */
export interface EnqueueContext {
  readonly queue: JobQueue
  /** The booking's transaction: the jobs commit or roll back with it. */
  // biome-ignore lint/suspicious/noExplicitAny: any schema's transaction will do
  readonly trx: Kysely<any>
  /** Epoch ms: reminders already due are not scheduled. */
  readonly now: number
  readonly reminderOffsets?: ReminderOffsets
}

/** Options of the enqueue functions. */
export interface InviteeMailOption {
  /**
   * False when the mail limits left the invitee's e-mail of this change out:
   * its jobs (and a new booking's reminders) then mail the host only. Default true.
   */
  readonly inviteeMail?: boolean
}

/** The payload field that leaves the invitee out, or nothing. */
function inviteeField(options: InviteeMailOption): { skipInvitee?: true } {
  return options.inviteeMail === false ? { skipInvitee: true } : {}
}

/** The job id of a booking version's reminder, recomputed to cancel it. */
export function reminderJobId(bookingId: string, version: number, reminder: ReminderKind): string {
  return stableJobId(`booking.send-reminder:${bookingId}:v${version}:${reminder}`)
}

function reminderJobs(
  ctx: Pick<EnqueueContext, 'now' | 'reminderOffsets'>,
  booking: BookingVersion,
  options: InviteeMailOption,
): NewJob[] {
  const offsets = ctx.reminderOffsets ?? REMINDERS
  const jobs: NewJob[] = []
  for (const reminder of Object.keys(offsets) as ReminderKind[]) {
    const dueAt = booking.startsAt.getTime() - offsets[reminder]
    // A booking made 3 hours ahead gets the 1 h reminder only.
    if (dueAt <= ctx.now) continue
    jobs.push({
      name: SEND_REMINDER,
      data: {
        reminder,
        bookingId: booking.id,
        version: booking.version,
        dueAt: formatUtc(dueAt),
        ...inviteeField(options),
      },
      startAfter: new Date(dueAt),
      id: reminderJobId(booking.id, booking.version, reminder),
    })
  }
  return jobs
}

/** The job id of a booking version's write-back (`attempt` 0 is the one queued with the change). */
export function writeEventJobId(bookingId: string, version: number, attempt = 0): string {
  return stableJobId(`calendar.write-event:${bookingId}:v${version}:a${attempt}`)
}

/** The booking's `calendar.write-event` job, when its calendar must follow this change. */
function writeEventJobs(booking: BookingVersion, options: InviteeMailOption): NewJob[] {
  if (booking.calendarSync !== 'pending') return []
  return [
    {
      name: CALENDAR_WRITE_EVENT,
      data: { bookingId: booking.id, version: booking.version, ...inviteeField(options) },
      id: writeEventJobId(booking.id, booking.version),
    },
  ]
}

async function cancelReminders(ctx: EnqueueContext, booking: BookingVersion): Promise<void> {
  const offsets = ctx.reminderOffsets ?? REMINDERS
  const ids = (Object.keys(offsets) as ReminderKind[]).map((reminder) =>
    reminderJobId(booking.id, booking.version, reminder),
  )
  await ctx.queue.cancelInTransaction(ctx.trx, SEND_REMINDER, ids)
}

function webhookEvent(
  ctx: Pick<EnqueueContext, 'now'>,
  event: 'booking.created' | 'booking.cancelled' | 'booking.rescheduled',
  booking: Booking,
): NewJob {
  return {
    name: DISPATCH_WEBHOOKS,
    data: {
      eventId: randomUUID(),
      event,
      hostId: booking.user_id,
      bookingId: booking.id,
      occurredAt: formatUtc(ctx.now),
      booking,
    },
  }
}

/**
 * The jobs of a new booking: confirmation e-mails, reminders, `booking.created`
 * webhooks and, for a host with a write calendar, the write-back. The optimistic booking path inserts them in the booking's own
 * statement (`jobInsertSql`); the locked path through {@link enqueueBookingCreated}.
 */
export function bookingCreatedJobs(
  ctx: Pick<EnqueueContext, 'now' | 'reminderOffsets'>,
  booking: BookingVersion,
  /** The webhook payload; omitted when no webhook listens (no dispatch job then). */
  wire: Booking | undefined,
  options: InviteeMailOption = {},
): NewJob[] {
  const jobs: NewJob[] = [
    {
      name: SEND_EMAIL,
      data: {
        event: 'confirmation',
        bookingId: booking.id,
        version: booking.version,
        ...inviteeField(options),
      },
    },
    // Reminders of a booking whose confirmation was left out would reach an
    // address that never asked for anything either.
    ...reminderJobs(ctx, booking, options),
    ...writeEventJobs(booking, options),
  ]
  if (wire) jobs.push(webhookEvent(ctx, 'booking.created', wire))
  return jobs
}

/**
 * How the optimistic booking statement (ADR 0008) writes the jobs of its new
 * bookings into pg-boss `schema`: the rows of {@link bookingCreatedJobs} as
 * `jobRecords` owned by their booking, each written only if its booking was.
 * The `booking.created` webhook dispatch also only if a webhook of the host
 * still listens. Make it once (the statement text is built once per value).
 */
export function bookingJobsInsert(schema: string): BookingJobsInsert {
  return {
    sql: ({ bookings, jobs }) =>
      jobInsertSql(schema, {
        jobsParam: jobs,
        source: bookings,
        condition: `j.owner = ${bookings}.id AND (j.name <> '${DISPATCH_WEBHOOKS}' OR EXISTS (SELECT 1 FROM webhooks w
            WHERE w.user_id = ${bookings}.host_id AND w.is_active AND 'booking.created' = ANY (w.events)))`,
      }),
  }
}

/** In the booking's transaction (one statement): the jobs of {@link bookingCreatedJobs}. */
export async function enqueueBookingCreated(
  ctx: EnqueueContext,
  booking: BookingVersion,
  wire: Booking,
  options: InviteeMailOption = {},
): Promise<void> {
  await ctx.queue.insertInTransaction(ctx.trx, bookingCreatedJobs(ctx, booking, wire, options))
}

/**
 * In the cancel transaction: cancels the reminders of the version that was live
 * (`before`), queues the cancellation e-mails for the cancelled version
 * (`after`), `booking.cancelled` webhooks and, when it was (to be) written to
 * the host's calendar, the deletion of its event.
 */
export async function enqueueBookingCancelled(
  ctx: EnqueueContext,
  before: BookingVersion,
  after: BookingVersion,
  wire: Booking,
  options: InviteeMailOption = {},
): Promise<void> {
  await cancelReminders(ctx, before)
  await ctx.queue.insertInTransaction(ctx.trx, [
    {
      name: SEND_EMAIL,
      data: {
        event: 'cancellation',
        bookingId: after.id,
        version: after.version,
        ...inviteeField(options),
      },
    },
    webhookEvent(ctx, 'booking.cancelled', wire),
    ...writeEventJobs(after, options),
  ])
}

/**
 * In the reschedule transaction: cancels the old booking's reminders, queues
 * the reschedule e-mails and reminders of the new booking,
 * `booking.rescheduled` webhooks (with the new booking) and the move of its
 * calendar event.
 */
export async function enqueueBookingRescheduled(
  ctx: EnqueueContext,
  old: BookingVersion,
  created: BookingVersion,
  wire: Booking,
  options: InviteeMailOption = {},
): Promise<void> {
  await cancelReminders(ctx, old)
  await ctx.queue.insertInTransaction(ctx.trx, [
    {
      name: SEND_EMAIL,
      data: {
        event: 'reschedule',
        bookingId: created.id,
        version: created.version,
        ...inviteeField(options),
      },
    },
    ...reminderJobs(ctx, created, options),
    webhookEvent(ctx, 'booking.rescheduled', wire),
    ...writeEventJobs(created, options),
  ])
}
