import type { Authenticator } from '../plugins/auth'
import type { ServiceDeps } from '../services/deps'

/** What every route module receives. */
export interface RouteContext {
  readonly deps: ServiceDeps
  readonly auth: Authenticator
  /** Per-route rate-limit config for public endpoints (empty when off). */
  readonly publicRateLimit: Record<string, unknown>
  /** Whether the database answers (for /readyz). */
  readonly ready: () => Promise<boolean>
}
