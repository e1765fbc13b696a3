/**
 * The text of an HTML-only email (parse.ts), read with the platform's streaming HTML parser (`HTMLRewriter`): the
 * document's text in order, a line break around block elements and at `<br>`, nothing of `<script>`, `<style>` or
 * `<head>`, entities decoded. The HTML itself is never kept or rendered.
 */

const BLOCKS = 'p, div, li, tr, h1, h2, h3, h4, h5, h6, blockquote, table, ul, ol, pre, hr, br'
const HIDDEN = 'script, style, head, title, template'
const VOID = new Set(['br', 'hr'])

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** `text` with its character references (`&amp;`, `&#233;`, `&#xe9;`) decoded; unknown names kept as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd'
  })
}

/** The text of `html`: lines trimmed, at most one empty line between paragraphs. */
export async function htmlToText(html: string): Promise<string> {
  const parts: string[] = []
  let hidden = 0
  const rewriter = new HTMLRewriter()
    .on(HIDDEN, {
      element(el) {
        hidden++
        el.onEndTag(() => void hidden--)
      },
    })
    .on(BLOCKS, {
      element(el) {
        parts.push('\n')
        if (!VOID.has(el.tagName)) el.onEndTag(() => void parts.push('\n'))
      },
    })
    .onDocument({
      text(chunk) {
        if (hidden === 0) parts.push(chunk.text.replace(/[ \t\r\n\f]+/g, ' '))
      },
    })
  await rewriter.transform(new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } })).text()
  return decodeEntities(parts.join(''))
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
