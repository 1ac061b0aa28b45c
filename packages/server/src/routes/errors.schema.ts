/**
 * Route schemas declare the error codes a route answers as `schema.errors`
 * (`errors: ['FORBIDDEN', 'NOT_FOUND']`); `documentErrorReplies` (http/error-responses.ts)
 * turns them, with the codes every route of its kind can answer, into the
 * OpenAPI error responses. Declare no 4xx/5xx `response` entry by hand.
 */

/** Bearer auth for the OpenAPI document. */
export const bearer = [{ bearerAuth: [] }]
