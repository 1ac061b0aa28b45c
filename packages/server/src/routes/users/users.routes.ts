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

/** Hosts and their weekly availability. */
export function usersRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/users',
      {
        config: { auth: 'admin' },
        schema: {
          tags: ['users'],
          summary: 'Create a host (admin token); the reply carries its API key once',
          body: CreateUserBodySchema,
          errors: ['INVALID_TIME_ZONE', 'FORBIDDEN', 'CONFLICT'],
          response: { 201: CreateUserReplySchema },
        },
      },
      async (request, reply) => {
        reply.code(201)
        return createUser(ctx.deps, request.body)
      },
    )

    app.get(
      '/api/users/:id',
      {
        config: { auth: { user: 'params.id' } },
        schema: {
          tags: ['users'],
          summary: 'Get a host (admin, or its own key)',
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: UserSchema },
        },
      },
      async (request) => {
        return getUser(ctx.deps, request.params.id)
      },
    )

    app.patch(
      '/api/users/:id',
      {
        config: { auth: { user: 'params.id' } },
        schema: {
          tags: ['users'],
          summary: 'Change a host (admin, or its own key)',
          params: IdParamsSchema,
          body: PatchUserBodySchema,
          errors: ['INVALID_TIME_ZONE', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
          response: { 200: UserSchema },
        },
      },
      async (request) => {
        return patchUser(ctx.deps, request.params.id, request.body)
      },
    )

    app.post(
      '/api/users/:id/api-keys',
      {
        config: { auth: { user: 'params.id' } },
        // The body ({revoke_others?}) is optional: a bare POST creates a key.
        preValidation: async (request) => {
          const mutable = request as { body: unknown }
          mutable.body ??= {}
        },
        schema: {
          tags: ['users'],
          summary:
            "Create another API key (admin, or the user's own key), shown once; revoke_others: true rotates in one call",
          params: IdParamsSchema,
          body: CreateApiKeyBodySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 201: CreateApiKeyReplySchema },
        },
      },
      async (request, reply) => {
        const created = await createApiKey(ctx.deps, request.params.id, request.body)
        reply.code(201)
        return created
      },
    )

    app.get(
      '/api/users/:id/api-keys',
      {
        config: { auth: { user: 'params.id' } },
        schema: {
          tags: ['users'],
          summary: "The user's active API keys, oldest first (never the keys themselves)",
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: ApiKeyListSchema },
        },
      },
      async (request) => {
        return listApiKeys(ctx.deps, request.params.id)
      },
    )

    app.delete(
      '/api/users/:id/api-keys/:key_id',
      {
        config: { auth: { user: 'params.id' } },
        schema: {
          tags: ['users'],
          summary:
            'Revoke an API key: every server process refuses it at once (404 for a key of another user)',
          params: ApiKeyParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await revokeApiKey(ctx.deps, request.params.id, request.params.key_id)
        reply.code(204)
        return null
      },
    )

    app.put(
      '/api/users/:id/availability',
      {
        config: { auth: { user: 'params.id' } },
        schema: {
          tags: ['availability'],
          summary: 'Replace the weekly rules and date overrides',
          params: IdParamsSchema,
          body: PutAvailabilityBodySchema,
          errors: ['INVALID_DATE', 'INVALID_RULES', 'FORBIDDEN', 'NOT_FOUND'],
          response: { 200: AvailabilitySchema },
        },
      },
      async (request) => {
        return putAvailability(ctx.deps, request.params.id, request.body)
      },
    )

    app.get(
      '/api/users/:id/availability',
      {
        config: { auth: { user: 'params.id' } },
        schema: {
          tags: ['availability'],
          summary: 'The stored weekly rules and date overrides',
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: AvailabilitySchema },
        },
      },
      async (request) => {
        return getAvailability(ctx.deps, request.params.id)
      },
    )
  }
}
