import { describe, expect, it } from 'vitest'
import {
  canonicalLocale,
  catalogChain,
  localeFallbacks,
  TRANSLATED_LOCALES,
  textDirection,
} from './locale'

describe('canonicalLocale', () => {
  it('writes a tag in canonical case and rejects ill-formed ones', () => {
    expect(canonicalLocale('EN-us')).toBe('en-US')
    expect(canonicalLocale('zh-hans-cn')).toBe('zh-Hans-CN')
    expect(canonicalLocale('en_US')).toBeUndefined()
    expect(canonicalLocale('')).toBeUndefined()
    expect(canonicalLocale('en-US-US')).toBeUndefined()
  })
})

describe('localeFallbacks', () => {
  it('drops subtags from the end, the likely script before the bare language', () => {
    expect(localeFallbacks('zh-Hans-CN')).toEqual(['zh-Hans-CN', 'zh-Hans', 'zh'])
    expect(localeFallbacks('zh-CN')).toEqual(['zh-CN', 'zh-Hans', 'zh'])
    expect(localeFallbacks('zh')).toEqual(['zh-Hans', 'zh'])
    expect(localeFallbacks('pt-BR')).toEqual(['pt-BR', 'pt-Latn', 'pt'])
  })

  it('sends Traditional Chinese to zh-Hant, never to the Simplified catalog', () => {
    expect(localeFallbacks('zh-TW')).toEqual(['zh-TW', 'zh-Hant', 'zh'])
    expect(catalogChain('zh-TW', TRANSLATED_LOCALES)).toEqual([])
    expect(catalogChain('zh-HK', TRANSLATED_LOCALES)).toEqual([])
  })

  it("tries Portugal's Portuguese for Angola, Mozambique and the rest (CLDR parents)", () => {
    expect(localeFallbacks('pt-AO')).toEqual(['pt-AO', 'pt-PT', 'pt-Latn', 'pt'])
    expect(catalogChain('pt-MZ', TRANSLATED_LOCALES)).toEqual(['pt-PT', 'pt'])
  })

  it('ignores extensions and is empty for an ill-formed tag', () => {
    expect(localeFallbacks('fr-CA-u-nu-latn')).toEqual(['fr-CA', 'fr-Latn', 'fr'])
    expect(localeFallbacks('not a tag')).toEqual([])
  })
})

describe('catalogChain', () => {
  it('picks the catalogs that apply, most specific first', () => {
    expect(catalogChain('pt-PT', TRANSLATED_LOCALES)).toEqual(['pt-PT', 'pt'])
    expect(catalogChain('pt-BR', TRANSLATED_LOCALES)).toEqual(['pt'])
    expect(catalogChain('zh-Hans-CN', TRANSLATED_LOCALES)).toEqual(['zh-Hans'])
    expect(catalogChain('de-AT', TRANSLATED_LOCALES)).toEqual(['de'])
    expect(catalogChain('AR-eg', TRANSLATED_LOCALES)).toEqual(['ar'])
    expect(catalogChain('ko-KR', TRANSLATED_LOCALES)).toEqual([])
    expect(catalogChain('', TRANSLATED_LOCALES)).toEqual([])
  })
})

describe('textDirection', () => {
  it('is rtl for Arabic, Hebrew, Persian and Urdu, ltr for the rest and for garbage', () => {
    for (const tag of ['ar', 'ar-EG', 'he-IL', 'fa', 'ur-PK'])
      expect(textDirection(tag)).toBe('rtl')
    for (const tag of ['en', 'fr-CA', 'ja', 'zh-Hans', 'tr', 'not a tag'])
      expect(textDirection(tag)).toBe('ltr')
  })

  it('falls back to the likely script where the engine has no text info', () => {
    const proto = Intl.Locale.prototype as object
    const own = (name: string) => Object.getOwnPropertyDescriptor(proto, name)
    const saved = { getTextInfo: own('getTextInfo'), textInfo: own('textInfo') }
    for (const name of Object.keys(saved)) delete (proto as Record<string, unknown>)[name]
    try {
      expect(new Intl.Locale('ar') as object).not.toHaveProperty('textInfo')
      expect(textDirection('ar')).toBe('rtl')
      expect(textDirection('yi')).toBe('rtl')
      expect(textDirection('dv')).toBe('rtl')
      expect(textDirection('sr-Cyrl')).toBe('ltr')
    } finally {
      for (const [name, descriptor] of Object.entries(saved))
        if (descriptor) Object.defineProperty(proto, name, descriptor)
    }
  })
})
