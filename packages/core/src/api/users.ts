import { type Static, Type } from 'typebox'
import { DateTimeSchema, EmailSchema, NameSchema, TimeZoneSchema, UuidSchema } from './primitives'

/** Body of `POST /api/users` (admin token). */
export const CreateUserBodySchema = Type.Object(
  {
    email: EmailSchema,
    name: NameSchema,
    time_zone: TimeZoneSchema,
  },
  {
    additionalProperties: false,
    title: 'Create user',
    description: 'A new host. Requires the admin token.',
  },
)

/** Body of `POST /api/users`. */
export type CreateUserBody = Static<typeof CreateUserBodySchema>

/** Body of `PATCH /api/users/:id`: at least one field. */
export const PatchUserBodySchema = Type.Object(
  {
    email: Type.Optional(EmailSchema),
    name: Type.Optional(NameSchema),
    time_zone: Type.Optional(TimeZoneSchema),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'Update user',
    description: 'Fields to change; at least one.',
  },
)

/** Body of `PATCH /api/users/:id`. */
export type PatchUserBody = Static<typeof PatchUserBodySchema>

const userProperties = {
  id: UuidSchema,
  email: EmailSchema,
  name: NameSchema,
  time_zone: TimeZoneSchema,
}

/** A host as `GET`/`PATCH /api/users/:id` return it (never with a key). */
export const UserSchema = Type.Object(userProperties, {
  title: 'User',
  description: 'A host.',
})

/** A host as `GET`/`PATCH /api/users/:id` return it. */
export type User = Static<typeof UserSchema>

/** Reply of `POST /api/users` (201): the user plus its API key, shown this once. */
export const CreateUserReplySchema = Type.Object(
  {
    ...userProperties,
    api_key: Type.String({
      minLength: 1,
      description: "The user's API key (Bearer). Shown once; only a hash is stored.",
    }),
  },
  { title: 'Created user', description: 'The new host and its API key (shown once).' },
)

/** Reply of `POST /api/users` (201). */
export type CreateUserReply = Static<typeof CreateUserReplySchema>

/** Body of `POST /api/users/:id/api-keys` (admin token or the user's own key). */
export const CreateApiKeyBodySchema = Type.Object(
  {
    revoke_others: Type.Optional(
      Type.Boolean({
        description:
          "Also revoke every other key of the user, in the same transaction (default false): rotation in one call. The key making the call is revoked too when it is the user's.",
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'Create API key',
    description:
      'A new API key for the user; optionally revoking the others. The body may be left out.',
  },
)

/** Body of `POST /api/users/:id/api-keys`. */
export type CreateApiKeyBody = Static<typeof CreateApiKeyBodySchema>

const apiKeyProperties = {
  id: UuidSchema,
  prefix: Type.String({
    minLength: 1,
    maxLength: 32,
    description: 'The first characters of the key, to tell keys apart (not a secret).',
  }),
  created_at: DateTimeSchema,
}

/** An API key as `GET /api/users/:id/api-keys` lists it: never the key or its hash. */
export const ApiKeySchema = Type.Object(
  {
    ...apiKeyProperties,
    last_used_at: Type.Union([DateTimeSchema, Type.Null()], {
      description:
        'When the key last authenticated a request, to within about a minute; null if never.',
    }),
  },
  { title: 'API key', description: 'An active API key of a host (without the key itself).' },
)

/** An API key as `GET /api/users/:id/api-keys` lists it. */
export type ApiKey = Static<typeof ApiKeySchema>

/** Reply of `GET /api/users/:id/api-keys`: the active keys, oldest first. */
export const ApiKeyListSchema = Type.Object(
  { api_keys: Type.Array(ApiKeySchema) },
  { title: 'API keys', description: "A host's active API keys, oldest first." },
)

/** Reply of `GET /api/users/:id/api-keys`. */
export type ApiKeyList = Static<typeof ApiKeyListSchema>

/** Reply of `POST /api/users/:id/api-keys` (201): the new key, shown this once. */
export const CreateApiKeyReplySchema = Type.Object(
  {
    ...apiKeyProperties,
    api_key: Type.String({
      minLength: 1,
      description: 'The new API key (Bearer). Shown once; only a hash is stored.',
    }),
  },
  { title: 'Created API key', description: 'The new API key (shown once).' },
)

/** Reply of `POST /api/users/:id/api-keys` (201). */
export type CreateApiKeyReply = Static<typeof CreateApiKeyReplySchema>

/** Path parameters of `DELETE /api/users/:id/api-keys/:key_id`. */
export const ApiKeyParamsSchema = Type.Object(
  {
    // Any short string, as IdParamsSchema: an id that is not a UUID is an unknown id (404).
    id: Type.String({ minLength: 1, maxLength: 64, description: 'The user id (UUID).' }),
    key_id: Type.String({ minLength: 1, maxLength: 64, description: 'The API key id (UUID).' }),
  },
  { title: 'API key parameters', description: 'The user and the key in the path.' },
)

/** Path parameters of `DELETE /api/users/:id/api-keys/:key_id`. */
export type ApiKeyParams = Static<typeof ApiKeyParamsSchema>
