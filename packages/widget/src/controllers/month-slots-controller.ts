import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { monthBounds } from '../i18n/dates'
import type { ApiSlot } from '../types'
import { toWidgetError, type WidgetApi, type WidgetError } from './widget-api'

/** The slots of one month, as loaded: one range request per month. */
export interface MonthSlots {
  readonly status: 'loading' | 'ready' | 'error'
  /** Date → slots starting on that date in the requested zone (bookable days only). */
  readonly days: ReadonlyMap<string, readonly ApiSlot[]>
  readonly error?: WidgetError | undefined
}

/** What identifies a month's slot query. */
export interface MonthQuery {
  readonly meetingTypeId: string
  readonly month: string
  readonly timeZone: string
  readonly durationMinutes?: number | undefined
}

const keyOf = (q: MonthQuery) =>
  `${q.meetingTypeId}|${q.month}|${q.timeZone}|${q.durationMinutes ?? ''}`

/**
 * Loads and caches a month of slots through a {@link WidgetApi}: one
 * `start_date`..`end_date` request per month, zone and duration. A new month
 * aborts the request for the month before it; the host re-renders on every
 * change; disconnecting aborts everything.
 */
export class MonthSlotsController implements ReactiveController {
  private readonly cache = new Map<string, MonthSlots>()
  private inflight: { key: string; controller: AbortController } | undefined

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: () => WidgetApi | undefined,
    private readonly onError: (error: WidgetError) => void,
  ) {
    host.addController(this)
  }

  hostDisconnected(): void {
    this.inflight?.controller.abort()
    this.inflight = undefined
    // Entries still loading would never settle now.
    for (const [key, value] of this.cache) if (value.status === 'loading') this.cache.delete(key)
  }

  /** The month's state, starting its request if it has none. */
  get(query: MonthQuery): MonthSlots {
    const key = keyOf(query)
    const hit = this.cache.get(key)
    if (hit) return hit
    return this.load(query)
  }

  /** Drops cached months (all, or those of one zone/duration) so the next `get` reloads. */
  invalidate(): void {
    this.inflight?.controller.abort()
    this.inflight = undefined
    this.cache.clear()
  }

  /** Reloads a month, replacing what is cached (after a 409 or a retry). */
  reload(query: MonthQuery): MonthSlots {
    this.cache.delete(keyOf(query))
    return this.load(query)
  }

  private load(query: MonthQuery): MonthSlots {
    const api = this.api()
    const key = keyOf(query)
    if (!api) return { status: 'loading', days: new Map() }
    if (this.inflight && this.inflight.key !== key) {
      this.inflight.controller.abort()
      const stale = this.cache.get(this.inflight.key)
      if (stale?.status === 'loading') this.cache.delete(this.inflight.key)
    }
    const controller = new AbortController()
    this.inflight = { key, controller }
    const state: MonthSlots = { status: 'loading', days: new Map() }
    this.cache.set(key, state)
    const { startDate, endDate } = monthBounds(query.month)
    api
      .getSlotRange(
        {
          meetingTypeId: query.meetingTypeId,
          startDate,
          endDate,
          timeZone: query.timeZone,
          durationMinutes: query.durationMinutes,
        },
        controller.signal,
      )
      .then(
        (reply) => {
          const days = new Map<string, readonly ApiSlot[]>()
          for (const day of reply.days) if (day.slots.length > 0) days.set(day.date, day.slots)
          this.settle(key, controller, { status: 'ready', days })
        },
        (error: unknown) => {
          if (controller.signal.aborted) return
          const e = toWidgetError(error)
          this.settle(key, controller, { status: 'error', days: new Map(), error: e })
          this.onError(e)
        },
      )
    return state
  }

  private settle(key: string, controller: AbortController, value: MonthSlots): void {
    if (controller.signal.aborted) return
    if (this.inflight?.controller === controller) this.inflight = undefined
    this.cache.set(key, value)
    this.host.requestUpdate()
  }
}
