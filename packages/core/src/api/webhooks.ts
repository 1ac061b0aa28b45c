import { type Static, Type } from 'typebox'
import { DateTimeSchema, UrlSchema, UuidSchema } from './primitives'

/**
 * The events a webhook can subscribe to. Booking events carry `data.booking`;
 * `booking.updated` is a change that keeps the booking's time: today, its join
 * link (`meeting_url`) arriving from the host's calendar after `booking.created`
 * or `booking.rescheduled` went out without it. `integration.disconnected` (a
 * calendar provider refused the host's credentials) carries `data.integration`.
 */
export const WEBHOOK_EVENTS = [
  'booking.created',
  'booking.cancelled',
  'booking.rescheduled',
  'integration.disconnected',
  'booking.updated',
] as const

/** One of {@link WEBHOOK_EVENTS}. */
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/** A webhook event name. */
export const WebhookEventSchema = Type.Enum(WEBHOOK_EVENTS, { title: 'Webhook event' })

const EventsSchema = Type.Array(WebhookEventSchema, {
  minItems: 1,
  maxItems: WEBHOOK_EVENTS.length,
  uniqueItems: true,
})

/** Body of `POST /api/webhooks` (host key or admin token). */
export const CreateWebhookBodySchema = Type.Object(
  {
    user_id: UuidSchema,
    url: UrlSchema,
    events: EventsSchema,
  },
  {
    additionalProperties: false,
    title: 'Create webhook',
    description: 'Subscribes url to events of the host user_id.',
  },
)

/** Body of `POST /api/webhooks`. */
export type CreateWebhookBody = Static<typeof CreateWebhookBodySchema>

/** Body of `PATCH /api/webhooks/:id`: at least one field. */
export const PatchWebhookBodySchema = Type.Object(
  {
    url: Type.Optional(UrlSchema),
    events: Type.Optional(EventsSchema),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1, title: 'Update webhook' },
)

/** Body of `PATCH /api/webhooks/:id`. */
export type PatchWebhookBody = Static<typeof PatchWebhookBodySchema>

const webhookProperties = {
  id: UuidSchema,
  user_id: UuidSchema,
  url: UrlSchema,
  events: Type.Array(WebhookEventSchema),
  is_active: Type.Boolean(),
  created_at: DateTimeSchema,
}

/** A webhook subscription (never with its secret). */
export const WebhookSchema = Type.Object(webhookProperties, {
  title: 'Webhook',
  description: 'A webhook subscription.',
})

/** A webhook subscription. */
export type Webhook = Static<typeof WebhookSchema>

/** Reply of `POST /api/webhooks` (201): the subscription and its signing secret, shown once. */
export const CreateWebhookReplySchema = Type.Object(
  {
    ...webhookProperties,
    secret: Type.String({
      minLength: 1,
      description: 'Signs each delivery (HMAC-SHA256). Shown once.',
    }),
  },
  { title: 'Created webhook' },
)

/** Reply of `POST /api/webhooks` (201). */
export type CreateWebhookReply = Static<typeof CreateWebhookReplySchema>

/** Reply of `GET /api/webhooks?user_id=`. */
export const WebhookListSchema = Type.Object(
  { webhooks: Type.Array(WebhookSchema) },
  { title: 'Webhooks' },
)

/** Reply of `GET /api/webhooks?user_id=`. */
export type WebhookList = Static<typeof WebhookListSchema>

/** The states of one delivery. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const

/** One of {@link WEBHOOK_DELIVERY_STATUSES}. */
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number]

/** One entry of a webhook's delivery log. */
export const WebhookDeliverySchema = Type.Object(
  {
    id: UuidSchema,
    webhook_id: UuidSchema,
    event: WebhookEventSchema,
    booking_id: Type.Union([UuidSchema, Type.Null()]),
    status: Type.Enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: Type.Integer({ minimum: 0 }),
    response_status: Type.Union([Type.Integer(), Type.Null()], {
      description: 'HTTP status of the last attempt; null if none got a reply.',
    }),
    error: Type.Union([Type.String(), Type.Null()], {
      description: 'Why the last attempt failed, if it did.',
    }),
    created_at: DateTimeSchema,
    last_attempt_at: Type.Union([DateTimeSchema, Type.Null()]),
    next_attempt_at: Type.Union([DateTimeSchema, Type.Null()]),
  },
  { title: 'Webhook delivery', description: 'One delivery of one event, with its retry state.' },
)

/** One entry of a webhook's delivery log. */
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>

/** Reply of `GET /api/webhooks/:id/deliveries`: one page, newest first. */
export const WebhookDeliveryListSchema = Type.Object(
  {
    deliveries: Type.Array(WebhookDeliverySchema),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Webhook deliveries' },
)

/** Reply of `GET /api/webhooks/:id/deliveries`. */
export type WebhookDeliveryList = Static<typeof WebhookDeliveryListSchema>
