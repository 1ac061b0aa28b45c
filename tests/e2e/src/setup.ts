// Runs before every e2e test file: the server reports each reply its route does
// not document in OpenAPI, and the test whose client call provoked it fails.
import { afterAll, afterEach, expect } from 'vitest'
import { undocumentedReplies } from './helpers'

function expectAllDocumented(): void {
  const seen = undocumentedReplies.splice(0)
  expect(seen, 'replies whose status or error code the route does not document').toEqual([])
}

afterEach(expectAllDocumented)
// Requests made in a file's beforeAll/afterAll hooks.
afterAll(expectAllDocumented)
