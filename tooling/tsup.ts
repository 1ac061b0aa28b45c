import type { Options } from 'tsup'

/** Options a package passes to {@link defineSlotkitBuild}. */
export interface SlotkitBuildOptions {
  /** Entry points, e.g. `{ index: 'src/index.ts', format: 'src/format/index.ts' }`. */
  entry: Record<string, string>
  /** Output formats. Core and client ship both; the widget ships ESM only. */
  format?: Array<'esm' | 'cjs'>
  /** Bundle these dependencies into the output instead of importing them. */
  noExternal?: Array<string | RegExp>
  /** Target platform; `neutral` for code that runs in browsers and Node alike. */
  platform?: 'node' | 'neutral' | 'browser'
  /** Extra tsup options, for the rare package that needs them. */
  extra?: Options
}

/**
 * The one tsup configuration every package builds with: ES2022, declaration
 * files, source maps, a clean `dist/`. A package's `tsup.config.ts` is a call
 * to this function, so a later switch of bundler touches one file.
 */
export function defineSlotkitBuild(options: SlotkitBuildOptions): Options {
  return {
    entry: options.entry,
    format: options.format ?? ['esm', 'cjs'],
    platform: options.platform ?? 'neutral',
    target: 'es2022',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    noExternal: options.noExternal,
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
    ...options.extra,
  }
}
