import { ERROR_CODES, type ErrorCode, isSchedulingError } from '@slotkit/core'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type ErrorReply, isApiError, RateLimitedError } from './api-error'
import { statusOf } from './error-status'

interface ValidationIssue {
  instancePath?: string
  message?: string
  keyword?: string
  params?: Record<string, unknown>
}

/** `body/invitee_email`, `querystring/date`… from an ajv issue. */
function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
  // TypeBox lists names (requiredProperties/additionalProperties), ajv names one.
  const first = (value: unknown) => String((Array.isArray(value) ? value[0] : value) ?? '')
  const missing =
    issue.keyword === 'required'
      ? first(issue.params?.requiredProperties ?? issue.params?.missingProperty)
      : ''
  const additional =
    issue.keyword === 'additionalProperties'
      ? first(issue.params?.additionalProperties ?? issue.params?.additionalProperty)
      : ''
  const leaf = missing || additional
  const field = [path, leaf].filter(Boolean).join('.')
  return field || context || 'body'
}

function describeIssue(issue: ValidationIssue): string {
  switch (issue.keyword) {
    case 'maxLength':
      return `must be at most ${issue.params?.limit} characters`
    case 'minLength':
      return Number(issue.params?.limit) === 1
        ? 'must not be empty'
        : `must be at least ${issue.params?.limit} characters`
    case 'pattern':
      return 'has an invalid format'
    case 'required':
      return 'is required'
    case 'additionalProperties':
      return 'is not an allowed field'
    case 'boolean':
      return 'is not an allowed field'
    default:
      return issue.message ?? 'is invalid'
  }
}

/** Turns any thrown value into a status and the one reply shape. */
export function toErrorReply(error: unknown): {
  status: number
  body: ErrorReply
  internal: boolean
  /** Response headers the error calls for (`Retry-After` of a 429). */
  headers?: Record<string, string>
} {
  if (isApiError(error)) {
    return {
      ...(error instanceof RateLimitedError
        ? { headers: { 'retry-after': String(error.retryAfterSeconds) } }
        : {}),
      status: statusOf(error.code),
      body: {
        error: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
        ...error.extra,
      },
      internal: false,
    }
  }
  if (isSchedulingError(error)) {
    const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(error.code)
      ? error.code
      : 'VALIDATION_FAILED'
    const status = statusOf(code)
    if (status < 500) {
      return {
        status,
        body: {
          error: code,
          message: error.message,
          ...(error.details ? { details: { ...error.details } } : {}),
        },
        internal: false,
      }
    }
  }
  const fastifyError = error as Partial<FastifyError> & {
    validation?: ValidationIssue[]
    validationContext?: string
  }
  if (Array.isArray(fastifyError.validation) && fastifyError.validation.length > 0) {
    const issues = fastifyError.validation.map((issue) => {
      const field = fieldOf(issue, fastifyError.validationContext)
      return { field, message: describeIssue(issue) }
    })
    const first = issues[0]!
    return {
      status: 400,
      body: {
        error: 'VALIDATION_FAILED',
        message: `${first.field} ${first.message}`,
        details: { field: first.field, in: fastifyError.validationContext, issues },
      },
      internal: false,
    }
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 400,
        body: {
          error: 'MALFORMED_JSON',
          message: 'The request body is not valid JSON',
          details: { field: 'body' },
        },
        internal: false,
      }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: {
          error: 'MALFORMED_JSON',
          message: 'The request body is empty but Content-Type is application/json',
          details: { field: 'body' },
        },
        internal: false,
      }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: {
          error: 'PAYLOAD_TOO_LARGE',
          message: 'The request body is too large',
          details: { field: 'body' },
        },
        internal: false,
      }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json' },
        internal: false,
      }
  }
  // A value PostgreSQL cannot take (class 22, "data exception": a malformed uuid or
  // number, a NUL in text, a date out of range) that slipped past validation is
  // still the client's input: 400, never 500.
  if (typeof fastifyError.code === 'string' && /^22[0-9A-Z]{3}$/.test(fastifyError.code)) {
    return {
      status: 400,
      body: { error: 'VALIDATION_FAILED', message: 'A value in the request is not valid' },
      internal: false,
    }
  }
  // The database is unreachable, restarting or out of connections: retryable, not our bug.
  if (
    typeof fastifyError.code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P0[123]|53300|08001|08006)$/.test(fastifyError.code)
  ) {
    return {
      status: 503,
      body: {
        error: 'SERVICE_UNAVAILABLE',
        message: 'The database is unavailable, try again shortly',
      },
      internal: true,
    }
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500
  if (status === 429) {
    return {
      status,
      body: { error: 'RATE_LIMITED', message: fastifyError.message || 'Too many requests' },
      internal: false,
    }
  }
  if (status === 413)
    return {
      status,
      body: { error: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
      internal: false,
    }
  if (status === 415)
    return {
      status,
      body: { error: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content type' },
      internal: false,
    }
  if (status === 404)
    return { status, body: { error: 'NOT_FOUND', message: 'Not found' }, internal: false }
  if (status === 405)
    return {
      status,
      body: { error: 'METHOD_NOT_ALLOWED', message: 'Method not allowed' },
      internal: false,
    }
  if (status >= 400 && status < 500) {
    // Any other client error Fastify raises (bad content-length, bad URL encoding…).
    return {
      status: 400,
      body: { error: 'VALIDATION_FAILED', message: fastifyError.message || 'Invalid request' },
      internal: false,
    }
  }
  if (status === 503)
    return {
      status,
      body: { error: 'SERVICE_UNAVAILABLE', message: 'Service unavailable, try again' },
      internal: false,
    }
  return {
    status: 500,
    body: { error: 'INTERNAL', message: 'Internal server error' },
    internal: true,
  }
}

/** Installs the one error handler and the 404 handler on `app` (and its children). */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, internal, headers } = toErrorReply(error)
    if (internal) request.log.error({ err: error }, 'unhandled error')
    else if (status >= 500) request.log.warn({ err: error }, body.message)
    if (headers) reply.headers(headers)
    // Pre-serialized: route response schemas never strip fields from an error reply.
    reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body))
  })
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send({
        error: 'NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
      } satisfies ErrorReply)
  })
}
