import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreateMeetingTypeBodySchema,
  IdParamsSchema,
  ListMeetingTypesQuerySchema,
  MeetingTypeListSchema,
  MeetingTypeSchema,
  PatchMeetingTypeBodySchema,
  PublicMeetingTypeSchema,
} from '@slotkit/core/api'
import { requireOwner } from '../../plugins/auth'
import {
  createMeetingType,
  deactivateMeetingType,
  getOwnedMeetingType,
  getPublicMeetingType,
  listUserMeetingTypes,
  patchMeetingType,
} from '../../services/meeting-type.service'
import type { RouteContext } from '../context'

/** Meeting types: managed by their host, readable by invitees. */
export function meetingTypesRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/meeting-types',
      {
        config: { auth: { user: 'body.user_id' } },
        schema: {
          tags: ['meeting types'],
          summary: 'Create a meeting type (admin, or the key of user_id)',
          body: CreateMeetingTypeBodySchema,
          errors: [
            'INVALID_DATE',
            'INVALID_RANGE',
            'FORBIDDEN',
            'NOT_FOUND',
            'CONFLICT',
            'LOCATION_UNAVAILABLE',
          ],
          response: { 201: MeetingTypeSchema },
        },
      },
      async (request, reply) => {
        reply.code(201)
        return createMeetingType(ctx.deps, request.body)
      },
    )

    app.get(
      '/api/meeting-types',
      {
        config: { auth: { user: 'query.user_id' } },
        schema: {
          tags: ['meeting types'],
          summary: "A host's meeting types, active and inactive",
          querystring: ListMeetingTypesQuerySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: MeetingTypeListSchema },
        },
      },
      async (request) => {
        return listUserMeetingTypes(ctx.deps, request.query.user_id)
      },
    )

    app.get(
      '/api/meeting-types/:id',
      {
        config: { ...ctx.publicRateLimit, auth: 'public' },
        schema: {
          tags: ['meeting types'],
          summary: 'What an invitee may see of a meeting type (public)',
          params: IdParamsSchema,
          errors: ['NOT_FOUND'],
          response: { 200: PublicMeetingTypeSchema },
        },
      },
      async (request) => getPublicMeetingType(ctx.deps, request.params.id),
    )

    app.patch(
      '/api/meeting-types/:id',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['meeting types'],
          summary: 'Change a meeting type (admin, or its host)',
          params: IdParamsSchema,
          body: PatchMeetingTypeBodySchema,
          errors: [
            'INVALID_DATE',
            'INVALID_RANGE',
            'FORBIDDEN',
            'NOT_FOUND',
            'CONFLICT',
            'LOCATION_UNAVAILABLE',
          ],
          response: { 200: MeetingTypeSchema },
        },
      },
      async (request) => {
        const mt = await requireOwner(
          request.slotkitPrincipal,
          () => getOwnedMeetingType(ctx.deps, request.params.id),
          (row) => row.userId,
        )
        return patchMeetingType(ctx.deps, mt, request.body)
      },
    )

    app.delete(
      '/api/meeting-types/:id',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['meeting types'],
          summary: 'Deactivate a meeting type (existing bookings stay)',
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: MeetingTypeSchema },
        },
      },
      async (request) => {
        const mt = await requireOwner(
          request.slotkitPrincipal,
          () => getOwnedMeetingType(ctx.deps, request.params.id),
          (row) => row.userId,
        )
        return deactivateMeetingType(ctx.deps, mt)
      },
    )
  }
}
