import { type SlotsDayResult, type SlotsRangeResult, toSlot } from '../instants'
import type { Requester, RequestOptions } from '../request'
import type { SlotsDayQuery, SlotsDayReply, SlotsRangeQuery, SlotsRangeReply } from '../types'

/** `client.slots`: open slots of a meeting type, in the viewer's zone (public). */
export interface SlotsResource {
  /**
   * The slots starting on one calendar day in `timezone`
   * (`GET /api/availability/slots?date=`). Each slot has the wire's `start`/`end`
   * (RFC 3339 with `timezone`'s offset) and `startsAt`/`endsAt` epoch ms.
   *
   * @example
   * ```ts
   * const { slots } = await client.slots.list({
   *   meeting_type_id: meetingTypeId, date: '2027-03-14', timezone: 'America/New_York',
   * })
   * slots[0]?.start // '2027-03-14T09:00:00-04:00'
   * ```
   */
  list(query: SlotsDayQuery, options?: RequestOptions): Promise<SlotsDayResult>
  /**
   * The slots of every calendar day from `start_date` to `end_date` (both
   * inclusive, at most 62 days) in `timezone`, one entry per day, empty days
   * included (`GET /api/availability/slots?start_date=&end_date=`).
   *
   * @example
   * ```ts
   * const { days } = await client.slots.listDays({
   *   meeting_type_id: meetingTypeId, start_date: '2027-03-08', end_date: '2027-03-14',
   *   timezone: 'Asia/Kolkata',
   * })
   * for (const day of days) console.log(day.date, day.slots.length)
   * ```
   */
  listDays(query: SlotsRangeQuery, options?: RequestOptions): Promise<SlotsRangeResult>
}

/** Builds {@link SlotsResource} over a requester. */
export function createSlots(request: Requester): SlotsResource {
  const get = <TReply>(query: object, options?: RequestOptions) =>
    request<TReply>('GET', '/api/availability/slots', { query, retry: true, options })
  return {
    list: async (query, options) => {
      const reply = await get<SlotsDayReply>(query, options)
      return { ...reply, slots: reply.slots.map(toSlot) }
    },
    listDays: async (query, options) => {
      const reply = await get<SlotsRangeReply>(query, options)
      return {
        ...reply,
        days: reply.days.map((day) => ({ ...day, slots: day.slots.map(toSlot) })),
      }
    },
  }
}
