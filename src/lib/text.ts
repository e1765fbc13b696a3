/**
 * The one set of rules for text people send (forms, CSV cells, any later API), as zod building
 * blocks and as a plain check for code that is not a zod schema:
 *
 * - C0 control characters (U+0000–U+001F, NUL included) and DEL (U+007F) are refused; line breaks
 *   and tabs only in multi-line fields (notes, handoff notes, messages), whose CRLF / CR line
 *   breaks are stored as LF.
 * - C1 control characters (U+0080–U+009F) and the bidirectional embedding, override and isolate
 *   controls (U+202A–U+202E, U+2066–U+2069) are refused too: invisible, they can show a name reversed
 *   or reordered on every page and email that displays it ("Trojan Source", CVE-2021-42574).
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

// Every C0 control and DEL; the multi-line variant leaves out tab (09), LF (0A) and CR (0D).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/
// eslint-disable-next-line no-control-regex
const CONTROL_NOT_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const LINE = /[\t\n\r]/
// C1 controls, and the bidirectional embeddings, overrides and isolates.
const INVISIBLE = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/

/** What kind of field a value is typed into. */
export type TextKind = { multiLine?: boolean }

/**
 * Why `value` (as it will be stored: trimmed, line breaks as LF) cannot be saved as `label`, or
 * null when it can. The same checks, in the same order, as the zod blocks below; for code that
 * checks text outside a zod schema (file names, CSV headers).
 * @returns the message for the person who typed it, e.g. `tooLong('note', 2000)`
 */
export function textProblem(value: string, label: string, max: number, kind: TextKind = {}): string | null {
  if (kind.multiLine) {
    if (CONTROL_NOT_LINE.test(value)) return controlCharacter(label)
  } else if (CONTROL.test(value)) {
    return LINE.test(value) && !CONTROL_NOT_LINE.test(value) ? lineBreak(label) : controlCharacter(label)
  }
  if (INVISIBLE.test(value)) return invisibleCharacter(label)
  if (!value.isWellFormed()) return brokenCharacter(label)
  if (value.length > max) return tooLong(label, max)
  return null
}

/** The stored form of a value: NFC; single lines trimmed; multi-line text with LF line breaks, trimmed. */
export function normalizeText(value: string, kind: TextKind = {}): string {
  return (kind.multiLine ? value.replace(/\r\n?/g, '\n') : value).trim().normalize('NFC')
}

function text(label: string, max: number, kind: TextKind) {
  return z
    .string()
    .overwrite((v) => normalizeText(v, kind))
    .check((ctx) => {
      const problem = textProblem(ctx.value, label, max, kind)
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value })
    })
}

/**
 * A required one-line text field, trimmed: refused when empty (`required`, default
 * `Enter the {label}`), with a control character, a line break or tab, a lone surrogate, or more
 * than `max` characters.
 */
export function singleLine(label: string, max: number, required = `Enter the ${label}`) {
  return text(label, max, {}).check(z.minLength(1, required))
}

/** An optional one-line text field: like `singleLine`, but empty (or missing) is `''`. */
export function optionalSingleLine(label: string, max: number) {
  return text(label, max, {}).default('')
}

/**
 * A required multi-line text field (notes, messages): line breaks and tabs allowed and stored as
 * LF; otherwise the rules of `singleLine`.
 */
export function multiLine(label: string, max: number, required = `Write the ${label}`) {
  return text(label, max, { multiLine: true }).check(z.minLength(1, required))
}

/** An optional multi-line text field: like `multiLine`, but empty (or missing) is `''`. */
export function optionalMultiLine(label: string, max: number) {
  return text(label, max, { multiLine: true }).default('')
}

/**
 * A secret typed by a person (a password): never trimmed or changed, so it is compared as typed;
 * control characters, lone surrogates and more than `max` characters are refused.
 */
export function secretText(label: string, max: number) {
  return z.string().check((ctx) => {
    const problem = textProblem(ctx.value, label, max)
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value })
  })
}
