/**
 * BCP 47 locale handling shared by the widget (which catalog to load, which way
 * text runs) and the server (which language an invitee's e-mails are in): one
 * fallback rule on both sides, so a booking made in the widget in `pt-PT` gets
 * e-mails in the same Portuguese. `Intl` only.
 */

/**
 * The languages Slotkit's widget and e-mails are translated into, as catalog
 * tags: English, German, French, Spanish, Italian, Portuguese (`pt`: Brazil,
 * the CLDR default; `pt-PT` holds only what Portugal says differently), Dutch,
 * Polish, Swedish, Japanese, Simplified Chinese and Arabic. Both the widget
 * and the server keep one catalog per tag here, and their tests check that.
 */
export const TRANSLATED_LOCALES = [
  'en',
  'de',
  'fr',
  'es',
  'it',
  'pt',
  'pt-PT',
  'nl',
  'pl',
  'sv',
  'ja',
  'zh-Hans',
  'ar',
] as const

/** One of {@link TRANSLATED_LOCALES}. */
export type TranslatedLocale = (typeof TRANSLATED_LOCALES)[number]

/**
 * `tag` in canonical BCP 47 form (`EN-us` → `en-US`), or `undefined` when it is
 * not a well-formed language tag.
 *
 * @example
 * ```ts
 * canonicalLocale('zh-hans-cn') // 'zh-Hans-CN'
 * canonicalLocale('en_US') // undefined
 * ```
 */
export function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0]
  } catch {
    return undefined
  }
}

// CLDR's parent locales: Portuguese outside Brazil falls back to Portugal's.
const PT_PT_CHILDREN = /^pt-(AO|CH|CV|FR|GQ|GW|LU|MO|MZ|ST|TL)\b/

/**
 * The tags to look a translation up under, most specific first: `tag` without
 * its extensions, then shorter and shorter prefixes; a tag without a script
 * gets its likely one before the bare language, so `zh-TW` tries `zh-Hant`
 * (never the Simplified `zh-Hans`) and `zh-CN` tries `zh-Hans`. Portuguese of
 * Angola, Mozambique and the rest tries `pt-PT` before `pt`. An ill-formed tag
 * has none.
 *
 * @example
 * ```ts
 * localeFallbacks('zh-Hans-CN') // ['zh-Hans-CN', 'zh-Hans', 'zh']
 * localeFallbacks('pt-BR') // ['pt-BR', 'pt-Latn', 'pt']
 * localeFallbacks('fr-u-nu-latn') // ['fr-Latn', 'fr']
 * ```
 */
export function localeFallbacks(tag: string): string[] {
  const canonical = canonicalLocale(tag)
  if (!canonical) return []
  const locale = new Intl.Locale(canonical)
  const parts = locale.baseName.split('-')
  const chain: string[] = []
  for (let n = parts.length; n > 0; n--) chain.push(parts.slice(0, n).join('-'))
  const script = !locale.script && locale.maximize().script
  if (script) chain.splice(-1, 0, `${locale.language}-${script}`)
  if (PT_PT_CHILDREN.test(locale.baseName)) chain.splice(1, 0, 'pt-PT')
  return chain
}

/**
 * The catalogs of `available` that apply to `tag`, most specific first (an
 * empty list means English).
 *
 * @example
 * ```ts
 * catalogChain('pt-PT', TRANSLATED_LOCALES) // ['pt-PT', 'pt']
 * catalogChain('pt-BR', TRANSLATED_LOCALES) // ['pt']
 * catalogChain('ko-KR', TRANSLATED_LOCALES) // []
 * ```
 */
export function catalogChain(tag: string, available: readonly string[]): string[] {
  return localeFallbacks(tag).filter((candidate) => available.includes(candidate))
}

// Scripts written right to left, for engines without Intl.Locale text info.
const RTL_SCRIPTS = /^(Adlm|Arab|Hebr|Mand|Mend|Nkoo|Rohg|Samr|Syrc|Thaa|Yezi)$/

/**
 * Which way `tag`'s text runs: from `Intl.Locale` text info where the engine
 * has it (Chromium, Safari), else from the script of its likely subtags
 * (Arabic, Hebrew, Thaana, ...). An ill-formed tag is `ltr`.
 *
 * @example
 * ```ts
 * textDirection('ar-EG') // 'rtl'
 * textDirection('he') // 'rtl'
 * textDirection('fr') // 'ltr'
 * ```
 */
export function textDirection(tag: string): 'ltr' | 'rtl' {
  const canonical = canonicalLocale(tag)
  if (!canonical) return 'ltr'
  const locale = new Intl.Locale(canonical) as Intl.Locale & {
    getTextInfo?: () => { direction?: string }
    textInfo?: { direction?: string }
  }
  const direction = (locale.getTextInfo?.() ?? locale.textInfo)?.direction
  return direction === 'rtl' || (!direction && RTL_SCRIPTS.test(locale.maximize().script ?? ''))
    ? 'rtl'
    : 'ltr'
}
