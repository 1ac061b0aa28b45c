import { readdirSync } from 'node:fs'
import { TRANSLATED_LOCALES } from '@slotkit/core/format'
import { describe, expect, test } from 'vitest'
import {
  directionOf,
  en,
  type LocaleCatalog,
  loadLocale,
  type MessageKey,
  type PluralMessage,
  registerLocale,
  registerMessages,
  resolveMessages,
  setLocaleLoader,
  translate,
} from './catalog'

const localesDir = new URL('./locales/', import.meta.url)
const files = readdirSync(localesDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
/** Every built-in language module, by tag (its file name). */
const modules: Record<string, LocaleCatalog> = Object.fromEntries(
  await Promise.all(
    files.map(async (file) => {
      const tag = file.slice(0, -3)
      const module = (await import(`./locales/${file}`)) as { default: LocaleCatalog }
      return [tag, module.default] as const
    }),
  ),
)
const builtIn = Object.entries(modules)

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort()
const isPlural = (value: unknown): value is PluralMessage =>
  typeof value === 'object' && value !== null && 'other' in value

describe('the built-in catalogs', () => {
  test("are exactly core's TRANSLATED_LOCALES (English built in), each under its own tag", () => {
    expect(Object.keys(modules).sort()).toEqual(
      TRANSLATED_LOCALES.filter((tag) => tag !== 'en').sort(),
    )
    for (const [tag, catalog] of builtIn) expect(catalog.locale).toBe(tag)
  })

  test.each(builtIn)('%s has every English key, no other, none empty', (_tag, catalog) => {
    expect(Object.keys(catalog.messages).sort()).toEqual(Object.keys(en).sort())
    for (const [key, value] of Object.entries(catalog.messages)) {
      const texts = isPlural(value) ? Object.values(value) : [value]
      for (const text of texts) expect(String(text).trim(), key).not.toBe('')
    }
  })

  test.each(builtIn)(
    '%s uses no placeholder the English string lacks, and drops none but {count}',
    (_tag, catalog) => {
      for (const key of Object.keys(en) as MessageKey[]) {
        const english = en[key]
        const translated = catalog.messages[key]!
        if (!isPlural(english)) {
          expect(placeholders(translated as string), key).toEqual(placeholders(english))
          continue
        }
        // A form may spell its number out ("وقتان", two), so {count} may be left out.
        const allowed = placeholders(Object.values(english).join(' '))
        const required = allowed.filter((p) => p !== '{count}')
        for (const [form, text] of Object.entries(translated as PluralMessage)) {
          const used = placeholders(text)
          expect(
            used.filter((p) => !allowed.includes(p)),
            `${key}.${form}`,
          ).toEqual([])
          expect(
            required.filter((p) => !used.includes(p)),
            `${key}.${form}`,
          ).toEqual([])
        }
      }
    },
  )

  test.each([['en', { locale: 'en', messages: en }] as const, ...builtIn])(
    "%s has a form for each of its plural categories (Intl.PluralRules'), and no other",
    (tag, catalog) => {
      const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories
      for (const key of Object.keys(en) as MessageKey[]) {
        const message = catalog.messages[key]
        if (!isPlural(message)) continue
        expect(Object.keys(message).sort(), key).toEqual([...categories].sort())
      }
    },
  )

  test('Polish, Arabic and Japanese need the plural categories the catalogs give them', () => {
    expect(new Intl.PluralRules('pl').resolvedOptions().pluralCategories.sort()).toEqual([
      'few',
      'many',
      'one',
      'other',
    ])
    expect(new Intl.PluralRules('ar').resolvedOptions().pluralCategories).toHaveLength(6)
    expect(new Intl.PluralRules('ja').resolvedOptions().pluralCategories).toEqual(['other'])
  })

  test('pt-PT differs from Brazilian Portuguese where Portugal says it differently', () => {
    const brazil = modules.pt!.messages
    const portugal = modules['pt-PT']!.messages
    expect(portugal.loading).toBe('A carregar…')
    expect(brazil.loading).toBe('Carregando…')
    expect(portugal.downloadIcs).toContain('ficheiro')
    expect(portugal.back).toBe(brazil.back)
  })
})

describe('plurals', () => {
  const timesFor = (tag: string, count: number) =>
    translate(modules[tag]!.messages.timesFor!, { count, date: 'D' }, tag)

  test('English says 1 time, 2 times', () => {
    expect(translate(en.timesFor, { count: 1, date: 'Monday' }, 'en')).toBe(
      '1 time available on Monday',
    )
    expect(translate(en.timesFor, { count: 2, date: 'Monday' }, 'en')).toBe(
      '2 times available on Monday',
    )
  })

  test('Polish picks one, few and many', () => {
    expect(timesFor('pl', 1)).toBe('D: 1 wolny termin')
    expect(timesFor('pl', 3)).toBe('D: 3 wolne terminy')
    expect(timesFor('pl', 5)).toBe('D: 5 wolnych terminów')
    expect(timesFor('pl', 22)).toBe('D: 22 wolne terminy')
    expect(timesFor('pl', 25)).toBe('D: 25 wolnych terminów')
  })

  test('Arabic picks zero, one, two, few, many and other', () => {
    const forms = modules.ar!.messages.timesFor!
    expect(timesFor('ar', 0)).toBe(forms.zero!.replace('{date}', 'D'))
    expect(timesFor('ar', 1)).toBe(forms.one!.replace('{date}', 'D'))
    expect(timesFor('ar', 2)).toBe(forms.two!.replace('{date}', 'D'))
    const number = (n: number) => n.toLocaleString('ar')
    expect(timesFor('ar', 3)).toBe(forms.few!.replace('{count}', number(3)).replace('{date}', 'D'))
    expect(timesFor('ar', 11)).toBe(
      forms.many!.replace('{count}', number(11)).replace('{date}', 'D'),
    )
    expect(timesFor('ar', 100)).toBe(
      forms.other!.replace('{count}', number(100)).replace('{date}', 'D'),
    )
  })

  test('Japanese has one form; numbers are written the locale’s way', () => {
    expect(timesFor('ja', 1)).toBe('Dの予約可能な時間：1件')
    expect(timesFor('ja', 1200)).toBe('Dの予約可能な時間：1,200件')
    expect(timesFor('fr', 1200)).toBe(`${(1200).toLocaleString('fr')} créneaux disponibles le D`)
  })

  test('fills placeholders and leaves unknown ones alone', () => {
    expect(translate('{count} times on {date}', { count: 3, date: 'Monday' })).toBe(
      '3 times on Monday',
    )
    expect(translate('{x} stays', {})).toBe('{x} stays')
  })
})

describe('resolving and loading', () => {
  test('an unknown language is English, without asking the loader', async () => {
    const asked: string[] = []
    setLocaleLoader((tag) => {
      asked.push(tag)
      return undefined
    })
    expect(await loadLocale('ko-KR')).toBe(false)
    expect(await loadLocale('zh-TW')).toBe(false)
    expect(asked).toEqual([])
    expect(resolveMessages('ko-KR')).toEqual(en)
  })

  test('loads the most specific built-in language once, through the loader, then uses it', async () => {
    const asked: string[] = []
    setLocaleLoader((tag) => {
      asked.push(tag)
      return import(`./locales/${tag}.ts`)
    })
    expect(resolveMessages('pt-AO').loading).toBe(en.loading)
    const [first, second] = await Promise.all([loadLocale('pt-AO'), loadLocale('pt-PT')])
    expect([first, second]).toEqual([true, true])
    // Angola falls back to Portugal's catalog (CLDR), which stands alone.
    expect(asked).toEqual(['pt-PT'])
    expect(resolveMessages('pt-AO').loading).toBe('A carregar…')
    expect(await loadLocale('pt-PT')).toBe(true)
    expect(asked).toEqual(['pt-PT'])

    expect(await loadLocale('zh-Hans-CN')).toBe(true)
    expect(asked).toEqual(['pt-PT', 'zh-Hans'])
    expect(resolveMessages('zh-CN').chooseTime).toBe('选择时间')
  })

  test('a language that fails to load leaves English, and is not fetched again', async () => {
    let calls = 0
    setLocaleLoader(() => {
      calls++
      return Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
    })
    expect(await loadLocale('sv-SE')).toBe(false)
    expect(await loadLocale('sv')).toBe(false)
    expect(calls).toBe(1)
    expect(resolveMessages('sv-SE').confirm).toBe(en.confirm)
  })

  test('a registered language is not fetched; page overrides win over it, key by key', async () => {
    let calls = 0
    setLocaleLoader(() => {
      calls++
      return undefined
    })
    registerLocale(modules.nl!)
    expect(await loadLocale('nl-BE')).toBe(true)
    expect(calls).toBe(0)
    registerMessages('nl-BE', { confirm: 'Boeken' })
    expect(resolveMessages('nl-BE').confirm).toBe('Boeken')
    expect(resolveMessages('nl-BE').back).toBe('Terug')
    expect(resolveMessages('nl').confirm).toBe(modules.nl!.messages.confirm)
  })

  test('the direction is that of the language the strings are in', () => {
    // Arabic is built in: right to left even before its strings arrive.
    expect(directionOf('ar-EG')).toBe('rtl')
    // Hebrew has no catalog: its page shows English, left to right, until it gets one.
    expect(directionOf('he-IL')).toBe('ltr')
    registerMessages('he', { confirm: 'קביעת פגישה' })
    expect(directionOf('he-IL')).toBe('rtl')
    expect(directionOf('fr-CA')).toBe('ltr')
    expect(directionOf('not a tag')).toBe('ltr')
  })

  test('a page can add a language of its own, key by key over English', () => {
    registerMessages('tr', { confirm: 'Randevuyu onayla' })
    expect(resolveMessages('tr-TR').confirm).toBe('Randevuyu onayla')
    expect(resolveMessages('tr').back).toBe(en.back)
  })
})
