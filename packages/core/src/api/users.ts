import { type Static, Type } from 'typebox'
import { EmailSchema, NameSchema, TimeZoneSchema, UuidSchema } from './primitives'

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
