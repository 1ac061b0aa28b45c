// The mechanism that keeps error statuses documented, on a bare Fastify app with
// the real error handler: routes declare codes, the common ones are added, and a
// reply the route does not document is reported.
import type { FastifyInstance, FastifySchema } from 'fastify'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../src/http/api-error'
import { installErrorHandling } from '../src/http/error-handler'
import { documentErrorReplies, type UndocumentedReply } from '../src/http/error-responses'

interface Built {
  app: FastifyInstance
  reported: UndocumentedReply[]
  /** The schema each route ended up with, by `METHOD url`. */
  schemas: Map<string, FastifySchema>
}

const apps: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

function build(routes: (app: FastifyInstance) => void): Built {
  const app = Fastify()
  apps.push(app)
  const reported: UndocumentedReply[] = []
  const schemas = new Map<string, FastifySchema>()
  installErrorHandling(app)
  documentErrorReplies(app, { onUndocumentedReply: (reply) => reported.push(reply) })
  // Registered after documentErrorReplies, so it sees what that hook made of each route.
  app.addHook('onRoute', (route) => {
    if (route.schema) schemas.set(`${route.method} ${route.url}`, route.schema)
  })
  routes(app)
  return { app, reported, schemas }
}

/** The `response` a route ended up with. */
function responseOf(built: Built, route: string): Record<string, unknown> {
  const response = built.schemas.get(route)?.response
  if (!response) throw new Error(`${route} has no response schema`)
  return response as Record<string, unknown>
}

/** The `error` values a response entry allows. */
function codesOf(schema: unknown): string[] {
  const s = schema as { properties?: { error?: { const?: string; enum?: string[] } } }
  const error = s.properties?.error
  return error?.const !== undefined ? [error.const] : (error?.enum ?? [])
}

describe('error responses built from declared codes', () => {
  it('gives a GET route its codes plus 400, 500 and 503, with each status naming its codes', async () => {
    const built = build((app) => {
      app.get(
        '/things/:id',
        { schema: { errors: ['INVALID_DATE', 'NOT_FOUND'] } },
        async () => ({}),
      )
    })
    await built.app.ready()
    const response = responseOf(built, 'GET /things/:id')
    expect(Object.keys(response).sort()).toEqual(['400', '404', '500', '503'])
    expect(codesOf(response[400])).toEqual(['INVALID_DATE', 'VALIDATION_FAILED'])
    expect(codesOf(response[404])).toEqual(['NOT_FOUND'])
    expect(codesOf(response[500])).toEqual(['INTERNAL'])
    expect(codesOf(response[503])).toEqual(['SERVICE_UNAVAILABLE'])
  })

  it('adds the body errors to a POST, 401 to a secured route and 429 to a rate-limited one', async () => {
    const built = build((app) => {
      app.post(
        '/things',
        {
          config: { rateLimit: { max: 10 } },
          schema: { security: [{ bearerAuth: [] }], response: { 201: { type: 'object' } } },
        },
        async () => ({}),
      )
    })
    await built.app.ready()
    const response = responseOf(built, 'POST /things')
    expect(Object.keys(response).sort()).toEqual([
      '201',
      '400',
      '401',
      '413',
      '415',
      '429',
      '500',
      '503',
    ])
    expect(codesOf(response[400])).toEqual(['VALIDATION_FAILED', 'MALFORMED_JSON'])
    expect(codesOf(response[401])).toEqual(['UNAUTHORIZED'])
    expect(codesOf(response[415])).toEqual(['UNSUPPORTED_MEDIA_TYPE'])
  })

  it('documents a 409 SLOT_UNAVAILABLE with its reason and alternatives, beside other 409 codes', async () => {
    const built = build((app) => {
      app.post(
        '/book',
        { schema: { errors: ['SLOT_UNAVAILABLE', 'CONCURRENT_MODIFICATION'] } },
        async () => ({}),
      )
      app.post('/users', { schema: { errors: ['CONFLICT'] } }, async () => ({}))
    })
    await built.app.ready()
    const book = responseOf(built, 'POST /book')[409] as {
      anyOf?: { properties: Record<string, unknown> }[]
    }
    expect(book.anyOf).toHaveLength(2)
    const [slotUnavailable, other] = book.anyOf ?? []
    expect(Object.keys(slotUnavailable?.properties ?? {})).toEqual(
      expect.arrayContaining(['error', 'reason', 'alternatives']),
    )
    expect(codesOf(other)).toEqual(['CONCURRENT_MODIFICATION'])
    // A conflict that is never about a slot documents no slot shape.
    const users = responseOf(built, 'POST /users')[409]
    expect(codesOf(users)).toEqual(['CONFLICT'])
    expect(JSON.stringify(users)).not.toContain('alternatives')
  })

  it('refuses an error status written into response by hand', () => {
    const { app } = build(() => {})
    expect(() =>
      app.get('/bad', { schema: { response: { 404: { type: 'object' } } } }, async () => ({})),
    ).toThrow(/response 404: declare error replies by code in schema.errors/)
  })

  it('leaves hidden routes alone', async () => {
    const { app, schemas } = build((app) => {
      app.get('/page', { schema: { hide: true } }, async () => 'hi')
    })
    await app.ready()
    expect(schemas.get('GET /page')?.response).toBeUndefined()
  })
})

describe('replies the route does not document', () => {
  function app() {
    return build((app) => {
      app.get<{ Querystring: { code?: string; status?: string } }>(
        '/things/:id',
        { schema: { errors: ['NOT_FOUND'], response: { 200: { type: 'object' } } } },
        async (request, reply) => {
          const { code, status } = request.query
          if (code === 'NOT_FOUND' || code === 'CONFLICT' || code === 'INVALID_DATE')
            throw new ApiError(code, 'no')
          if (status) reply.code(Number(status))
          return {}
        },
      )
      app.get('/page', { schema: { hide: true } }, async (_request, reply) =>
        reply.code(418).send('teapot'),
      )
    })
  }

  it('reports an error status the route does not declare', async () => {
    const { app: server, reported } = app()
    const res = await server.inject({ url: '/things/1?code=CONFLICT' })
    expect(res.statusCode).toBe(409)
    expect(reported).toEqual([
      { method: 'GET', url: '/things/:id', status: 409, error: 'CONFLICT' },
    ])
  })

  it('reports a documented status carrying a code the route does not declare', async () => {
    const { app: server, reported } = app()
    // 400 is documented (VALIDATION_FAILED, common to every route), INVALID_DATE is not.
    expect((await server.inject({ url: '/things/1?code=INVALID_DATE' })).statusCode).toBe(400)
    expect(reported).toEqual([
      { method: 'GET', url: '/things/:id', status: 400, error: 'INVALID_DATE' },
    ])
  })

  it('reports a success status the route does not document', async () => {
    const { app: server, reported } = app()
    expect((await server.inject({ url: '/things/1?status=202' })).statusCode).toBe(202)
    expect(reported).toEqual([{ method: 'GET', url: '/things/:id', status: 202 }])
  })

  it('stays silent for documented replies, hidden routes and unknown URLs', async () => {
    const { app: server, reported } = app()
    const statuses = await Promise.all(
      ['/things/1', '/things/1?code=NOT_FOUND', '/page', '/nowhere'].map(
        async (url) => (await server.inject({ url })).statusCode,
      ),
    )
    expect(statuses).toEqual([200, 404, 418, 404])
    expect(reported).toEqual([])
  })
})
