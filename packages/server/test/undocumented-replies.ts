import type { UndocumentedReply } from '../src/http/error-responses'

/**
 * Replies of API routes that their OpenAPI responses do not describe, reported by
 * every test app (`onUndocumentedReply`); `setup.ts` fails the test that saw one.
 */
export const undocumentedReplies: UndocumentedReply[] = []

/** The `onUndocumentedReply` of test apps. */
export function recordUndocumentedReply(reply: UndocumentedReply): void {
  undocumentedReplies.push(reply)
}
