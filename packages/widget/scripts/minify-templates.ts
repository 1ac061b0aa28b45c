import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'

/**
 * Collapses the formatting whitespace inside lit's `html` and `css` tagged
 * templates, which esbuild's minifier leaves alone (it cannot know the tags'
 * semantics). Runs of whitespace become one space; whitespace that contains a
 * line break between two tags (`>\n  <`) disappears, as do the quotes around
 * attribute values of word characters, and CSS around braces, semicolons and
 * commas (with a few more shortenings, see `squeeze`). `<textarea>`/`<pre>`
 * content is not used in the widget's templates, so no element needs its
 * whitespace kept.
 */
export function minifyTemplates(source: string): string {
  let out = ''
  let i = 0
  // Stack of contexts: 'code' (with brace depth), or a template (minified or not).
  const stack: Array<
    { kind: 'code'; depth: number } | { kind: 'tpl'; tag: 'html' | 'css' | null }
  > = [{ kind: 'code', depth: 0 }]
  let text = ''
  const flushText = (tag: 'html' | 'css' | null) => {
    out += tag ? squeeze(text, tag) : text
    text = ''
  }
  while (i < source.length) {
    const top = stack[stack.length - 1]!
    const ch = source[i]!
    if (top.kind === 'tpl') {
      if (ch === '\\') {
        text += source.slice(i, i + 2)
        i += 2
      } else if (ch === '`') {
        flushText(top.tag)
        out += ch
        stack.pop()
        i++
      } else if (ch === '$' && source[i + 1] === '{') {
        flushText(top.tag)
        out += '${'
        stack.push({ kind: 'code', depth: 0 })
        i += 2
      } else {
        text += ch
        i++
      }
      continue
    }
    // Code.
    if (ch === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i)
      const stop = end === -1 ? source.length : end
      out += source.slice(i, stop)
      i = stop
    } else if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2) + 2
      out += source.slice(i, end)
      i = end
    } else if (ch === "'" || ch === '"') {
      let j = i + 1
      while (j < source.length && source[j] !== ch) j += source[j] === '\\' ? 2 : 1
      out += source.slice(i, j + 1)
      i = j + 1
    } else if (ch === '`') {
      const tag = /(?:^|[^\w$])(html|css)\s*$/.exec(out)?.[1] as 'html' | 'css' | undefined
      out += ch
      stack.push({ kind: 'tpl', tag: tag ?? null })
      i++
    } else if (ch === '{') {
      top.depth++
      out += ch
      i++
    } else if (ch === '}') {
      if (top.depth === 0 && stack.length > 1) stack.pop()
      else top.depth--
      out += ch
      i++
    } else {
      out += ch
      i++
    }
  }
  return out
}

function squeeze(text: string, tag: 'html' | 'css'): string {
  if (tag === 'html') {
    return (
      text
        .replace(/>\s*\n\s*</g, '><')
        .replace(/\s+/g, ' ')
        // A segment that starts with ` >` follows an attribute binding: the tag
        // ends (text never starts with `>` here; it would be written `&gt;`).
        .replace(/^ >/, '>')
        // `part="button"` → `part=button`: HTML needs no quotes around a value of
        // word characters; only before a space or `>` (`a=b/>` would read `b/`).
        .replace(/(\s[\w-]+)="([\w-]+)"(?=[\s>])/g, '$1=$2')
    )
  }
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/([\w-]):\s+/g, '$1:')
      .replace(/;}/g, '}')
      // `0.75` → `.75`; `calc(x * .75)` → `calc(x*.75)` (only before a number:
      // `* ` can also be the universal selector); `[a='b']` → `[a=b]` for an
      // identifier value; ` !important` → `!important`.
      .replace(/(^|[^\w.])0\.(\d)/g, '$1.$2')
      .replace(/ ([*/]) (?=\.?\d)/g, '$1')
      .replace(/\[([\w-]+)='([a-z][\w-]*)'\]/gi, '[$1=$2]')
      .replace(/ !important/g, '!important')
  )
}

/** The esbuild plugin applying {@link minifyTemplates} to the widget's own sources. */
export function minifyTemplatesPlugin(): Plugin {
  return {
    name: 'slotkit-minify-templates',
    setup(build) {
      build.onLoad({ filter: /[\\/]widget[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8')
        if (!/\b(html|css)`/.test(source)) return undefined
        return { contents: minifyTemplates(source), loader: 'ts' }
      })
    },
  }
}
