import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

/**
 * OpenAPI 3.1 from the route schemas at /api/openapi.json, Swagger UI at /docs.
 * 3.1 because its Schema Objects are JSON Schema 2020-12, which is what TypeBox
 * writes (`examples` arrays, `const`); 3.0's dialect would reject them.
 */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Slotkit API',
        version,
        description:
          'Scheduling API: hosts publish availability and meeting types; invitees book slots. ' +
          'Every error is {error, message, details?} with a stable code (docs/errors.md).',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'ADMIN_TOKEN or a user API key',
          },
        },
      },
      tags: [
        { name: 'users' },
        { name: 'availability' },
        { name: 'meeting types' },
        { name: 'bookings' },
        { name: 'webhooks' },
        { name: 'admin' },
        { name: 'integrations', description: 'Calendar accounts whose busy times block slots' },
        { name: 'health' },
      ],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  )
}
