import { describe, expect, test } from 'vitest'
import { de, en, registerMessages, resolveMessages, translate } from './catalog'

describe('message catalog', () => {
  test('has every English key in German, none left empty', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort())
    for (const value of Object.values(de)) expect(value.trim()).not.toBe('')
  })

  test('keeps the same placeholders in every language', () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort()
    for (const key of Object.keys(en) as Array<keyof typeof en>)
      expect(names(de[key])).toEqual(names(en[key]))
  })

  test('picks the catalog by language and falls back to English', () => {
    expect(resolveMessages('de-AT').confirm).toBe(de.confirm)
    expect(resolveMessages('en-GB').confirm).toBe(en.confirm)
    expect(resolveMessages('ja').confirm).toBe(en.confirm)
  })

  test('lets a page register another language, key by key', () => {
    registerMessages('fr', { confirm: 'Réserver' })
    expect(resolveMessages('fr-CA').confirm).toBe('Réserver')
    expect(resolveMessages('fr').back).toBe(en.back)
  })

  test('fills placeholders and leaves unknown ones alone', () => {
    expect(translate('{count} times on {date}', { count: 3, date: 'Monday' })).toBe(
      '3 times on Monday',
    )
    expect(translate('{x} stays', {})).toBe('{x} stays')
  })
})
