import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import type { KyselyPlugin } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MemorySlotCache } from '../src/cache/slot-cache'
import { createDb, type Db } from '../src/db/database'
import { installErrorHandling } from '../src/http/error-handler'
import { JobQueue } from '../src/jobs/job-queue'
import { type Authenticator, authPlugin, createAuthenticator } from '../src/plugins/auth'
import { sha256 } from '../src/services/tokens'
import { slotkitPlugin } from '../src/slotkit-plugin'
import { ADMIN_TOKEN, admin, createTestApp, SECRET_KEY } from './helpers'

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'

/** Who may call each API route: the README's "HTTP API" table, as declarations. */
const EXPECTED_AUTH = {
  'POST /api/users': 'admin',
  'GET /api/users/:id': { user: 'params.id' },
  'PATCH /api/users/:id': { user: 'params.id' },
  'POST /api/users/:id/api-keys': { user: 'params.id' },
  'GET /api/users/:id/api-keys': { user: 'params.id' },
  'DELETE /api/users/:id/api-keys/:key_id': { user: 'params.id' },
  'PUT /api/users/:id/availability': { user: 'params.id' },
  'GET /api/users/:id/availability': { user: 'params.id' },
  'POST /api/meeting-types': { user: 'body.user_id' },
  'GET /api/meeting-types': { user: 'query.user_id' },
  'GET /api/meeting-types/:id': 'public',
  'PATCH /api/meeting-types/:id': 'key',
  'DELETE /api/meeting-types/:id': 'key',
  'GET /api/availability/slots': 'public',
  'POST /api/bookings': 'public',
  'GET /api/bookings': { user: 'query.user_id' },
  'GET /api/bookings/:id': 'booking',
  'POST /api/bookings/:id/cancel': 'booking',
  'POST /api/bookings/:id/reschedule': 'booking',
  'POST /api/webhooks': { user: 'body.user_id' },
  'GET /api/webhooks': { user: 'query.user_id' },
  'PATCH /api/webhooks/:id': 'key',
  'DELETE /api/webhooks/:id': 'key',
  'GET /api/webhooks/:id/deliveries': 'key',
  'GET /api/admin/jobs': 'admin',
  'POST /api/admin/jobs/:id/retry': 'admin',
  'POST /api/integrations/google/authorize': 'key',
  'GET /api/integrations/google/start': 'public',
  'GET /api/integrations/google/callback': 'public',
  'POST /api/integrations/google/notifications': 'public',
  'POST /api/integrations/microsoft/authorize': 'key',
  'GET /api/integrations/microsoft/start': 'public',
  'GET /api/integrations/microsoft/callback': 'public',
  'POST /api/integrations/microsoft/notifications': 'public',
  'POST /api/integrations/caldav': 'key',
  'GET /api/integrations': 'key',
  'PATCH /api/integrations/:id': 'key',
  'DELETE /api/integrations/:id': 'key',
  'POST /api/integrations/:id/sync': 'key',
  'GET /api/openapi.json': 'public',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
}

describe('route auth declarations', () => {
  let db: Db
  let authenticator: Authenticator
  beforeAll(() => {
    db = createDb({ connectionString: inject('databaseUrl') })
    authenticator = createAuthenticator({ db, adminTokenHash: sha256(ADMIN_TOKEN) })
  })
  afterAll(async () => db.destroy())

  it('every API route of slotkitPlugin declares who may call it, as the README lists', async () => {
    const app = Fastify()
    // A hook of the embedding app sees every route the plugin adds, with its options.
    const declared: Record<string, unknown> = {}
    app.addHook('onRoute', (route) => {
      if (route.method === 'HEAD') return
      if (route.schema?.hide && !route.url.startsWith('/api/')) return
      declared[`${String(route.method)} ${route.url}`] = route.config?.auth
    })
    // Never started: only its presence adds the admin routes, and nothing here enqueues.
    const jobs = new JobQueue({ connectionString: inject('databaseUrl') })
    await app.register(slotkitPlugin, {
      db,
      cache: new MemorySlotCache(),
      adminTokenHash: sha256(ADMIN_TOKEN),
      secretKey: SECRET_KEY,
      publicUrl: 'http://slotkit.test',
      jobs,
    })
    try {
      await app.ready()
      expect(declared).toEqual(EXPECTED_AUTH)
    } finally {
      await app.close()
    }
  })

  it('embeds under a prefix into an app that has a request.principal of its own', async () => {
    const app = Fastify()
    // The app's own authentication: Fastify refuses a second decorator of one name.
    app.decorateRequest('principal', null)
    await app.register(slotkitPlugin, {
      prefix: '/scheduling',
      db,
      cache: new MemorySlotCache(),
      adminTokenHash: sha256(ADMIN_TOKEN),
      secretKey: SECRET_KEY,
      publicUrl: 'http://slotkit.test',
    })
    try {
      const url = `/scheduling/api/users/${UNKNOWN_ID}`
      const anonymous = await app.inject({ url })
      expect(anonymous.statusCode).toBe(401)
      expect(anonymous.json().message).toBe('Send an API key (Authorization: Bearer <key>)')
      const asAdmin = await app.inject({ url, headers: admin })
      expect(asAdmin.statusCode).toBe(404)
    } finally {
      await app.close()
    }
  })

  /** An app whose scope has the auth plugin, then `routes`; rejects if a route is refused. */
  async function start(routes: FastifyPluginAsync, prefix?: string): Promise<FastifyInstance> {
    const app = Fastify()
    app.register(
      async (scope) => {
        installErrorHandling(scope)
        await scope.register(authPlugin, { authenticator })
        await scope.register(routes)
      },
      { prefix },
    )
    try {
      await app.ready()
      return app
    } catch (error) {
      await app.close().catch(() => {})
      throw error
    }
  }

  it.each([
    {
      what: 'an API route',
      routes: (async (app) => {
        app.get('/api/things', async () => ({}))
      }) satisfies FastifyPluginAsync,
      refused: 'GET /api/things: declare who may call it',
    },
    {
      what: 'an API route hidden from OpenAPI',
      routes: (async (app) => {
        app.post('/api/things', { schema: { hide: true } }, async () => ({}))
      }) satisfies FastifyPluginAsync,
      refused: 'POST /api/things: declare who may call it',
    },
    {
      what: 'a route OpenAPI documents, outside /api',
      routes: (async (app) => {
        app.get('/status', { schema: { summary: 'Status' } }, async () => ({}))
      }) satisfies FastifyPluginAsync,
      refused: 'GET /status: declare who may call it',
    },
    {
      what: 'a route with OpenAPI security written by hand',
      routes: (async (app) => {
        app.get(
          '/api/things',
          { config: { auth: 'admin' }, schema: { security: [{ bearerAuth: [] }] } },
          async () => ({}),
        )
      }) satisfies FastifyPluginAsync,
      refused: 'GET /api/things: OpenAPI security comes from config.auth',
    },
    {
      what: 'a route naming the host in an unknown place',
      routes: (async (app) => {
        const auth = { user: 'params.userId' } as unknown as { user: 'params.id' }
        app.get('/api/things/:userId', { config: { auth } }, async () => ({}))
      }) satisfies FastifyPluginAsync,
      refused: 'GET /api/things/:userId: unknown config.auth {"user":"params.userId"}',
    },
  ])('refuses to start with $what that declares no valid auth', async ({ routes, refused }) => {
    await expect(start(routes)).rejects.toThrow(refused)
  })

  it('refuses an undeclared API route under the prefix the plugin is embedded at', async () => {
    const routes: FastifyPluginAsync = async (app) => {
      app.get('/api/things', { schema: { hide: true } }, async () => ({}))
    }
    await expect(start(routes, '/scheduling')).rejects.toThrow(
      'GET /scheduling/api/things: declare who may call it',
    )
  })

  it('starts with hidden pages outside /api, which need no declaration', async () => {
    const app = await start(async (scope) => {
      scope.get('/book/:id', { schema: { hide: true } }, async () => 'a page')
      scope.get('/api/things', { config: { auth: 'admin' } }, async () => ({ ok: true }))
    })
    try {
      expect((await app.inject({ url: '/book/1' })).body).toBe('a page')
      const anonymous = await app.inject({ url: '/api/things' })
      expect(anonymous.statusCode).toBe(401)
      expect(anonymous.json()).toMatchObject({
        error: 'UNAUTHORIZED',
        message: 'This endpoint needs the admin token (Authorization: Bearer <ADMIN_TOKEN>)',
      })
      const asAdmin = await app.inject({ url: '/api/things', headers: admin })
      expect(asAdmin.json()).toEqual({ ok: true })
    } finally {
      await app.close()
    }
  })
})

describe('public routes', () => {
  let app: FastifyInstance
  let db: Db
  // Statements that read or write api_keys, seen through a Kysely plugin on the real database.
  let keyQueries = 0
  const counter: KyselyPlugin = {
    transformQuery(args) {
      if (JSON.stringify(args.node).includes('api_keys')) keyQueries += 1
      return args.node
    },
    async transformResult(args) {
      return args.result
    },
  }
  beforeAll(async () => {
    db = createDb({ connectionString: inject('databaseUrl') })
    app = await createTestApp({ db: db.withPlugin(counter), authFailuresPerMinute: 2 })
  })
  afterAll(async () => {
    await app.close()
    await db.destroy()
  })

  it('do no authentication work: a bad key is neither looked up nor counted as a failure', async () => {
    const remoteAddress = '198.51.100.201'
    const badKey = { authorization: 'Bearer sk_not-a-key-public-routes' }
    const before = keyQueries
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({
        url: `/api/meeting-types/${UNKNOWN_ID}`,
        remoteAddress,
        headers: badKey,
      })
      expect(res.statusCode).toBe(404)
      expect(res.json().error).toBe('NOT_FOUND')
    }
    expect(keyQueries - before).toBe(0)
    // Three bad keys went to a public route and none counted: on a route that reads
    // keys, the same bad key is still refused twice with 401 before the limit of 2
    // failures answers 429.
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ url: '/api/admin/jobs', remoteAddress, headers: badKey })
      statuses.push(res.statusCode)
    }
    expect(statuses).toEqual([401, 401, 429])
  })
})
