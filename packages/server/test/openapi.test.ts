import { randomUUID } from 'node:crypto'
import SwaggerParser from '@apidevtools/swagger-parser'
import { ERROR_CODES } from '@slotkit/core'
import Ajv2020 from 'ajv/dist/2020'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BODY_LIMIT_BYTES } from '../src/app'
import { ERROR_STATUS } from '../src/http/error-status'
import {
  admin,
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  type TestAppOptions,
} from './helpers'

type Json = Record<string, unknown>
interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Json }[]
  requestBody?: { content: Record<string, { schema?: Json }> }
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>
  security?: unknown[]
}
interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, Json> }
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch']

/** Every operation of the document as `[METHOD path, operation]`. */
function operationsOf(document: OpenApiDocument): [string, string, OpenApiOperation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]): [string, string, OpenApiOperation] => [
        method.toUpperCase(),
        path,
        operation,
      ]),
  )
}

/** Every Schema Object of the document, named by where it sits. */
function schemasOf(document: OpenApiDocument): [string, Json][] {
  const found: [string, Json][] = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) => [`components.schemas.${name}`, schema],
  )
  for (const [method, path, operation] of operationsOf(document)) {
    const at = `${method} ${path}`
    for (const parameter of operation.parameters ?? []) {
      if (parameter.schema)
        found.push([`${at} ${parameter.in} ${parameter.name}`, parameter.schema])
    }
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
      if (media.schema) found.push([`${at} body ${type}`, media.schema])
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        if (media.schema) found.push([`${at} ${status} ${type}`, media.schema])
      }
    }
  }
  return found
}

/** The `error` codes a response of `operation` allows for `status` (none: not documented). */
function documentedCodes(operation: OpenApiOperation | undefined, status: number): string[] {
  const codesOf = (schema: unknown): string[] => {
    const s = schema as { anyOf?: unknown[]; properties?: Json } | undefined
    if (s?.anyOf) return s.anyOf.flatMap(codesOf)
    const error = s?.properties?.error as { const?: string; enum?: string[] } | undefined
    return error?.const !== undefined ? [error.const] : (error?.enum ?? [])
  }
  // JSON, or the one media type a route declares (the OAuth callback answers the
  // browser with an HTML page that names the code).
  const content = operation?.responses[String(status)]?.content
  const media = content?.['application/json'] ?? Object.values(content ?? {})[0]
  return codesOf(media?.schema)
}

async function servedDocument(app: FastifyInstance): Promise<OpenApiDocument> {
  const res = await app.inject({ url: '/api/openapi.json' })
  expect(res.statusCode).toBe(200)
  return res.json()
}

describe('the served OpenAPI document', () => {
  let app: FastifyInstance
  let document: OpenApiDocument
  beforeAll(async () => {
    app = await createTestApp()
    document = await servedDocument(app)
  })
  afterAll(async () => app.close())

  it('is OpenAPI 3.1.0, whose Schema Objects are the JSON Schema 2020-12 that TypeBox writes', () => {
    expect(document.openapi).toBe('3.1.0')
  })

  it('passes swagger-parser: validated against the OpenAPI 3.1 schema and dereferenced', async () => {
    // swagger-parser mutates what it is given; each call gets its own copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined()
    const dereferenced = (await SwaggerParser.dereference(
      structuredClone(document) as never,
    )) as unknown as OpenApiDocument
    expect(operationsOf(dereferenced).length).toBe(operationsOf(document).length)
  })

  it('holds only Schema Objects that are valid JSON Schema 2020-12 and compile', () => {
    // The OpenAPI 3.1 schema checks Schema Objects loosely (a dynamic reference
    // to "any object"), so a misspelt keyword type ("examples": "x") would pass
    // swagger-parser: check each against the 2020-12 meta-schema, as generators do.
    const ajv = new Ajv2020({ strict: false, validateFormats: false })
    const schemas = schemasOf(document)
    expect(schemas.length).toBeGreaterThan(50)
    const invalid = schemas
      .map(([where, schema]) => {
        if (!ajv.validateSchema(schema)) return `${where}: ${ajv.errorsText(ajv.errors)}`
        try {
          ajv.compile(schema)
          return undefined
        } catch (error) {
          return `${where}: ${(error as Error).message}`
        }
      })
      .filter((problem) => problem !== undefined)
    expect(invalid).toEqual([])
  })

  it('declares every path template parameter as a required path parameter', () => {
    const missing: string[] = []
    for (const [method, path, operation] of operationsOf(document)) {
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        const declared = operation.parameters?.find((p) => p.in === 'path' && p.name === name)
        if (!declared?.required) missing.push(`${method} ${path}: ${name}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('lists on every operation the errors its kind can answer, whatever its handler does', () => {
    const missing: string[] = []
    for (const [method, path, operation] of operationsOf(document)) {
      const expected: [number, string][] = [
        [400, 'VALIDATION_FAILED'],
        [500, 'INTERNAL'],
        [503, 'SERVICE_UNAVAILABLE'],
      ]
      if (method !== 'GET')
        expected.push(
          [400, 'MALFORMED_JSON'],
          [413, 'PAYLOAD_TOO_LARGE'],
          [415, 'UNSUPPORTED_MEDIA_TYPE'],
        )
      if (operation.security?.length) expected.push([401, 'UNAUTHORIZED'])
      for (const [status, code] of expected) {
        if (!documentedCodes(operation, status).includes(code))
          missing.push(`${method} ${path}: ${status} ${code}`)
      }
    }
    expect(missing).toEqual([])
  })

  it("lists under each error status only codes of that status, and SLOT_UNAVAILABLE's shape only where a slot can be refused", () => {
    const wrong: string[] = []
    for (const [method, path, operation] of operationsOf(document)) {
      for (const status of Object.keys(operation.responses).map(Number)) {
        if (status < 400) continue
        const codes = documentedCodes(operation, status)
        if (codes.length === 0) wrong.push(`${method} ${path}: ${status} names no code`)
        for (const code of codes) {
          if (!(ERROR_CODES as readonly string[]).includes(code))
            wrong.push(`${method} ${path}: ${status} ${code} is no code`)
          else if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== status)
            wrong.push(`${method} ${path}: ${status} ${code}`)
        }
      }
    }
    expect(wrong).toEqual([])
    const slotRefusers = operationsOf(document)
      .filter(([, , operation]) => documentedCodes(operation, 409).includes('SLOT_UNAVAILABLE'))
      .map(([method, path]) => `${method} ${path}`)
    expect(slotRefusers.sort()).toEqual([
      'POST /api/bookings',
      'POST /api/bookings/{id}/reschedule',
    ])
    // Creating a user can conflict on its e-mail, never on a slot.
    expect(documentedCodes(document.paths['/api/users']?.post, 409)).toEqual(['CONFLICT'])
  })
})

describe('statuses the routes really answer are documented', () => {
  let app: FastifyInstance
  let document: OpenApiDocument
  beforeAll(async () => {
    app = await createTestApp()
    document = await servedDocument(app)
  })
  afterAll(async () => app.close())

  it('POST /api/bookings answers 503 while the job queue is down, and documents it', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    // Bookings are refused rather than committed without their e-mails and webhooks.
    const queue = app.slotkitJobs
    expect(queue?.running).toBe(true)
    await queue?.stop()
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-02T14:00:00Z'),
    })
    expect(res.statusCode).toBe(503)
    expect(res.json().error).toBe('SERVICE_UNAVAILABLE')
    expect(documentedCodes(document.paths['/api/bookings']?.post, 503)).toEqual([
      'SERVICE_UNAVAILABLE',
    ])
  })

  it('POST /api/bookings answers 415 to a body that is not JSON, and documents it', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { 'content-type': 'text/plain' },
      payload: 'book me',
    })
    expect(res.statusCode).toBe(415)
    expect(res.json().error).toBe('UNSUPPORTED_MEDIA_TYPE')
    expect(documentedCodes(document.paths['/api/bookings']?.post, 415)).toEqual([
      'UNSUPPORTED_MEDIA_TYPE',
    ])
  })
})

describe('every documented operation, probed with requests any client can send', () => {
  // Rate limits on: public routes then document (and may answer) 429 too.
  for (const [name, options] of [
    ['without rate limits', {}],
    ['with rate limits', { rateLimitPerMinute: 10_000 }],
  ] as [string, TestAppOptions][]) {
    it(`answers each probe with a status and code its OpenAPI responses list (${name})`, async () => {
      const app = await createTestApp(options)
      try {
        const document = await servedDocument(app)
        const undocumented: string[] = []
        const operations = operationsOf(document)
        expect(operations.length).toBeGreaterThan(20)
        for (const [method, path, operation] of operations) {
          // Unknown ids: nothing a probe sends can change data.
          const url = path.replace(/\{[^}]+\}/g, randomUUID())
          const probes: [string, InjectOptions, number?][] = [
            ['anonymous', { method, url } as InjectOptions],
            ['admin', { method, url, headers: admin } as InjectOptions],
            [
              'unknown key, bad query',
              {
                method,
                url: `${url}?limit=none&user_id=x&date=someday`,
                headers: { authorization: 'Bearer sk_unknown' },
              } as InjectOptions,
            ],
          ]
          // A provider's push endpoint takes any body and ignores it (Google posts empty
          // bodies labelled JSON), so the body probes get no 415/400 there.
          const takesAnyBody = path.endsWith('/notifications')
          if (method !== 'GET' && !takesAnyBody) {
            const json = { ...admin, 'content-type': 'application/json' }
            probes.push(
              [
                'text body',
                { method, url, headers: { ...admin, 'content-type': 'text/plain' }, payload: 'hi' },
                415,
              ] as [string, InjectOptions, number],
              ['malformed JSON', { method, url, headers: json, payload: '{' }, 400] as [
                string,
                InjectOptions,
                number,
              ],
              [
                'oversized body',
                {
                  method,
                  url,
                  headers: json,
                  payload: JSON.stringify({ x: 'x'.repeat(BODY_LIMIT_BYTES) }),
                },
                413,
              ] as [string, InjectOptions, number],
            )
          }
          for (const [probe, request, expected] of probes) {
            const res = await app.inject(request)
            if (expected !== undefined)
              expect(res.statusCode, `${method} ${path} ${probe}`).toBe(expected)
            const status = res.statusCode
            if (!(String(status) in operation.responses)) {
              undocumented.push(`${method} ${path} (${probe}): ${status}`)
              continue
            }
            if (status >= 400) {
              // An HTML error page (the OAuth callback's) names its code in data-error.
              const code = String(res.headers['content-type']).startsWith('text/html')
                ? /data-error="([A-Z_]+)"/.exec(res.body)?.[1]
                : (res.json() as { error: string }).error
              if (code === undefined || !documentedCodes(operation, status).includes(code))
                undocumented.push(`${method} ${path} (${probe}): ${status} ${code}`)
            }
          }
        }
        expect(undocumented).toEqual([])
      } finally {
        await app.close()
      }
    })
  }
})
