/** The budget, in bytes of min+gzip. */
export declare const BUDGET_BYTES: number
/** Bundles, minifies and gzips dist/index.js; returns both sizes in bytes. */
export declare function measureClientSize(): Promise<{
  minifiedBytes: number
  gzippedBytes: number
}>
