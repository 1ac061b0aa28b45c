import { TRANSLATED_LOCALES } from '@slotkit/core/format'
import { describe, expect, it } from 'vitest'
import { en, type ServerMessages } from './catalogs/en'
import { fill, languageFor, preferredLocale, SERVER_CATALOGS } from './messages'

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort()
const catalogs = Object.entries(SERVER_CATALOGS).filter(([tag]) => tag !== 'en')

describe("the server's catalogs", () => {
  it("cover exactly the widget's languages, core's TRANSLATED_LOCALES", () => {
    expect(Object.keys(SERVER_CATALOGS).sort()).toEqual([...TRANSLATED_LOCALES].sort())
  })

  it.each(catalogs)('%s has every English key (pt-PT through pt), no other, none empty', (tag) => {
    const own = SERVER_CATALOGS[tag as keyof typeof SERVER_CATALOGS]
    expect(Object.keys(own).filter((key) => !(key in en))).toEqual([])
    const resolved = languageFor(tag).messages
    expect(Object.keys(resolved).sort()).toEqual(Object.keys(en).sort())
    for (const [key, value] of Object.entries(own)) expect(value.trim(), key).not.toBe('')
    // Nothing fell through to English: a translation for every key.
    if (tag !== 'pt-PT') expect(Object.keys(own).sort()).toEqual(Object.keys(en).sort())
  })

  it.each(catalogs)('%s has exactly the placeholders of each English string', (tag) => {
    const own = SERVER_CATALOGS[tag as keyof typeof SERVER_CATALOGS]
    for (const [key, value] of Object.entries(own) as [keyof ServerMessages, string][])
      expect(placeholders(value), `${tag}.${key}`).toEqual(placeholders(en[key]))
  })
})

describe('languageFor', () => {
  it('resolves the fallback chain and keeps the tag for formats', () => {
    const portugal = languageFor('pt-PT')
    expect(portugal.locale).toBe('pt-PT')
    expect(portugal.messages.reschedule).toBe('Remarcar')
    // What Portugal says like Brazil comes from pt.
    expect(portugal.messages.cancel).toBe('Cancelar')
    expect(languageFor('pt-BR').messages.reschedule).toBe('Reagendar')
    expect(languageFor('zh-CN').messages.cancel).toBe('取消')
    expect(languageFor('fr-CA')).toMatchObject({ locale: 'fr-CA', dir: 'ltr' })
    expect(languageFor('ar-EG')).toMatchObject({ locale: 'ar-EG', dir: 'rtl' })
  })

  it('is English (en-US) for no locale, an untranslated one or garbage, unless a fallback is given', () => {
    for (const tag of [undefined, null, '', 'ko-KR', 'zh-TW', 'not a tag'])
      expect(languageFor(tag)).toMatchObject({ locale: 'en-US', dir: 'ltr', messages: en })
    expect(languageFor('en-GB').locale).toBe('en-GB')
    expect(languageFor('ko-KR', 'de').messages.cancel).toBe('Absagen')
    expect(languageFor(null, 'ko').locale).toBe('en-US')
  })

  it('fills placeholders', () => {
    expect(fill(en.forYou, { city: 'Paris', time: 'noon' })).toBe('For you (Paris): noon')
    expect(fill('{unknown} stays', {})).toBe('{unknown} stays')
  })
})

describe('preferredLocale (Accept-Language)', () => {
  it.each([
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', 'fr-CH'],
    ['ko-KR, ja;q=0.8, en;q=0.5', 'ja'],
    ['en;q=0.3, de;q=0.9', 'de'],
    ['ko, th', undefined],
    ['*', undefined],
    ['fr;q=0, en', 'en'],
    ['zh-Hant-TW, zh-Hans;q=0.5', 'zh-Hans'],
    ['de;q=abc, pl', 'pl'],
    ['', undefined],
    [undefined, undefined],
    [`${'x'.repeat(2000)}`, undefined],
  ])('%j → %s', (header, expected) => {
    expect(preferredLocale(header)).toBe(expected)
  })
})
