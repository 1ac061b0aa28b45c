/**
 * The server's strings (booking e-mails, the invitee's pages) by language:
 * the languages of `<schedule-widget>` (core's `TRANSLATED_LOCALES`, checked
 * by a test), resolved through core's BCP 47 fallback chain, so a booking made
 * in the widget in `pt-PT` gets its e-mails in the same Portuguese.
 */
import {
  canonicalLocale,
  catalogChain,
  TRANSLATED_LOCALES,
  type TranslatedLocale,
  textDirection,
} from '@slotkit/core/format'
import { ar } from './catalogs/ar'
import { de } from './catalogs/de'
import { en, type ServerMessages } from './catalogs/en'
import { es } from './catalogs/es'
import { fr } from './catalogs/fr'
import { it } from './catalogs/it'
import { ja } from './catalogs/ja'
import { nl } from './catalogs/nl'
import { pl } from './catalogs/pl'
import { pt } from './catalogs/pt'
import { ptPT } from './catalogs/pt-PT'
import { sv } from './catalogs/sv'
import { zhHans } from './catalogs/zh-Hans'

export type { ServerMessages } from './catalogs/en'

/** The catalog of each translated language (`pt-PT` holds only what differs from `pt`). */
export const SERVER_CATALOGS: Readonly<Record<TranslatedLocale, Partial<ServerMessages>>> = {
  en,
  de,
  fr,
  es,
  it,
  pt,
  'pt-PT': ptPT,
  nl,
  pl,
  sv,
  ja,
  'zh-Hans': zhHans,
  ar,
}

/** The language a message or page is written in. */
export interface Language {
  /** The BCP 47 tag dates and numbers are formatted with, and the `lang` attribute. */
  readonly locale: string
  /** Which way its text runs: the `dir` attribute. */
  readonly dir: 'ltr' | 'rtl'
  readonly messages: ServerMessages
}

/** The locale of everything that has no (translated) locale of its own. */
export const DEFAULT_LOCALE = 'en-US'

/**
 * The language for `requested` (an invitee's stored locale, a server setting):
 * its catalogs from the general to the specific (`pt`, then `pt-PT`) over
 * English, with `requested` itself for dates and numbers (`fr-CA` formats the
 * Canadian way). A tag Slotkit has no translation for, or none, gets
 * `fallback`'s language (by default English, `en-US`): an e-mail is not half
 * English and half Korean.
 */
export function languageFor(
  requested: string | null | undefined,
  fallback: string = DEFAULT_LOCALE,
): Language {
  const locale = requested ? canonicalLocale(requested) : undefined
  const chain = locale ? catalogChain(locale, TRANSLATED_LOCALES) : []
  if (!locale || chain.length === 0)
    return fallback === DEFAULT_LOCALE ? english : languageFor(fallback)
  return {
    locale,
    dir: textDirection(locale),
    messages: Object.assign(
      {},
      en,
      ...chain.reverse().map((tag) => SERVER_CATALOGS[tag as TranslatedLocale]),
    ),
  }
}

const english: Language = { locale: DEFAULT_LOCALE, dir: 'ltr', messages: en }

/** Fills `{name}` placeholders of `template` from `values`. Unknown names stay as they are. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole)
}

// One entry of Accept-Language: a tag or `*`, and an optional weight.
const ACCEPT_ENTRY =
  /^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$/

/**
 * The visitor's preferred language that Slotkit speaks, from an
 * `Accept-Language` header (RFC 9110 §12.5.4): the entries by weight (ties in
 * header order), the first with a translation, English included. `undefined`
 * when none matches, or the header is absent or malformed; a malformed entry
 * is skipped.
 *
 * @example
 * ```ts
 * preferredLocale('ko-KR, fr-CH;q=0.9, en;q=0.8') // 'fr-CH'
 * ```
 */
export function preferredLocale(header: string | undefined): string | undefined {
  if (!header || header.length > 1024) return undefined
  const entries = header
    .split(',')
    .slice(0, 32)
    .map((part, index) => {
      const match = ACCEPT_ENTRY.exec(part)
      return match
        ? { tag: match[1]!, q: match[2] === undefined ? 1 : Number(match[2]), index }
        : undefined
    })
    .filter((entry) => entry !== undefined && entry.q > 0 && entry.tag !== '*')
    .sort((a, b) => b!.q - a!.q || a!.index - b!.index)
  for (const entry of entries) {
    const locale = canonicalLocale(entry!.tag)
    if (locale && catalogChain(locale, TRANSLATED_LOCALES).length > 0) return locale
  }
  return undefined
}
