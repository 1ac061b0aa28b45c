import { markDisconnectNotified } from '../db/repositories/integrations.repository'
import { findUserById } from '../db/repositories/users.repository'
import type { CalendarSync } from '../integrations/calendar/calendar-sync'
import { type ReleaseDeps, releaseIntegration } from '../integrations/calendar/release-integration'
import { renderIntegrationDisconnectedEmail } from '../integrations/email/integration-email'
import type { QueuedJob } from './job-queue'
import type { NotificationDeps } from './notification-deps'
import type {
  CalendarReleasePayload,
  CalendarSyncPayload,
  SendIntegrationEmailPayload,
} from './queues'

/** A sync that found its integration claimed by another is tried again this much later. */
const BUSY_RETRY_MS = 5_000

/**
 * Handler of `calendar.sync`. Provider trouble is not thrown: the sync records
 * its backoff and queues its own next attempt. When another sync holds the
 * integration, this one is queued again shortly, so a change that arrived
 * during that sync is not lost.
 */
export async function handleCalendarSync(
  calendarSync: CalendarSync,
  job: QueuedJob<CalendarSyncPayload>,
): Promise<void> {
  const { integrationId, calendarId, reason } = job.data
  const outcome = await calendarSync.sync(integrationId, { reason, calendarId })
  if (outcome.busy) {
    await calendarSync.enqueue(integrationId, {
      reason,
      calendarId,
      startAfter: new Date(calendarSync.now() + BUSY_RETRY_MS),
    })
  }
}

/** Handler of `calendar.poll` (every minute): queues syncs of integrations not synced for 10 minutes. */
export async function handleCalendarPoll(calendarSync: CalendarSync): Promise<void> {
  await calendarSync.pollDue()
}

/** Handler of `calendar.renew-channels` (every 15 minutes). */
export async function handleRenewChannels(calendarSync: CalendarSync): Promise<void> {
  await calendarSync.renewChannels()
}

/**
 * Handler of `integration.send-email`: tells the host, once per disconnection,
 * that an account must be reconnected. The message is sent inside the
 * transaction that marks it sent (as booking e-mails are, ADR 0007); a host who
 * reconnected meanwhile gets nothing.
 */
export async function handleSendIntegrationEmail(
  deps: NotificationDeps,
  providerName: (provider: string) => string,
  job: QueuedJob<SendIntegrationEmailPayload>,
): Promise<void> {
  const { integrationId, disconnectedAt } = job.data
  await deps.db.transaction().execute(async (trx) => {
    const row = await markDisconnectNotified(trx, integrationId, {
      disconnectedAt: new Date(disconnectedAt),
      now: new Date(deps.now()),
    })
    if (!row) return
    const host = await findUserById(trx, row.hostId)
    if (!host) return
    const rendered = renderIntegrationDisconnectedEmail({
      hostName: host.name,
      provider: row.provider,
      providerName: providerName(row.provider),
      accountEmail: row.accountEmail,
      reason: row.lastError,
    })
    await deps.mailer.send({
      to: { name: host.name, email: host.email },
      ...rendered,
      messageId: `${integrationId}.disconnected.${Date.parse(disconnectedAt)}@slotkit`,
    })
  })
}

/**
 * Handler of `calendar.release`: the provider side of a deleted integration. A
 * provider that is down (or its open circuit breaker) fails the job, so pg-boss
 * tries again later with backoff; anything else is done.
 */
export async function handleCalendarRelease(
  deps: ReleaseDeps,
  job: QueuedJob<CalendarReleasePayload>,
): Promise<void> {
  const outcome = await releaseIntegration(deps, job.data)
  if (outcome === 'retry') {
    throw new Error(`${job.data.provider} could not be reached; the release is retried later`)
  }
}
