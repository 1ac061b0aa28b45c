/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** The language of a page: its `lang` and `dir` attributes. */
export interface PageLanguage {
  readonly locale: string
  readonly dir: 'ltr' | 'rtl'
}

const ENGLISH: PageLanguage = { locale: 'en', dir: 'ltr' }

/** A minimal page: no framework, works with any browser. */
export function page(
  title: string,
  body: string,
  script = '',
  language: PageLanguage = ENGLISH,
): string {
  return `<!doctype html>
<html lang="${escapeHtml(language.locale)}" dir="${language.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.5rem; } a { color: #0a58ca; }
  button { font: inherit; padding: .4rem .8rem; margin: .2rem; border-radius: .4rem; border: 1px solid #0a58ca; background: #fff; color: #0a58ca; cursor: pointer; }
  button.primary { background: #0a58ca; color: #fff; }
  label { display: block; margin: .6rem 0 .2rem; } input, textarea, select { font: inherit; width: 100%; box-sizing: border-box; padding: .3rem; }
  .muted { color: #666; } .error { color: #b00020; } .ok { color: #0a7a2f; } #slots button { min-width: 6rem; }
</style>
</head>
<body>
${body}
${script ? `<script>${script}</script>` : ''}
</body>
</html>`
}
