import { randomBytes, randomUUID } from 'node:crypto'
import { formatUtc, toInstant } from '@slotkit/core'
import type { SyncStatus } from '@slotkit/core/api'
import { LRUCache } from 'lru-cache'
import type { SlotCache } from '../../cache/slot-cache'
import type { Db } from '../../db/database'
import type { IntegrationCalendarRow, IntegrationRow } from '../../db/integrations.schema'
import {
  type BusyRowInput,
  claimSync,
  deleteBusy,
  deleteBusyExcept,
  deleteBusyOfObjects,
  findCalendarByChannel,
  findCalendars,
  findDueIntegrations,
  findIntegration,
  findIntegrationsWithChannelsDue,
  findUnnotifiedDisconnections,
  forgetChannels,
  lockBusyCalendar,
  lockHostZone,
  longestBookingWindowDays,
  markChannelNotice,
  markDisconnected,
  recordSyncFailure,
  recordSyncSuccess,
  releaseSync,
  renewSync,
  storeCalendarCursor,
  storeChannel,
  upsertBusy,
} from '../../db/repositories/integrations.repository'
import type { IntegrationSyncState } from '../../db/repositories/scheduling.repository'
import { findUserById } from '../../db/repositories/users.repository'
import { type JobQueue, stableJobId } from '../../jobs/job-queue'
import type { JobLogger } from '../../jobs/notification-deps'
import {
  CALENDAR_SYNC,
  DISPATCH_WEBHOOKS,
  SEND_INTEGRATION_EMAIL,
  type SyncReason,
} from '../../jobs/queues'
import { bumpHostGeneration } from '../../services/generation'
import { sameDigest, sha256 } from '../../services/tokens'
import {
  type BusyInterval,
  type CalendarDelta,
  type CalendarProvider,
  type ChannelLifecycleEvent,
  ProviderError,
  type ProviderSession,
  ResyncRequiredError,
  type SyncWindow,
} from './provider'
import { backoffDelayMs, CircuitBreaker, type CircuitBreakerOptions } from './resilience'
import type { SecretBox } from './secret-box'
import { CredentialsUnreadableError, sealCredentials, TokenStore } from './token-store'
import { toWireIntegration } from './wire'

const DAY_MS = 24 * 60 * 60_000

/**
 * A sync claims its integration for this long; the claim is renewed before each
 * calendar and checked (and renewed) in each calendar's write transaction.
 */
export const SYNC_LEASE_MS = 2 * 60_000
/** A host's busy times older than this are stale: polled, and refreshed on demand. */
export const STALE_AFTER_MS = 10 * 60_000
/** How long a slot request waits for an on-demand sync. */
export const DEMAND_DEADLINE_MS = 1500
/** A host is synced on demand at most this often per process. */
const DEMAND_MEMO_MS = 60_000
/** Channels expiring within this are renewed. */
export const CHANNEL_RENEW_AHEAD_MS = DAY_MS
/**
 * A full sync lists this much past the host's longest booking window, so the
 * window can slide a week before the next full sync.
 */
const WINDOW_HEADROOM_MS = 7 * DAY_MS

/** The providers a server has configured, by id. */
export type ProviderRegistry = ReadonlyMap<string, CalendarProvider>

/** What a sync did (the wire's SyncResult, in TypeScript terms). */
export interface SyncOutcome {
  readonly integrationId: string
  readonly status: SyncStatus
  readonly changes: number
  readonly lastSyncedAt: Date | null
  readonly nextAttemptAt: Date | null
  readonly error: string | null
  /** `deferred` because another sync of the integration holds its claim. */
  readonly busy?: boolean
}

/** Options of {@link CalendarSync}. */
export interface CalendarSyncOptions {
  readonly db: Db
  readonly cache: SlotCache
  readonly log: JobLogger
  readonly now: () => number
  readonly providers: ProviderRegistry
  /** Seals tokens; without it nothing can be connected or synced (ENCRYPTION_KEY_MISSING). */
  readonly box: SecretBox | undefined
  /** Base URL of push addresses (PUBLIC_URL). */
  readonly publicUrl: () => string
  /**
   * Whether push channels may be opened to `address`; default: https only (Google
   * delivers to nothing else). Tests with a local fake allow http.
   */
  readonly pushAllowed?: (address: URL) => boolean
  readonly breaker?: CircuitBreakerOptions
}

/** Disconnections whose host was not told are looked for this many at a time. */
const UNNOTIFIED_BATCH = 100

/**
 * A sync's claim on its integration: renewed before each calendar and inside each
 * calendar's write transaction (where it also locks the integration row until the
 * commit), so a sync that outlived its lease, which another sync then took, stops
 * without writing.
 */
class SyncLease {
  constructor(
    readonly integrationId: string,
    readonly holder: string,
    private readonly now: () => number,
  ) {}

  /** Renews the claim (through `db`, a transaction or not); throws when it was lost. */
  async keep(db: Db): Promise<void> {
    const kept = await renewSync(db, this.integrationId, {
      holder: this.holder,
      until: new Date(this.now() + SYNC_LEASE_MS),
    })
    if (!kept) throw new LeaseLostError()
  }
}

/** A sync found its claim taken by another sync (it outlived its lease) or the integration disconnected. */
class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError'
}

/**
 * The provider-independent sync engine and its three triggers (push, polling,
 * on demand), one per process, shared by the routes and the job workers.
 *
 * A sync claims its integration in the database (one sync of an integration at
 * a time across processes), gets a token from the {@link TokenStore}, asks the
 * provider for each busy calendar's changes (or everything, first and after a
 * 410), and writes each calendar's rows in one transaction: rows are upserted by
 * event id and only changed rows are written, so an unchanged sync bumps nothing.
 * After a commit that changed rows it bumps the host's slot-cache generation
 * (the database triggers already bumped `schedule_version` in the transaction).
 * Failures back off (60 s doubling, Retry-After honoured) and feed the
 * provider's circuit breaker; stored busy times stay in use throughout.
 */
export class CalendarSync {
  readonly tokens: TokenStore | undefined
  readonly #options: CalendarSyncOptions
  readonly #breakers = new Map<string, CircuitBreaker>()
  readonly #demand = new LRUCache<string, number>({ max: 100_000 })
  /** Hosts whose last scheduling read found no live integration. */
  readonly #noIntegrations = new LRUCache<string, true>({ max: 100_000, ttl: STALE_AFTER_MS })
  readonly #demandRuns = new Map<string, Promise<SyncOutcome>>()
  readonly #background = new Set<Promise<unknown>>()
  #queue: JobQueue | undefined

  constructor(options: CalendarSyncOptions) {
    this.#options = options
    this.tokens = options.box
      ? new TokenStore({
          db: options.db,
          box: options.box,
          now: options.now,
          onDisconnected: (trx, row) => this.#onDisconnected(trx, row),
        })
      : undefined
  }

  /** The job queue syncs and notifications are queued on (set once jobs start). */
  attachQueue(queue: JobQueue | undefined): void {
    this.#queue = queue
  }

  get queue(): JobQueue | undefined {
    return this.#queue
  }

  get box(): SecretBox | undefined {
    return this.#options.box
  }

  get now(): () => number {
    return this.#options.now
  }

  provider(id: string): CalendarProvider | undefined {
    return this.#options.providers.get(id)
  }

  /** The push address of a provider, if push may be used (PUBLIC_URL https). */
  pushAddress(provider: CalendarProvider): string | undefined {
    if (!provider.push) return undefined
    const address = `${this.#options.publicUrl()}/api/integrations/${provider.id}/notifications`
    const allowed = this.#options.pushAllowed ?? ((url: URL) => url.protocol === 'https:')
    return allowed(new URL(address)) ? address : undefined
  }

  /**
   * The circuit breaker of a provider, in this process: shared by syncs and
   * event writes, so an outage seen by either holds both back.
   */
  breaker(provider: string): CircuitBreaker {
    let breaker = this.#breakers.get(provider)
    if (!breaker) {
      breaker = new CircuitBreaker(this.#options.breaker)
      this.#breakers.set(provider, breaker)
    }
    return breaker
  }

  /** Waits for syncs started in the background (on-demand ones past their deadline). */
  async close(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background])
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#background.add(promise)
    void promise.then(
      () => this.#background.delete(promise),
      () => this.#background.delete(promise),
    )
    return promise
  }

  // ------------------------------------------------------------ sync

  /**
   * Syncs integration `integrationId` now: all its busy calendars, or
   * `calendarId` only. Never throws for provider trouble: the outcome says
   * what happened (and the integration row records it).
   */
  async sync(
    integrationId: string,
    request: { reason: SyncReason; calendarId?: string; ignoreBackoff?: boolean },
  ): Promise<SyncOutcome> {
    const { db, now } = this.#options
    const at = now()
    const lease = new SyncLease(integrationId, randomUUID(), now)
    const row = await claimSync(db, integrationId, {
      now: new Date(at),
      until: new Date(at + SYNC_LEASE_MS),
      holder: lease.holder,
      ignoreBackoff: request.ignoreBackoff ?? false,
    })
    if (!row) return this.#unclaimed(integrationId, at)
    const provider = this.provider(row.provider)
    try {
      if (!provider || !this.tokens) {
        const error = !provider
          ? `${row.provider} is not configured on this server`
          : 'ENCRYPTION_KEY is not set: stored tokens cannot be opened'
        // Backs off like a failure: without it the poller would queue this
        // integration every minute, and every uncached slots read of the host
        // would try it again, until the configuration changes.
        const failures = row.failureCount + 1
        const nextAttemptAt = new Date(at + backoffDelayMs(failures))
        await recordSyncFailure(db, row.id, {
          error,
          failureCount: failures,
          nextAttemptAt,
          now: new Date(at),
        })
        return { ...this.#outcome(row, 'failed', 0, error), nextAttemptAt }
      }
      const breaker = this.breaker(provider.id)
      if (!breaker.tryAcquire(at)) {
        const until = breaker.openUntil(at)
        const error = `${provider.name} is failing; its circuit breaker is open${until ? ` until ${formatUtc(until)}` : ''} (stored busy times stay in use)`
        return this.#outcome(row, 'deferred', 0, error)
      }
      return await this.#run(row, provider, breaker, request, lease)
    } finally {
      await releaseSync(db, row.id, lease.holder).catch((error: unknown) =>
        this.#options.log.error(
          { err: error, integrationId: row.id },
          'could not release a sync claim',
        ),
      )
    }
  }

  async #run(
    row: IntegrationRow,
    provider: CalendarProvider,
    breaker: CircuitBreaker,
    request: { reason: SyncReason; calendarId?: string },
    lease: SyncLease,
  ): Promise<SyncOutcome> {
    const { db, now, log } = this.#options
    const at = now()
    const session = this.tokens!.session(row, provider)
    let changes = 0
    try {
      const calendars = (await findCalendars(db, [row.id])).filter(
        (c) => c.busy && (request.calendarId === undefined || c.id === request.calendarId),
      )
      const window = await this.#window(row.hostId, at)
      // The zone providers convert floating times with (CalDAV); all-day rows take
      // the zone current at their write (upsertBusy).
      const host = await findUserById(db, row.hostId)
      if (!host) throw new LeaseLostError()
      for (const calendar of calendars) {
        // A full listing can take a while: the claim must outlast each calendar.
        await lease.keep(db)
        changes += await this.#syncCalendar(
          row,
          provider,
          session,
          calendar,
          window,
          host.timeZone,
          lease,
        )
      }
      breaker.success()
      const whole = request.calendarId === undefined
      const finished = new Date(now())
      await lease.keep(db)
      await recordSyncSuccess(db, row.id, { finished, whole })
      if (
        request.reason === 'connect' ||
        request.reason === 'settings' ||
        request.reason === 'lifecycle'
      ) {
        // Under this sync's claim: a renewal job cannot open channels alongside.
        await this.#ensureChannels(row.id, lease)
      }
      log.info(
        {
          integrationId: row.id,
          provider: provider.id,
          reason: request.reason,
          calendars: calendars.length,
          changes,
          ms: now() - at,
        },
        'calendar synced',
      )
      return {
        integrationId: row.id,
        status: 'synced',
        changes,
        lastSyncedAt: whole ? finished : row.lastSyncedAt,
        nextAttemptAt: null,
        error: null,
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        breaker.release()
        log.warn(
          { integrationId: row.id, provider: provider.id, reason: request.reason, changes },
          'calendar sync lost its claim to another sync; stopped without writing',
        )
        return {
          ...this.#outcome(
            row,
            'deferred',
            changes,
            'another sync of this integration took over (this one outlived its claim)',
          ),
          busy: true,
        }
      }
      return this.#failed(row, provider, breaker, error, changes)
    } finally {
      // Rows a failed sync did commit (earlier calendars) must not be served stale either.
      if (changes > 0) await bumpHostGeneration(this.#genDeps(), row.hostId)
    }
  }

  #genDeps() {
    return { cache: this.#options.cache, log: this.#options.log }
  }

  /** The range a full sync lists: a day back, to a week past the host's longest booking window. */
  async #window(hostId: string, at: number): Promise<SyncWindow & { needEnd: number }> {
    const today = new Date(at).toISOString().slice(0, 10)
    const days = await longestBookingWindowDays(this.#options.db, hostId, today)
    const needEnd = at + (days + 1) * DAY_MS
    return { from: at - DAY_MS, to: needEnd + WINDOW_HEADROOM_MS, needEnd }
  }

  async #syncCalendar(
    row: IntegrationRow,
    provider: CalendarProvider,
    session: ProviderSession,
    calendar: IntegrationCalendarRow,
    window: SyncWindow & { needEnd: number },
    timeZone: string,
    lease: SyncLease,
  ): Promise<number> {
    const { db, now, log } = this.#options
    // Full when there is no cursor, or when the booking window has slid past what
    // the last full sync listed (events beyond it were never seen).
    const full =
      calendar.syncCursor === null ||
      calendar.windowEnd === null ||
      calendar.windowEnd.getTime() < window.needEnd
    const listWindow = { from: window.from, to: window.to }
    let delta: CalendarDelta
    try {
      delta = await provider.syncCalendar(session, {
        calendarId: calendar.externalId,
        cursor: full ? null : calendar.syncCursor,
        window: listWindow,
        timeZone,
      })
    } catch (error) {
      if (!(error instanceof ResyncRequiredError)) throw error
      // 410: the cursor is gone. List in full; the full write replaces every row.
      log.info(
        { integrationId: row.id, provider: provider.id, calendarId: calendar.id },
        'sync cursor expired: full resync',
      )
      delta = await provider.syncCalendar(session, {
        calendarId: calendar.externalId,
        cursor: null,
        window: listWindow,
        timeZone,
      })
    }
    const at = new Date(now())
    return db.transaction().execute(async (trx) => {
      // Locks, in the order every writer takes them: the integration (the claim,
      // kept until the commit), the calendar, the host.
      await lease.keep(trx)
      // PATCH may have turned the calendar off (and deleted its rows) since this
      // sync read it: writing now would put back rows nothing removes again.
      if (!(await lockBusyCalendar(trx, calendar.id))) return 0
      // A zone change waits for this write, and its trigger then moves these rows.
      const zone = (await lockHostZone(trx, row.hostId)) ?? timeZone
      const rows = toRows(delta, zone)
      const upserted = new Set(rows.map((r) => r.externalId))
      const removals = delta.removals.filter((id) => !upserted.has(id))
      const target = {
        hostId: row.hostId,
        source: provider.id,
        integrationId: row.id,
        calendarId: calendar.id,
      }
      let written = await upsertBusy(trx, target, rows)
      written +=
        delta.mode === 'full'
          ? await deleteBusyExcept(trx, calendar.id, [...upserted])
          : (await deleteBusy(trx, calendar.id, removals)) +
            (await deleteBusyOfObjects(trx, calendar.id, delta.removedObjects ?? [], [...upserted]))
      await storeCalendarCursor(trx, calendar.id, {
        cursor: delta.nextCursor,
        syncedAt: at,
        ...(delta.mode === 'full' ? { windowEnd: new Date(listWindow.to) } : {}),
      })
      return written
    })
  }

  async #failed(
    row: IntegrationRow,
    provider: CalendarProvider,
    breaker: CircuitBreaker,
    error: unknown,
    changes: number,
  ): Promise<SyncOutcome> {
    const { db, now, log } = this.#options
    const at = now()
    if (error instanceof ProviderError && error.kind === 'revoked') {
      breaker.release()
      const current = await findIntegration(db, row.id)
      if (current && current.status !== 'disconnected')
        await this.disconnect(current, error.message)
      const after = (await findIntegration(db, row.id)) ?? row
      log.warn(
        { integrationId: row.id, provider: provider.id, reason: 'revoked', error: error.message },
        'calendar integration disconnected',
      )
      return this.#outcome(after, 'disconnected', changes, after.lastError)
    }
    const providerError = error instanceof ProviderError ? error : undefined
    if (providerError?.kind === 'unavailable') breaker.failure(at)
    else if (providerError) breaker.release()
    else breaker.release()
    const failures = row.failureCount + 1
    const nextAttemptAt = new Date(
      at + backoffDelayMs(failures, providerError?.options.retryAfterMs),
    )
    const unreadable = error instanceof CredentialsUnreadableError
    const message =
      providerError || unreadable
        ? (error as Error).message
        : `internal error while syncing (${error instanceof Error ? error.name : 'unknown'}); see the server log`
    await recordSyncFailure(db, row.id, {
      error: message,
      failureCount: failures,
      nextAttemptAt,
      now: new Date(at),
    })
    const fields = {
      integrationId: row.id,
      hostId: row.hostId,
      provider: provider.id,
      reason: providerError?.kind ?? (unreadable ? 'credentials-unreadable' : 'internal'),
      status: providerError?.options.status,
      failures,
      nextAttemptAt: nextAttemptAt.toISOString(),
      error: message,
    }
    if (providerError) log.warn(fields, 'calendar sync failed')
    else if (unreadable) log.error(fields, 'calendar sync failed')
    // Not a provider error: our bug or the database. The error itself is logged
    // (it never carries tokens: provider errors are all mapped to ProviderError).
    else log.error({ ...fields, err: error }, 'calendar sync failed')
    // The next attempt, as a job due when the backoff ends (the poller is the fallback).
    await this.enqueue(row.id, { reason: 'retry', startAfter: nextAttemptAt }).catch(() => {})
    return {
      integrationId: row.id,
      status: 'failed',
      changes,
      lastSyncedAt: row.lastSyncedAt,
      nextAttemptAt,
      error: message,
    }
  }

  /** Why an integration could not be claimed: gone, disconnected, backing off, or busy. */
  async #unclaimed(integrationId: string, at: number): Promise<SyncOutcome> {
    const row = await findIntegration(this.#options.db, integrationId)
    if (!row) {
      return {
        integrationId,
        status: 'deferred',
        changes: 0,
        lastSyncedAt: null,
        nextAttemptAt: null,
        error: 'the integration does not exist',
      }
    }
    if (row.status === 'disconnected') return this.#outcome(row, 'disconnected', 0, row.lastError)
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > at) {
      return this.#outcome(
        row,
        'deferred',
        0,
        `backing off after ${row.failureCount} failed attempt(s): ${row.lastError ?? 'unknown error'}`,
      )
    }
    return {
      ...this.#outcome(row, 'deferred', 0, 'another sync of this integration is running'),
      busy: true,
    }
  }

  #outcome(
    row: IntegrationRow,
    status: SyncStatus,
    changes: number,
    error: string | null,
  ): SyncOutcome {
    return {
      integrationId: row.id,
      status,
      changes,
      lastSyncedAt: row.lastSyncedAt,
      nextAttemptAt: row.nextAttemptAt,
      error,
    }
  }

  // ------------------------------------------------------------ triggers

  /**
   * Queues a sync job (one queued per integration and calendar: pg-boss policy
   * `short`). Without a running queue the sync runs in this process, in the background.
   */
  async enqueue(
    integrationId: string,
    options: { reason: SyncReason; calendarId?: string; startAfter?: Date },
  ): Promise<void> {
    const queue = this.#queue
    const payload = { integrationId, calendarId: options.calendarId, reason: options.reason }
    if (queue?.running) {
      const delay = options.startAfter ? options.startAfter.getTime() - this.#options.now() : 0
      await queue.send(CALENDAR_SYNC, payload, {
        // A lifecycle notice must reach the channel step even when a push sync of the
        // calendar is queued already (which would swallow it under the same key).
        singletonKey: `${integrationId}:${options.calendarId ?? 'all'}${options.reason === 'lifecycle' ? ':lifecycle' : ''}`,
        // Relative to the database's clock: the sync's clock may differ (tests).
        ...(delay > 0 ? { delaySeconds: Math.ceil(delay / 1000) } : {}),
      })
      queue.notify(CALENDAR_SYNC)
      return
    }
    if (options.startAfter && options.startAfter.getTime() > this.#options.now()) return
    this.#track(this.sync(integrationId, options)).catch((error: unknown) =>
      this.#options.log.error({ err: error, integrationId }, 'background calendar sync failed'),
    )
  }

  /**
   * Whether the slots endpoint's scheduling read should include the host's sync
   * state: false for a host whose last read found no live integration, for
   * {@link STALE_AFTER_MS} (so hosts without a calendar pay no sub-select).
   * An account connected meanwhile is synced when it connects, and is not stale
   * before the memo ends; the poller covers it either way.
   */
  wantsSyncState(hostId: string): boolean {
    return !this.#noIntegrations.has(hostId)
  }

  /**
   * The on-demand trigger of the slots endpoint: given the host's live
   * integrations as its scheduling read returned them, syncs those whose last
   * sync is older than 10 minutes (and not backing off) and waits for them at
   * most `deadlineMs`; past that the request answers from stored data and the
   * syncs finish in the background. Resolves true when a sync changed busy times
   * in time. Never rejects: a slow or failing provider never fails a slot request.
   */
  async refreshStaleHost(
    hostId: string,
    integrations: readonly IntegrationSyncState[],
    deadlineMs = DEMAND_DEADLINE_MS,
  ): Promise<boolean> {
    const { now, log } = this.#options
    const at = now()
    if (integrations.length === 0) {
      this.#noIntegrations.set(hostId, true)
      return false
    }
    const due = integrations.filter(
      (i) =>
        (i.syncedAt === null || i.syncedAt < at - STALE_AFTER_MS) &&
        (i.nextAttemptAt === null || i.nextAttemptAt <= at),
    )
    if (due.length === 0) return false
    const last = this.#demand.get(hostId)
    if (last !== undefined && at - last < DEMAND_MEMO_MS) return false
    this.#demand.set(hostId, at)
    try {
      const runs = due.map(({ id }) => {
        // Slot requests for one host arriving together share one sync.
        let run = this.#demandRuns.get(id)
        if (!run) {
          run = this.#track(this.sync(id, { reason: 'demand' }))
          this.#demandRuns.set(id, run)
          const started = run
          void started
            .finally(() => {
              if (this.#demandRuns.get(id) === started) this.#demandRuns.delete(id)
            })
            .catch(() => {})
        }
        return run
      })
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), deadlineMs)
      })
      // Handled here even when the deadline wins: a sync that fails later must not
      // become an unhandled rejection.
      const finished = Promise.all(runs).then(
        (outcomes) => outcomes.some((o) => o.changes > 0),
        (error: unknown) => {
          log.warn({ err: error, hostId }, 'on-demand calendar sync failed')
          return false
        },
      )
      try {
        return await Promise.race([finished, deadline])
      } finally {
        clearTimeout(timer)
      }
    } catch (error) {
      log.warn(
        { err: error, hostId },
        'on-demand calendar sync failed; answering from stored busy times',
      )
      return false
    }
  }

  /**
   * The polling trigger: queues a sync of every live integration not synced for
   * 10 minutes, and the host's e-mail and webhook of every disconnection not
   * notified yet (one that happened while the job queue was off; the jobs' ids
   * are stable, so one already queued is not queued twice).
   */
  async pollDue(limit = 1000): Promise<number> {
    const { db, now } = this.#options
    const at = now()
    const due = await findDueIntegrations(db, {
      before: new Date(at - STALE_AFTER_MS),
      now: new Date(at),
      limit,
    })
    for (const { id } of due) await this.enqueue(id, { reason: 'poll' })
    if (this.#queue?.running) {
      for (const row of await findUnnotifiedDisconnections(db, UNNOTIFIED_BATCH)) {
        await db.transaction().execute((trx) => this.#onDisconnected(trx, row))
      }
    }
    return due.length
  }

  // ------------------------------------------------------------ push channels

  /**
   * Opens a push channel for each busy calendar of the integration that has none,
   * and renews each whose channel expires within a day: in place when the provider
   * can (Graph: PATCH the subscription; a 404 means it is gone and a new one is
   * opened), else with a new channel, then the old one stopped (Google: both
   * overlap briefly). Failures are logged; polling covers the gap. Returns how many
   * channels were opened or renewed.
   *
   * Runs under the integration's sync claim (taken here; a sync that holds it opens
   * its channels itself), so two processes never open channels of one calendar at
   * once; 0 when another holds it (the next renewal run tries again).
   */
  async ensureChannels(integrationId: string): Promise<number> {
    const { db, now, log } = this.#options
    const at = now()
    const lease = new SyncLease(integrationId, randomUUID(), now)
    const claimed = await claimSync(db, integrationId, {
      now: new Date(at),
      until: new Date(at + SYNC_LEASE_MS),
      holder: lease.holder,
      ignoreBackoff: true,
    })
    if (!claimed) return 0
    try {
      return await this.#ensureChannels(integrationId, lease)
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error
      return 0
    } finally {
      await releaseSync(db, integrationId, lease.holder).catch((error: unknown) =>
        log.error({ err: error, integrationId }, 'could not release a sync claim'),
      )
    }
  }

  async #ensureChannels(integrationId: string, lease: SyncLease): Promise<number> {
    const { db, now, log } = this.#options
    const row = await findIntegration(db, integrationId)
    if (!row || row.status === 'disconnected' || !this.tokens) return 0
    const provider = this.provider(row.provider)
    const address = provider && this.pushAddress(provider)
    if (!provider?.push || !address) return 0
    const push = provider.push
    const at = now()
    if (this.breaker(provider.id).openUntil(at) !== undefined) return 0
    const due = (await findCalendars(db, [row.id])).filter(
      (c) =>
        c.busy &&
        (c.channelId === null ||
          c.channelExpiresAt === null ||
          c.channelExpiresAt.getTime() - at < CHANNEL_RENEW_AHEAD_MS),
    )
    if (due.length === 0) return 0
    const session = this.tokens.session(row, provider)
    const stop = (channel: { id: string; resourceId: string | null }, what: string) =>
      push
        .stop(session, channel)
        .catch((error: unknown) =>
          log.warn(
            { integrationId: row.id, provider: provider.id, error: describe(error) },
            `could not stop ${what}`,
          ),
        )
    let opened = 0
    for (const calendar of due) {
      try {
        await lease.keep(db)
        let replaced = calendar.channelId
        if (replaced !== null && push.renew && calendar.channelTokenHash !== null) {
          try {
            const renewed = await push.renew(
              session,
              { id: replaced, resourceId: calendar.channelResourceId },
              at + push.maxLifetimeMs,
            )
            // Same channel, same token: only its expiry moves.
            await storeChannel(
              db,
              calendar.id,
              {
                id: renewed.id,
                resourceId: renewed.resourceId,
                tokenHash: calendar.channelTokenHash,
                expiresAt: new Date(renewed.expiresAt),
              },
              { replaces: replaced, now: new Date(now()) },
            )
            opened += 1
            continue
          } catch (error) {
            if (!(error instanceof ProviderError && error.options.status === 404)) throw error
            // Gone at the provider (expired, removed): nothing to stop, open a new one.
            replaced = null
          }
        }
        const token = randomBytes(32).toString('base64url')
        const channel = await push.watch(session, {
          calendarId: calendar.externalId,
          channelId: randomUUID(),
          address,
          token,
          expiresAt: at + push.maxLifetimeMs,
        })
        // Compare-and-set on the channel read above: a channel stored meanwhile (a
        // claim that expired mid-call) wins, and the one opened here is stopped
        // rather than left open at the provider with nothing to stop it.
        const stored = await storeChannel(
          db,
          calendar.id,
          {
            id: channel.id,
            resourceId: channel.resourceId,
            tokenHash: sha256(token),
            expiresAt: new Date(channel.expiresAt),
          },
          { replaces: calendar.channelId, now: new Date(now()) },
        )
        if (!stored) {
          await stop(channel, 'a push channel opened twice')
          continue
        }
        opened += 1
        if (replaced) {
          await stop(
            { id: replaced, resourceId: calendar.channelResourceId },
            'a replaced push channel',
          )
        }
      } catch (error) {
        if (error instanceof LeaseLostError) throw error
        log.warn(
          {
            integrationId: row.id,
            provider: provider.id,
            calendarId: calendar.id,
            error: describe(error),
          },
          'could not open a push channel; polling covers this calendar',
        )
        if (error instanceof ProviderError && error.kind === 'revoked') break
      }
    }
    return opened
  }

  /** Stops the push channels of these calendars (best effort) and forgets them. */
  async stopChannels(
    row: IntegrationRow,
    calendars: readonly IntegrationCalendarRow[],
  ): Promise<void> {
    const { db, log } = this.#options
    const provider = this.provider(row.provider)
    const open = calendars.filter((c) => c.channelId !== null)
    if (open.length === 0) return
    if (provider?.push && this.tokens && row.status !== 'disconnected') {
      const session = this.tokens.session(row, provider)
      for (const calendar of open) {
        await provider.push
          .stop(session, { id: calendar.channelId!, resourceId: calendar.channelResourceId })
          .catch((error: unknown) =>
            log.warn(
              { integrationId: row.id, provider: row.provider, error: describe(error) },
              'could not stop a push channel',
            ),
          )
      }
    }
    await forgetChannels(
      db,
      open.map((c) => c.id),
    )
  }

  /** The renewal trigger: renews channels expiring within a day and opens missing ones. */
  async renewChannels(): Promise<number> {
    const { db, now } = this.#options
    const at = now()
    const due = await findIntegrationsWithChannelsDue(db, {
      now: new Date(at),
      renewBefore: new Date(at + CHANNEL_RENEW_AHEAD_MS),
      limit: 1000,
    })
    let opened = 0
    for (const { id } of due) opened += await this.ensureChannels(id)
    return opened
  }

  /**
   * A push notification: verifies the channel id and its token (constant time)
   * and queues a sync of that calendar. `sync` messages (sent once when a channel
   * opens, possibly before the watch reply is stored) change nothing.
   */
  async notify(
    providerId: string,
    message: { channelId: string; token: string | undefined; state: string },
  ): Promise<'accepted' | 'ignored' | 'unknown' | 'forbidden'> {
    const found = await findCalendarByChannel(this.#options.db, message.channelId)
    if (!found || found.provider !== providerId)
      return message.state === 'sync' ? 'ignored' : 'unknown'
    if (
      !found.channelTokenHash ||
      !sameDigest(sha256(message.token ?? ''), found.channelTokenHash)
    ) {
      return 'forbidden'
    }
    if (message.state === 'sync' || found.status === 'disconnected') return 'ignored'
    await this.enqueue(found.integrationId, { reason: 'push', calendarId: found.id })
    return 'accepted'
  }

  /**
   * A provider's notice about a channel (Graph lifecycle notifications), verified
   * like a change notification. Changes may have been missed: the calendar's cursor
   * is dropped, so its next sync lists it in full. `subscriptionRemoved` forgets the
   * channel and `reauthorizationRequired` makes it due for renewal now; the queued
   * sync then opens or renews it ({@link ensureChannels}).
   */
  async lifecycle(
    providerId: string,
    message: { channelId: string; token: string | undefined; event: ChannelLifecycleEvent },
  ): Promise<'accepted' | 'ignored' | 'unknown' | 'forbidden'> {
    const { db, now, log } = this.#options
    const found = await findCalendarByChannel(db, message.channelId)
    if (!found || found.provider !== providerId) return 'unknown'
    if (
      !found.channelTokenHash ||
      !sameDigest(sha256(message.token ?? ''), found.channelTokenHash)
    ) {
      return 'forbidden'
    }
    if (found.status === 'disconnected') return 'ignored'
    await markChannelNotice(db, found.id, {
      removed: message.event === 'subscriptionRemoved',
      expireNow: message.event === 'reauthorizationRequired',
      now: new Date(now()),
    })
    log.info(
      {
        integrationId: found.integrationId,
        provider: providerId,
        calendarId: found.id,
        event: message.event,
      },
      'push channel lifecycle event: full sync queued',
    )
    await this.enqueue(found.integrationId, { reason: 'lifecycle', calendarId: found.id })
    return 'accepted'
  }

  // ------------------------------------------------------------ disconnection

  /**
   * Marks an integration disconnected (its stored busy times stay in use), drops
   * its tokens, and queues the host's e-mail and the `integration.disconnected`
   * webhook in the same transaction.
   */
  async disconnect(row: IntegrationRow, reason: string): Promise<void> {
    const { db, now } = this.#options
    await db.transaction().execute(async (trx) => {
      const updated = await markDisconnected(trx, row.id, {
        // The refused grant is dropped: nothing usable stays stored.
        ...(this.#options.box
          ? { credentials: sealCredentials(this.#options.box, row.id, {}) }
          : {}),
        lastError: `${reason}; reconnect the account`,
        now: new Date(now()),
      })
      if (updated) await this.#onDisconnected(trx, updated)
    })
  }

  async #onDisconnected(trx: Db, row: IntegrationRow): Promise<void> {
    const queue = this.#queue
    const disconnectedAt = formatUtc(
      (row.disconnectedAt ?? new Date(this.#options.now())).getTime(),
    )
    if (!queue?.running) {
      this.#options.log.warn(
        { integrationId: row.id, provider: row.provider },
        'integration disconnected while the job queue is off: its e-mail and webhook are queued once the queue runs',
      )
      return
    }
    const calendars = await findCalendars(trx, [row.id])
    await queue.insertInTransaction(trx, [
      {
        name: SEND_INTEGRATION_EMAIL,
        id: stableJobId(`integration.send-email:${row.id}:${disconnectedAt}`),
        data: { integrationId: row.id, disconnectedAt },
      },
      {
        name: DISPATCH_WEBHOOKS,
        id: stableJobId(`integration.disconnected:${row.id}:${disconnectedAt}`),
        data: {
          eventId: stableJobId(`integration.disconnected:event:${row.id}:${disconnectedAt}`),
          event: 'integration.disconnected',
          hostId: row.hostId,
          occurredAt: disconnectedAt,
          integration: toWireIntegration(row, calendars),
        },
      },
    ])
  }
}

/** A provider error's message, or just the type of anything else (never its contents). */
function describe(error: unknown): string {
  if (error instanceof ProviderError) return error.message
  return error instanceof Error ? error.name : 'unknown error'
}

/** A delta's busy times as rows: all-day dates at their midnights in the host's zone; last one wins per id. */
function toRows(delta: CalendarDelta, timeZone: string): BusyRowInput[] {
  const byId = new Map<string, BusyRowInput>()
  for (const busy of delta.upserts as BusyInterval[]) {
    byId.set(
      busy.externalId,
      busy.kind === 'timed'
        ? {
            externalId: busy.externalId,
            startsAt: busy.startsAt,
            endsAt: busy.endsAt,
            allDayStart: null,
            allDayEnd: null,
          }
        : {
            externalId: busy.externalId,
            // A date's midnight in the host's zone (a midnight in a DST gap resolves forward).
            startsAt: toInstant(busy.startDate, '00:00', timeZone),
            endsAt: toInstant(busy.endDate, '00:00', timeZone),
            allDayStart: busy.startDate,
            allDayEnd: busy.endDate,
          },
    )
  }
  return [...byId.values()]
}
