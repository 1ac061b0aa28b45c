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
import { requireUser } from '../../plugins/auth'
import {
  createMeetingType,
  deactivateMeetingType,
  getOwnedMeetingType,
  getPublicMeetingType,
  listUserMeetingTypes,
  patchMeetingType,
} from '../../services/meeting-type.service'
import type { RouteContext } from '../context'
import { bearer } from '../errors.schema'

/** Meeting types: managed by their host, readable by invitees. */
export function meetingTypesRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/meeting-types',
      {
        schema: {
          tags: ['meeting types'],
          summary: 'Create a meeting type (admin, or the key of user_id)',
          security: bearer,
          body: CreateMeetingTypeBodySchema,
          errors: ['INVALID_DATE', 'INVALID_RANGE', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
          response: { 201: MeetingTypeSchema },
        },
      },
      async (request, reply) => {
        requireUser(await ctx.auth.principalOf(request), request.body.user_id)
        reply.code(201)
        return createMeetingType(ctx.deps, request.body)
      },
    )

    app.get(
      '/api/meeting-types',
      {
        schema: {
          tags: ['meeting types'],
          summary: "A host's meeting types, active and inactive",
          security: bearer,
          querystring: ListMeetingTypesQuerySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: MeetingTypeListSchema },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.query.user_id)
        return listUserMeetingTypes(ctx.deps, request.query.user_id)
      },
    )

    app.get(
      '/api/meeting-types/:id',
      {
        config: ctx.publicRateLimit,
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
        schema: {
          tags: ['meeting types'],
          summary: 'Change a meeting type (admin, or its host)',
          security: bearer,
          params: IdParamsSchema,
          body: PatchMeetingTypeBodySchema,
          errors: ['INVALID_DATE', 'INVALID_RANGE', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
          response: { 200: MeetingTypeSchema },
        },
      },
      async (request) => {
        const principal = await ctx.auth.principalOf(request)
        requireUser(principal, principal?.kind === 'user' ? principal.userId : '')
        const mt = await getOwnedMeetingType(ctx.deps, request.params.id)
        requireUser(principal, mt.userId)
        return patchMeetingType(ctx.deps, mt, request.body)
      },
    )

    app.delete(
      '/api/meeting-types/:id',
      {
        schema: {
          tags: ['meeting types'],
          summary: 'Deactivate a meeting type (existing bookings stay)',
          security: bearer,
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: MeetingTypeSchema },
        },
      },
      async (request) => {
        const principal = await ctx.auth.principalOf(request)
        requireUser(principal, principal?.kind === 'user' ? principal.userId : '')
        const mt = await getOwnedMeetingType(ctx.deps, request.params.id)
        requireUser(principal, mt.userId)
        return deactivateMeetingType(ctx.deps, mt)
      },
    )
  }
}
