import { describe, expect, test } from 'vitest'
import { themeStyles, widgetStyles } from './widget-styles'

describe('the styles', () => {
  test('use logical properties only, so dir="rtl" mirrors the layout', () => {
    const text = `${themeStyles.cssText}\n${widgetStyles.cssText}`
    expect(text).toContain('margin-inline-end')
    const physical =
      /\b(margin|padding|border|inset)-(left|right|top|bottom)\b|[\s;{](left|right|top|bottom)\s*:|\b(text-align|float|clear)\s*:\s*(left|right)\b/g
    expect(text.match(physical) ?? []).toEqual([])
  })
})
