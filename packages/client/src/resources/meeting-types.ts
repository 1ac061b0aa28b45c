import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type {
  CreateMeetingTypeBody,
  MeetingType,
  MeetingTypeList,
  PatchMeetingTypeBody,
  PublicMeetingType,
} from '../types'

/** `client.meetingTypes`: what a host offers (length, buffers, notice, window, limits, questions). */
export interface MeetingTypesResource {
  /**
   * Creates a meeting type (`POST /api/meeting-types`, host key). Left-out
   * settings take the server's defaults.
   *
   * @example
   * ```ts
   * const intro = await client.meetingTypes.create({
   *   user_id: userId, name: 'Intro call', duration_minutes: 30, buffer_after_minutes: 10,
   * })
   * ```
   */
  create(body: CreateMeetingTypeBody, options?: RequestOptions): Promise<MeetingType>
  /** Lists a host's meeting types, active and inactive (`GET /api/meeting-types?user_id=`). */
  list(query: { user_id: string }, options?: RequestOptions): Promise<MeetingTypeList>
  /**
   * Reads what an invitee may see of a meeting type (public
   * `GET /api/meeting-types/:id`): name, lengths, questions, host name and zone.
   */
  get(meetingTypeId: string, options?: RequestOptions): Promise<PublicMeetingType>
  /** Changes settings (`PATCH /api/meeting-types/:id`); `null` clears an optional one. */
  update(
    meetingTypeId: string,
    body: PatchMeetingTypeBody,
    options?: RequestOptions,
  ): Promise<MeetingType>
  /**
   * Deactivates a meeting type (`DELETE /api/meeting-types/:id`): it offers no
   * more slots; existing bookings stay.
   */
  delete(meetingTypeId: string, options?: RequestOptions): Promise<MeetingType>
}

/** What an invitee's page reads of meeting types: the public view of one. */
export type PublicMeetingTypesResource = Pick<MeetingTypesResource, 'get'>

const path = (meetingTypeId: string) => `/api/meeting-types/${id(meetingTypeId)}`

/** Builds {@link PublicMeetingTypesResource} over a requester (the invitee client's). */
export function createPublicMeetingTypes(request: Requester): PublicMeetingTypesResource {
  return {
    get: (meetingTypeId, options) => request('GET', path(meetingTypeId), { retry: true, options }),
  }
}

/** Builds {@link MeetingTypesResource} over a requester. */
export function createMeetingTypes(request: Requester): MeetingTypesResource {
  return {
    ...createPublicMeetingTypes(request),
    create: (body, options) => request('POST', '/api/meeting-types', { body, options }),
    list: (query, options) => request('GET', '/api/meeting-types', { query, retry: true, options }),
    update: (meetingTypeId, body, options) =>
      request('PATCH', path(meetingTypeId), { body, options }),
    delete: (meetingTypeId, options) => request('DELETE', path(meetingTypeId), { options }),
  }
}
