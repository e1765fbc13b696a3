/**
 * The one set of rules for text people send (forms, CSV cells, any later API), as zod building
 * blocks and as a plain check for code that is not a zod schema:
 *
 * - Line breaks are the newline characters of the Unicode Standard (section 5.8): CR, LF, CRLF, NEL
 *   (U+0085), VT, FF, LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029); tab goes with them.
 *   A one-line field either refuses them (`singleLine`: Leadpool's own forms, where the person can
 *   remove them) or folds them (`foldedLine`: values other systems send, a CSV cell, the API, a
 *   website's form, where a customer's lead must not be lost for a line break): each run of white
 *   space holding one becomes one space, then the value is trimmed and checked; other runs of spaces
 *   are kept. Multi-line fields (notes, handoff notes, messages) keep them, line breaks stored as LF.
 * - The other C0 control characters (U+0000–U+0008, U+000E–U+001F, NUL included) and DEL (U+007F)
 *   cannot be meant and are refused in every field.
 * - The other C1 control characters (U+0080–U+009F but NEL) and the bidirectional embedding,
 *   override and isolate controls (U+202A–U+202E, U+2066–U+2069) are refused too: invisible, they can
 *   show a name reversed or reordered on every page and email that displays it ("Trojan Source",
 *   CVE-2021-42574).
 *   The marks U+200E / U+200F, which right-to-left text legitimately uses, are kept.
 * - Lone UTF-16 surrogates (a broken emoji, e.g. `"\uD83D"` in JSON) are refused.
 * - Every limit is a maximum in characters (UTF-16 code units, as the browser's `maxlength`
 *   counts), with one wording: `tooLong(label, max)`. Nothing is ever cut to fit.
 * - Single-line values are trimmed; multi-line values lose leading and trailing blank space.
 * - Text is stored in Unicode NFC, so canonically equal text ("é" typed as one character or as "e" and
 *   a combining accent) is equal everywhere: in searches (src/leads/search.ts), duplicate checks, sorting.
 *
 * Bytes that are not UTF-8 never reach these rules: the form parser refuses them first
 * (form-encoding.ts, used by lib/validation.ts).
 *
 * @example
 * const schema = z.object({ name: singleLine('name', 200, 'Enter the lead’s name'), phone: optionalSingleLine('phone number', 50) })
 */
import { z } from 'zod'

/** The one wording of a length limit, e.g. `Keep the handoff note to 2,000 characters or fewer.` */
export function tooLong(label: string, max: number): string {
  return `Keep the ${label} to ${max.toLocaleString('en-US')} characters or fewer.`
}

/** Refusal wording for a control character (NUL, escape, …) in `label`. */
export function controlCharacter(label: string): string {
  return `The ${label} contains a control character (such as NUL) that cannot be saved. Remove it and try again.`
}

/** Refusal wording for a line break or tab in a single-line `label`. */
export function lineBreak(label: string): string {
  return `The ${label} must be a single line: remove line breaks and tabs.`
}

/** Refusal wording for an invisible formatting character (C1 control, bidirectional override) in `label`. */
export function invisibleCharacter(label: string): string {
  return `The ${label} contains an invisible formatting character (such as a right-to-left override) that cannot be saved. Remove it and try again.`
}

/** Refusal wording for a lone surrogate (half of an emoji or symbol) in `label`. */
export function brokenCharacter(label: string): string {
  return `The ${label} contains a broken character (half of an emoji or symbol). Retype it and try again.`
}

// C0 controls and DEL that are not line breaks or tab: never text, in any kind of field.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/
// A line break (the newline characters of the Unicode Standard, section 5.8: CR, LF, CRLF, NEL, VT, FF,
// LINE SEPARATOR U+2028, PARAGRAPH SEPARATOR U+2029) or a tab.
const LINE_BREAK = /[\t\n\v\f\r\u0085\u2028\u2029]/
// A run of white space: a folded field turns one holding a line break into one space.
const SPACE_RUN = /[\s\u0085]+/g
// Every line break but tab, CRLF as one: what a multi-line field stores as LF.
const NEWLINE = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/g
// C1 controls but NEL (a line break), and the bidirectional embeddings, overrides and isolates.
const INVISIBLE = /[\u0080-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]/

/**
 * What a field does with line breaks and tabs: `refuse` them (one-line inputs of Leadpool's own forms, where
 * a person can remove them), `fold` them into one space (one-line values from other systems: CSV cells, the
 * API, websites' forms), or `keep` them, stored as LF (multi-line text: notes, messages).
 */
export type LineBreaks = 'refuse' | 'fold' | 'keep'

/**
 * Why `value`, as it will be stored (`normalizeText`), cannot be saved as `label`, or null when it can.
 * The same checks, in the same order, as the zod blocks below; for code that checks text outside a zod
 * schema (file names, CSV headers, the search).
 * @returns the message for the person who typed it, e.g. `tooLong('note', 2000)`
 */
export function textProblem(value: string, label: string, max: number, lines: LineBreaks = 'refuse'): string | null {
  if (CONTROL.test(value)) return controlCharacter(label)
  if (lines === 'refuse' && LINE_BREAK.test(value)) return lineBreak(label)
  if (INVISIBLE.test(value)) return invisibleCharacter(label)
  if (!value.isWellFormed()) return brokenCharacter(label)
  if (value.length > max) return tooLong(label, max)
  return null
}

/**
 * The stored form of a value: NFC and trimmed; in a `fold` field every line break or tab, with the white
 * space around it, becomes one space (other runs of spaces are kept); in a `keep` field line breaks become LF.
 */
export function normalizeText(value: string, lines: LineBreaks = 'refuse'): string {
  const unbroken =
    lines === 'fold'
      ? value.replace(SPACE_RUN, (run) => (LINE_BREAK.test(run) ? ' ' : run))
      : lines === 'keep'
        ? value.replace(NEWLINE, '\n')
        : value
  return unbroken.trim().normalize('NFC')
}

/** True when a `fold` field stores `value` changed by more than trimming: it has a line break or tab inside. */
export function hasLineBreak(value: string): boolean {
  return LINE_BREAK.test(value.trim())
}

function text(label: string, max: number, lines: LineBreaks) {
  return z
    .string()
    .overwrite((v) => normalizeText(v, lines))
    .check((ctx) => {
      const problem = textProblem(ctx.value, label, max, lines)
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value })
    })
}

/**
 * A required one-line text field of Leadpool's own forms, trimmed: refused when empty (`required`,
 * default `Enter the {label}`), with a control character, a line break or tab, a lone surrogate, or more
 * than `max` characters.
 */
export function singleLine(label: string, max: number, required = `Enter the ${label}`) {
  return text(label, max, 'refuse').check(z.minLength(1, required))
}

/** An optional one-line text field: like `singleLine`, but empty (or missing) is `''`. */
export function optionalSingleLine(label: string, max: number) {
  return text(label, max, 'refuse').default('')
}

/**
 * A required one-line value sent by another system (a CSV cell, the API, a website's form): like
 * `singleLine`, but its line breaks and tabs are folded into one space first (then the limit applies).
 */
export function foldedLine(label: string, max: number, required = `Enter the ${label}`) {
  return text(label, max, 'fold').check(z.minLength(1, required))
}

/** An optional folded one-line value: like `foldedLine`, but empty (or missing) is `''`. */
export function optionalFoldedLine(label: string, max: number) {
  return text(label, max, 'fold').default('')
}

/**
 * A required multi-line text field (notes, messages): line breaks and tabs allowed, line breaks stored
 * as LF; otherwise the rules of `singleLine`.
 */
export function multiLine(label: string, max: number, required = `Write the ${label}`) {
  return text(label, max, 'keep').check(z.minLength(1, required))
}

/** An optional multi-line text field: like `multiLine`, but empty (or missing) is `''`. */
export function optionalMultiLine(label: string, max: number) {
  return text(label, max, 'keep').default('')
}

/**
 * A secret typed by a person (a password): never trimmed or changed, so it is compared as typed;
 * control characters, line breaks and tabs, lone surrogates and more than `max` characters are refused.
 */
export function secretText(label: string, max: number) {
  return z.string().check((ctx) => {
    const problem = textProblem(ctx.value, label, max)
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value })
  })
}
