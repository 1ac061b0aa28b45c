import type { ErrorCode } from './codes'

/**
 * The one error class core throws, for invalid input only (an empty result is
 * data, not an error). `code` is stable and machine-readable; `details` is
 * serializable and names the offending field where there is one.
 *
 * @example
 * ```ts
 * try {
 *   findSlots(input)
 * } catch (error) {
 *   if (error instanceof SchedulingError && error.code === 'INVALID_TIME_ZONE') {
 *     console.log(error.details?.field) // 'schedule.timeZone'
 *   }
 * }
 * ```
 */
export class SchedulingError extends Error {
  override readonly name = 'SchedulingError'
  readonly code: ErrorCode
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(
    code: ErrorCode,
    message: string,
    details?: Readonly<Record<string, unknown>>,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.code = code
    this.details = details
  }
}

/** True when `error` is a {@link SchedulingError} (also across bundle copies). */
export function isSchedulingError(error: unknown): error is SchedulingError {
  return (
    error instanceof SchedulingError ||
    (error instanceof Error &&
      error.name === 'SchedulingError' &&
      typeof (error as { code?: unknown }).code === 'string')
  )
}
