/**
 * The HTTP API's routes, in Fastify's `:param` notation. No TypeBox import here:
 * a client that wants only the literal types can write
 * `type P = (typeof API_PATHS)['booking']`.
 */
export const API_PATHS = {
  users: '/api/users',
  user: '/api/users/:id',
  userAvailability: '/api/users/:id/availability',
  meetingTypes: '/api/meeting-types',
  meetingType: '/api/meeting-types/:id',
  slots: '/api/availability/slots',
  bookings: '/api/bookings',
  booking: '/api/bookings/:id',
  cancelBooking: '/api/bookings/:id/cancel',
  rescheduleBooking: '/api/bookings/:id/reschedule',
  webhooks: '/api/webhooks',
  webhook: '/api/webhooks/:id',
  webhookDeliveries: '/api/webhooks/:id/deliveries',
  integrations: '/api/integrations',
  integration: '/api/integrations/:id',
  syncIntegration: '/api/integrations/:id/sync',
  googleAuthorize: '/api/integrations/google/authorize',
  googleCallback: '/api/integrations/google/callback',
  googleNotifications: '/api/integrations/google/notifications',
  openApi: '/api/openapi.json',
  docs: '/docs',
  health: '/healthz',
  ready: '/readyz',
} as const

/** One of the route templates in {@link API_PATHS}. */
export type ApiPath = (typeof API_PATHS)[keyof typeof API_PATHS]

/**
 * Fills a route template's `:id` with an encoded id.
 *
 * @example
 * ```ts
 * apiPath(API_PATHS.cancelBooking, 'b1') // '/api/bookings/b1/cancel'
 * ```
 */
export function apiPath(template: ApiPath, id?: string): string {
  if (!template.includes(':id')) return template
  if (id === undefined || id === '') throw new TypeError(`${template} needs an id`)
  return template.replace(':id', encodeURIComponent(id))
}
