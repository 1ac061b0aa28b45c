import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator'

/** A person on an invite. */
export interface InviteParty {
  readonly name: string
  readonly email: string
}

/** Input of {@link buildInvite}. */
export interface InviteInput {
  /**
   * Stable across the booking's life (reschedules included), so calendar apps
   * update one event instead of adding another: the id of the first booking of a
   * reschedule chain, with a domain (see {@link inviteUid}).
   */
  readonly uid: string
  /** 0 for the first invite; +1 for every later change of the same event (RFC 5546). */
  readonly sequence: number
  /** REQUEST for a new or moved meeting, CANCEL for a cancelled one. */
  readonly method: 'REQUEST' | 'CANCEL'
  /** Epoch ms; written as UTC (`…Z`). */
  readonly startsAt: number
  readonly endsAt: number
  readonly summary: string
  readonly description: string
  /** The host. */
  readonly organizer: InviteParty
  /** The invitee. */
  readonly attendee: InviteParty
  /** The join link of a video meeting, or a link back to the booking (manage page). */
  readonly url?: string
  /** LOCATION: where the meeting happens (a join link, an address, a phone number). */
  readonly location?: string | undefined
  /** DTSTAMP (epoch ms): when the message was made. */
  readonly stamp: number
}

/** The UID of a booking's calendar event, e.g. `…uuid…@slotkit`. */
export function inviteUid(rootBookingId: string): string {
  return `${rootBookingId}@slotkit`
}

/**
 * Builds an iTIP (RFC 5546) calendar object for an e-mail invite:
 * METHOD:REQUEST with STATUS:CONFIRMED on booking and reschedule (same UID,
 * higher SEQUENCE), METHOD:CANCEL with STATUS:CANCELLED on cancel. Times are
 * UTC. LOCATION and URL say where it happens (a join link is both).
 *
 * @example
 * ```ts
 * const ics = buildInvite({ uid: inviteUid(bookingId), sequence: 0, method: 'REQUEST', ... })
 * ```
 */
export function buildInvite(input: InviteInput): string {
  const calendar = ical({
    prodId: { company: 'Slotkit', product: 'Slotkit', language: 'EN' },
    method: input.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  })
  calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    stamp: new Date(input.stamp),
    start: new Date(input.startsAt),
    end: new Date(input.endsAt),
    summary: input.summary,
    description: input.description,
    url: input.url ?? null,
    location: input.location ?? null,
    status: input.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: input.organizer.name, email: input.organizer.email },
    attendees: [
      {
        name: input.attendee.name,
        email: input.attendee.email,
        role: ICalAttendeeRole.REQ,
        status:
          input.method === 'CANCEL' ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
        rsvp: false,
      },
    ],
  })
  return calendar.toString()
}
