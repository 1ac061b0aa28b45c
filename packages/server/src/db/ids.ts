import { UUID_PATTERN } from '@slotkit/core/api'

const UUID = new RegExp(UUID_PATTERN)

/** Ids are UUIDs; anything else is an unknown id (404) and never reaches PostgreSQL. */
export function isUuid(value: string): boolean {
  return UUID.test(value)
}
