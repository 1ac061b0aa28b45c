import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
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
  findCalendars,
  findDueIntegrations,
  findIntegration,
  longestBookingWindowDays,
  releaseSync,
  upsertBusy,
} from '../../db/repositories/integrations.repository'
import { type JobQueue, stableJobId } from '../../jobs/job-queue'
import type { JobLogger } from '../../jobs/notification-deps'
import {
  CALENDAR_SYNC,
  DISPATCH_WEBHOOKS,
  SEND_INTEGRATION_EMAIL,
  type SyncReason,
} from '../../jobs/queues'
import { bumpHostGeneration } from '../../services/generation'
import {
  type BusyInterval,
  type CalendarDelta,
  type CalendarProvider,
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

/** A sync claims its integration for this long (renewed by the next sync). */
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

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Constant-time comparison of two hex digests. */
function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && timingSafeEqual(left, right)
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
    const row = await claimSync(db, integrationId, {
      now: new Date(at),
      until: new Date(at + SYNC_LEASE_MS),
      ignoreBackoff: request.ignoreBackoff ?? false,
    })
    if (!row) return this.#unclaimed(integrationId, at)
    const provider = this.provider(row.provider)
    try {
      if (!provider || !this.tokens) {
        const error = !provider
          ? `${row.provider} is not configured on this server`
          : 'ENCRYPTION_KEY is not set: stored tokens cannot be opened'
        await this.#record(row.id, { lastError: error })
        return this.#outcome(row, 'failed', 0, error)
      }
      const breaker = this.breaker(provider.id)
      if (!breaker.tryAcquire(at)) {
        const until = breaker.openUntil(at)
        const error = `${provider.name} is failing; its circuit breaker is open${until ? ` until ${formatUtc(until)}` : ''} (stored busy times stay in use)`
        return this.#outcome(row, 'deferred', 0, error)
      }
      return await this.#run(row, provider, breaker, request)
    } finally {
      await releaseSync(db, row.id).catch((error: unknown) =>
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
      const host = await db
        .selectFrom('users')
        .select('timeZone')
        .where('id', '=', row.hostId)
        .executeTakeFirstOrThrow()
      for (const calendar of calendars) {
        changes += await this.#syncCalendar(row, provider, session, calendar, window, host.timeZone)
      }
      breaker.success()
      const whole = request.calendarId === undefined
      const finished = new Date(now())
      await db
        .updateTable('integrations')
        .set({
          // A one-calendar sync (push) leaves the others as old as they were.
          ...(whole ? { lastSyncedAt: finished } : {}),
          status: 'active',
          lastError: null,
          failureCount: 0,
          nextAttemptAt: null,
          updatedAt: finished,
        })
        .where('id', '=', row.id)
        .where('status', '<>', 'disconnected')
        .execute()
      if (request.reason === 'connect' || request.reason === 'settings') {
        await this.ensureChannels(row.id)
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
      })
    }
    const rows = toRows(delta, timeZone)
    const upserted = new Set(rows.map((r) => r.externalId))
    const removals = delta.removals.filter((id) => !upserted.has(id))
    const at = new Date(now())
    return db.transaction().execute(async (trx) => {
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
          : await deleteBusy(trx, calendar.id, removals)
      await trx
        .updateTable('integrationCalendars')
        .set({
          syncCursor: delta.nextCursor,
          syncedAt: at,
          ...(delta.mode === 'full' ? { windowEnd: new Date(listWindow.to) } : {}),
          updatedAt: at,
        })
        .where('id', '=', calendar.id)
        .execute()
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
    await db
      .updateTable('integrations')
      .set({
        status: 'error',
        lastError: message.slice(0, 1000),
        failureCount: failures,
        nextAttemptAt,
        updatedAt: new Date(at),
      })
      .where('id', '=', row.id)
      .where('status', '<>', 'disconnected')
      .execute()
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

  async #record(id: string, fields: { lastError: string }): Promise<void> {
    await this.#options.db
      .updateTable('integrations')
      .set({ lastError: fields.lastError, updatedAt: new Date(this.#options.now()) })
      .where('id', '=', id)
      .execute()
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
        singletonKey: `${integrationId}:${options.calendarId ?? 'all'}`,
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
   * The on-demand trigger of the slots endpoint: syncs the host's live
   * integrations whose last sync is older than 10 minutes and waits for them at
   * most `deadlineMs`; past that the request answers from stored data and the
   * syncs finish in the background. Resolves true when a sync changed busy times
   * in time. Never rejects: a slow or failing provider never fails a slot request.
   */
  async refreshStaleHost(hostId: string, deadlineMs = DEMAND_DEADLINE_MS): Promise<boolean> {
    const { db, now, log } = this.#options
    const at = now()
    const last = this.#demand.get(hostId)
    if (last !== undefined && at - last < DEMAND_MEMO_MS) return false
    this.#demand.set(hostId, at)
    try {
      const due = await db
        .selectFrom('integrations')
        .select('id')
        .where('hostId', '=', hostId)
        .where('status', '<>', 'disconnected')
        .where((eb) =>
          eb.or([
            eb('lastSyncedAt', 'is', null),
            eb('lastSyncedAt', '<', new Date(at - STALE_AFTER_MS)),
          ]),
        )
        .where((eb) =>
          eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', new Date(at))]),
        )
        .execute()
      if (due.length === 0) return false
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

  /** The polling trigger: queues a sync of every live integration not synced for 10 minutes. */
  async pollDue(limit = 1000): Promise<number> {
    const at = this.#options.now()
    const due = await findDueIntegrations(this.#options.db, {
      before: new Date(at - STALE_AFTER_MS),
      now: new Date(at),
      limit,
    })
    for (const { id } of due) await this.enqueue(id, { reason: 'poll' })
    return due.length
  }

  // ------------------------------------------------------------ push channels

  /**
   * Opens a push channel for each busy calendar of the integration that has none
   * or whose channel expires within a day (watch with a new id, then stop the old
   * one: both overlap briefly). Failures are logged; polling covers the gap.
   * Returns how many channels were opened.
   */
  async ensureChannels(integrationId: string): Promise<number> {
    const { db, now, log } = this.#options
    const row = await findIntegration(db, integrationId)
    if (!row || row.status === 'disconnected' || !this.tokens) return 0
    const provider = this.provider(row.provider)
    const address = provider && this.pushAddress(provider)
    if (!provider?.push || !address) return 0
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
    let opened = 0
    for (const calendar of due) {
      try {
        const token = randomBytes(32).toString('base64url')
        const channel = await provider.push.watch(session, {
          calendarId: calendar.externalId,
          channelId: randomUUID(),
          address,
          token,
          expiresAt: at + provider.push.maxLifetimeMs,
        })
        await db
          .updateTable('integrationCalendars')
          .set({
            channelId: channel.id,
            channelResourceId: channel.resourceId,
            channelTokenHash: sha256Hex(token),
            channelExpiresAt: new Date(channel.expiresAt),
            updatedAt: new Date(now()),
          })
          .where('id', '=', calendar.id)
          .execute()
        opened += 1
        if (calendar.channelId) {
          await provider.push
            .stop(session, { id: calendar.channelId, resourceId: calendar.channelResourceId })
            .catch((error: unknown) =>
              log.warn(
                { integrationId: row.id, provider: provider.id, error: describe(error) },
                'could not stop a replaced push channel',
              ),
            )
        }
      } catch (error) {
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
    await db
      .updateTable('integrationCalendars')
      .set({
        channelId: null,
        channelResourceId: null,
        channelTokenHash: null,
        channelExpiresAt: null,
      })
      .where(
        'id',
        'in',
        open.map((c) => c.id),
      )
      .execute()
  }

  /** The renewal trigger: renews channels expiring within a day and opens missing ones. */
  async renewChannels(): Promise<number> {
    const { db, now } = this.#options
    const at = now()
    const due = await db
      .selectFrom('integrationCalendars as c')
      .innerJoin('integrations as i', 'i.id', 'c.integrationId')
      .select('i.id')
      .distinct()
      .where('i.status', '<>', 'disconnected')
      .where('c.busy', '=', true)
      .where((eb) =>
        eb.or([
          eb('c.channelId', 'is', null),
          eb('c.channelExpiresAt', '<', new Date(at + CHANNEL_RENEW_AHEAD_MS)),
        ]),
      )
      .where((eb) =>
        eb.or([eb('i.nextAttemptAt', 'is', null), eb('i.nextAttemptAt', '<=', new Date(at))]),
      )
      .limit(1000)
      .execute()
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
    const found = await this.#options.db
      .selectFrom('integrationCalendars as c')
      .innerJoin('integrations as i', 'i.id', 'c.integrationId')
      .select(['c.id', 'c.integrationId', 'c.channelTokenHash', 'i.status', 'i.provider'])
      .where('c.channelId', '=', message.channelId)
      .executeTakeFirst()
    if (!found || found.provider !== providerId)
      return message.state === 'sync' ? 'ignored' : 'unknown'
    if (
      !found.channelTokenHash ||
      !sameDigest(sha256Hex(message.token ?? ''), found.channelTokenHash)
    ) {
      return 'forbidden'
    }
    if (message.state === 'sync' || found.status === 'disconnected') return 'ignored'
    await this.enqueue(found.integrationId, { reason: 'push', calendarId: found.id })
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
      const updated = await trx
        .updateTable('integrations')
        .set({
          status: 'disconnected',
          // The refused grant is dropped: nothing usable stays stored.
          ...(this.#options.box ? sealCredentials(this.#options.box, row.id, {}) : {}),
          accessExpiresAt: null,
          disconnectedAt: new Date(now()),
          disconnectNotifiedAt: null,
          lastError: `${reason}; reconnect the account`.slice(0, 1000),
          failureCount: 0,
          nextAttemptAt: null,
          updatedAt: new Date(now()),
        })
        .where('id', '=', row.id)
        .where('status', '<>', 'disconnected')
        .returningAll()
        .executeTakeFirst()
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
        'integration disconnected while the job queue is off: no e-mail or webhook is sent',
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
