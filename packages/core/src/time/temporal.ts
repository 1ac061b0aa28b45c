import { Temporal as PolyfillTemporal } from '@js-temporal/polyfill'

/**
 * The Temporal implementation core uses: the runtime's own `globalThis.Temporal`
 * when it has one, else `@js-temporal/polyfill`. Only the zone-table builder
 * calls it, once per zone and year-sized chunk, never per slot or per day.
 */
export const Temporal: typeof PolyfillTemporal =
  (globalThis as { Temporal?: typeof PolyfillTemporal }).Temporal ?? PolyfillTemporal
