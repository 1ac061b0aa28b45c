import { ErrorReplySchema, SlotUnavailableReplySchema } from '@slotkit/core/api'
import { Type } from 'typebox'

const descriptions: Record<number, string> = {
  400: 'Invalid input; `details.field` names the field.',
  401: 'Missing or unknown key.',
  403: 'The key may not act on this resource.',
  404: 'Unknown id.',
  409: 'Conflict.',
  413: 'Body too large.',
  422: 'Idempotency-Key reused with a different body.',
  429: 'Rate limited.',
  501: 'Not configured on this server.',
  502: 'An upstream provider failed.',
  503: 'Unavailable; `error` says why.',
}

/**
 * Error responses for the OpenAPI document. Error replies are sent pre-serialized
 * by the error handler, so these schemas never strip fields (a 409's `reason`).
 */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      status === 409
        ? Type.Union([SlotUnavailableReplySchema, ErrorReplySchema], {
            description: descriptions[409],
          })
        : { ...ErrorReplySchema, description: descriptions[status] ?? 'Error' },
    ]),
  )
}

/** Bearer auth for the OpenAPI document. */
export const bearer = [{ bearerAuth: [] }]
