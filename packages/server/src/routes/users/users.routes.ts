import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiKeyListSchema,
  ApiKeyParamsSchema,
  AvailabilitySchema,
  CreateApiKeyBodySchema,
  CreateApiKeyReplySchema,
  CreateUserBodySchema,
  CreateUserReplySchema,
  IdParamsSchema,
  PatchUserBodySchema,
  PutAvailabilityBodySchema,
  UserSchema,
} from '@slotkit/core/api'
import { Type } from 'typebox'
import { requireAdmin, requireUser } from '../../plugins/auth'
import { getAvailability, putAvailability } from '../../services/availability.service'
import {
  createApiKey,
  createUser,
  getUser,
  listApiKeys,
  patchUser,
  revokeApiKey,
} from '../../services/user.service'
import type { RouteContext } from '../context'
import { bearer, errorResponses } from '../errors.schema'

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
          response: { 201: CreateUserReplySchema, ...errorResponses(400, 401, 403, 409) },
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
          response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404) },
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
          response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        return patchUser(ctx.deps, request.params.id, request.body)
      },
    )

    app.post(
      '/api/users/:id/api-keys',
      {
        // The body ({revoke_others?}) is optional: a bare POST creates a key.
        preValidation: async (request) => {
          const mutable = request as { body: unknown }
          mutable.body ??= {}
        },
        schema: {
          tags: ['users'],
          summary:
            "Create another API key (admin, or the user's own key), shown once; revoke_others: true rotates in one call",
          security: bearer,
          params: IdParamsSchema,
          body: CreateApiKeyBodySchema,
          response: { 201: CreateApiKeyReplySchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        const created = await createApiKey(ctx.deps, request.params.id, request.body)
        reply.code(201)
        return created
      },
    )

    app.get(
      '/api/users/:id/api-keys',
      {
        schema: {
          tags: ['users'],
          summary: "The user's active API keys, oldest first (never the keys themselves)",
          security: bearer,
          params: IdParamsSchema,
          response: { 200: ApiKeyListSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        return listApiKeys(ctx.deps, request.params.id)
      },
    )

    app.delete(
      '/api/users/:id/api-keys/:key_id',
      {
        schema: {
          tags: ['users'],
          summary:
            'Revoke an API key: every server process refuses it at once (404 for a key of another user)',
          security: bearer,
          params: ApiKeyParamsSchema,
          response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        await revokeApiKey(ctx.deps, request.params.id, request.params.key_id)
        reply.code(204)
        return null
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
          response: { 200: AvailabilitySchema, ...errorResponses(400, 401, 403, 404) },
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
          response: { 200: AvailabilitySchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.params.id)
        return getAvailability(ctx.deps, request.params.id)
      },
    )
  }
}
