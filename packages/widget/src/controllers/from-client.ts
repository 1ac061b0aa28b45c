import type { InviteeClient } from '@slotkit/client'
import type { WidgetApi } from './widget-api'

/**
 * The widget's port over a `@slotkit/client` instance (a full `createClient`
 * or a `createInviteeClient`, which the widget builds itself from `base-url`:
 * it needs the invitee's calls only): the only place that knows the client's
 * method names. Every call passes the widget's abort
 * signal, so leaving a step or removing the element cancels its requests.
 */
export function fromClient(client: InviteeClient): WidgetApi {
  return {
    getMeetingType: (id, signal) => client.meetingTypes.get(id, { signal }),
    getSlotRange: (q, signal) =>
      client.slots.listDays(
        {
          meeting_type_id: q.meetingTypeId,
          start_date: q.startDate,
          end_date: q.endDate,
          timezone: q.timeZone,
          ...(q.durationMinutes === undefined ? {} : { duration: q.durationMinutes }),
        },
        { signal },
      ),
    createBooking: (body, signal) => client.bookings.create(body, { signal }),
    getBooking: (id, token, signal) => client.bookings.get(id, { token, signal }),
    cancelBooking: (id, token, reason, signal) =>
      client.bookings.cancel(id, reason ? { reason } : {}, { token, signal }),
    rescheduleBooking: (id, token, startTime, signal) =>
      client.bookings.reschedule(id, { start_time: startTime }, { token, signal }),
  }
}
