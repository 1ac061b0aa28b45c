// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the fixtures are source text containing template literals
import { describe, expect, test } from 'vitest'
import { minifyTemplates } from './minify-templates'

describe('template minifier', () => {
  test('squeezes html and css templates, nested ones too, and leaves other strings alone', () => {
    const source = [
      'const a = html`<div>\n    <p class="x">  ${flag ? html`<b>\n  on</b>` : `keep   this`}</p>\n  </div>`',
      "const b = '  html`not a template`  '",
      'const c = css`\n  .a {\n    color: red;\n  }\n`',
      '// a comment with a ` backtick',
      'const d = `plain   ${x}   text`',
    ].join('\n')
    const out = minifyTemplates(source)
    expect(out).toContain(
      'html`<div><p class=x> ${flag ? html`<b> on</b>` : `keep   this`}</p></div>`',
    )
    expect(out).toContain("'  html`not a template`  '")
    expect(out).toContain('css` .a{color:red}`')
    expect(out).toContain('`plain   ${x}   text`')
  })

  test('shortens numbers, calc operators, attribute values and !important in css', () => {
    const source =
      "css`\n  a[role='option'] { opacity: 0.8; margin: calc(var(--g) * 0.75) calc(var(--g) / 2); }\n  .a * .b { color: red !important; }\n  [x='1a'] { top: 10.5px }\n`"
    expect(minifyTemplates(source)).toBe(
      "css` a[role=option]{opacity:.8;margin:calc(var(--g)*.75) calc(var(--g)/2)}.a * .b{color:red!important}[x='1a']{top:10.5px}`",
    )
  })

  test('drops the space before the end of a tag that follows a binding', () => {
    expect(minifyTemplates('html`<button @click=${go}\n  >\n  Go</button>`')).toBe(
      'html`<button @click=${go}> Go</button>`',
    )
  })

  test('unquotes word-character attribute values, and only those', () => {
    const source =
      'html`<a part="button link" href="/x" class="primary" rel="noopener">x</a><input type="checkbox"/><i data-x="${v}" title="a-b"></i>`'
    expect(minifyTemplates(source)).toBe(
      'html`<a part="button link" href="/x" class=primary rel=noopener>x</a><input type="checkbox"/><i data-x="${v}" title=a-b></i>`',
    )
  })

  test('keeps the single space between an inline tag and text', () => {
    expect(minifyTemplates('html`${a} <span>*</span>`')).toBe('html`${a} <span>*</span>`')
  })
})
