// Runs before every server test file. Each test app reports the replies its
// routes do not document (a status, or an error code, missing from the route's
// OpenAPI responses); whichever test provoked one fails here, naming it.
import { afterAll, afterEach, expect } from 'vitest'
import { undocumentedReplies } from './undocumented-replies'

function expectAllDocumented(): void {
  const seen = undocumentedReplies.splice(0)
  expect(seen, 'replies whose status or error code the route does not document').toEqual([])
}

afterEach(expectAllDocumented)
// Requests made in a file's beforeAll/afterAll hooks.
afterAll(expectAllDocumented)
