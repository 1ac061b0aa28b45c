import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AvailabilitySchema,
  CreateUserBodySchema,
  CreateUserReplySchema,
  IdParamsSchema,
  PatchUserBodySchema,
  PutAvailabilityBodySchema,
  UserSchema,
} from '@slotkit/core/api'
import { requireAdmin, requireUser } from '../../plugins/auth'
import { getAvailability, putAvailability } from '../../services/availability.service'
import { createUser, getUser, patchUser } from '../../services/user.service'
import type { RouteContext } from '../context'
import { bearer } from '../errors.schema'

/** Hosts and their weekly availability. */
export function usersRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a host (admin token); the reply carries its API key once',
          security: bearer,
          body: CreateUserBodySchema,
          errors: ['INVALID_TIME_ZONE', 'FORBIDDEN', 'CONFLICT'],
          response: { 201: CreateUserReplySchema },
        },
      },
      async (request, reply) => {
        requireAdmin(await ctx.auth.principalOf(request))
        reply.code(201)
        return createUser(ctx.deps, request.body)
      },
    )

    app.get(
      '/api/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Get a host (admin, or its own key)',
          security: bearer,
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: UserSchema },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        return getUser(ctx.deps, request.params.id)
      },
    )

    app.patch(
      '/api/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Change a host (admin, or its own key)',
          security: bearer,
          params: IdParamsSchema,
          body: PatchUserBodySchema,
          errors: ['INVALID_TIME_ZONE', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
          response: { 200: UserSchema },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        return patchUser(ctx.deps, request.params.id, request.body)
      },
    )

    app.put(
      '/api/users/:id/availability',
      {
        schema: {
          tags: ['availability'],
          summary: 'Replace the weekly rules and date overrides',
          security: bearer,
          params: IdParamsSchema,
          body: PutAvailabilityBodySchema,
          errors: ['INVALID_DATE', 'INVALID_RULES', 'FORBIDDEN', 'NOT_FOUND'],
          response: { 200: AvailabilitySchema },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        return putAvailability(ctx.deps, request.params.id, request.body)
      },
    )

    app.get(
      '/api/users/:id/availability',
      {
        schema: {
          tags: ['availability'],
          summary: 'The stored weekly rules and date overrides',
          security: bearer,
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: AvailabilitySchema },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        return getAvailability(ctx.deps, request.params.id)
      },
    )
  }
}
