/**
 * Pages as a person sees them: parses an answer's HTML with linkedom (a standards DOM) so tests ask
 * for elements, text and form values instead of searching the raw HTML.
 */
import { parseHTML } from 'linkedom'

/** The part of the DOM tests use (the project compiles without the DOM library's types). */
export interface Node {
  readonly textContent: string | null
  readonly tagName: string
  getAttribute(name: string): string | null
  hasAttribute(name: string): boolean
  querySelector(selector: string): Node | null
  querySelectorAll(selector: string): Iterable<Node> & { readonly length: number }
  closest(selector: string): Node | null
}

/** A parsed page: its body and the same queries as an element. */
export interface Page extends Omit<Node, 'tagName' | 'closest'> {
  readonly body: Node
  readonly title: string
}

/** The parsed document of a whole page or an htmx fragment. */
export function dom(html: string): Page {
  // A fragment (no <html>) is parsed as the body of an empty document.
  const source = /<html[\s>]/i.test(html) ? html : `<!DOCTYPE html><html><body>${html}</body></html>`
  return (parseHTML(source) as { document: Page }).document
}

/** The visible text of `node` (a page: its body), white space folded to one space and trimmed; '' for none. */
export function textOf(node: Node | Page | null | undefined): string {
  const target = node && 'body' in node ? node.body : node
  return (target?.textContent ?? '').replace(/\s+/g, ' ').trim()
}

/** The text of every element matching `selector` in `html`, in document order. */
export function texts(html: string, selector: string): string[] {
  return [...dom(html).querySelectorAll(selector)].map((el) => textOf(el))
}

/** The text of every alert (`role="alert"`) on `page` (a parsed page or its HTML), joined by a space; '' for none. */
export function alertOf(page: Page | string): string {
  const parsed = typeof page === 'string' ? dom(page) : page
  return [...parsed.querySelectorAll('[role="alert"]')].map((el) => textOf(el)).join(' ')
}

/**
 * What submitting `form` as shown sends, in order, as a browser would: each named input (a box or radio only when
 * checked), each select's selected option (else its first), each textarea's text. Buttons send nothing.
 */
export function formData(form: Node): URLSearchParams {
  const data = new URLSearchParams()
  for (const el of form.querySelectorAll('input[name], select[name], textarea[name]')) {
    const name = el.getAttribute('name')!
    if (el.tagName === 'SELECT') {
      const option = el.querySelector('option[selected]') ?? el.querySelector('option')
      if (option) data.append(name, option.getAttribute('value') ?? textOf(option))
    } else if (el.tagName === 'TEXTAREA') data.append(name, el.textContent ?? '')
    else {
      const type = el.getAttribute('type') ?? 'text'
      if (['checkbox', 'radio'].includes(type) && !el.hasAttribute('checked')) continue
      if (!['submit', 'button', 'reset'].includes(type)) data.append(name, el.getAttribute('value') ?? 'on')
    }
  }
  return data
}
