import SwaggerParser from '@apidevtools/swagger-parser'
import Ajv2020 from 'ajv/dist/2020'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from './helpers'

type Json = Record<string, unknown>
interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Json }[]
  requestBody?: { content: Record<string, { schema?: Json }> }
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>
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

describe('the served OpenAPI document', () => {
  let app: FastifyInstance
  let document: OpenApiDocument
  beforeAll(async () => {
    app = await createTestApp()
    const res = await app.inject({ url: '/api/openapi.json' })
    expect(res.statusCode).toBe(200)
    document = res.json()
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
})
