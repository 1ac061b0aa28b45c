import type { ServiceDeps } from '../services/deps'

/**
 * What every route module receives. Authentication is not in here: each route
 * declares who may call it (`config: { auth }`, plugins/auth.ts) and reads the
 * caller from `request.slotkitPrincipal`.
 */
export interface RouteContext {
  readonly deps: ServiceDeps
  /** Per-route rate-limit config for public endpoints (empty when off). */
  readonly publicRateLimit: Record<string, unknown>
  /** Whether the database answers (for /readyz). */
  readonly ready: () => Promise<boolean>
}
