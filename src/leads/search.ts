/**
 * Lead search over the FTS5 index `leads_fts` (name, email, company; kept by SQL triggers, see
 * migrations/0011_lead_derived_state.sql and docs/ARCHITECTURE.md "Scale").
 *
 * - Canonically equal text is equal: stored text and the query are both NFC (src/lib/text.ts); the
 *   tokenizer (unicode61, remove_diacritics 2) also folds decomposed accents.
 * - Case-insensitive beyond ASCII (É = é, Ω = ω) and diacritics folded for Latin letters ("jose" finds "José").
 * - Every part of the query (between spaces) must match the lead, its last word as a prefix (prefix
 *   matching while typing): "jo gm" finds "José, Acme GmbH"; a part with punctuation is a phrase, so
 *   "ana@acme" finds "ana@acme.com" but not "ana.lopez@other-acme.com".
 * - A query of punctuation only ("%", "_"), which the word index cannot hold, is looked for as it is.
 * - Ranked by bm25, a match in the name counting most, then email, then company, when the search matches at most
 *   RANKED_MATCHES of the organization's leads; a broader one (a first letter or two, a common surname) lists the
 *   most recently added matches first, walking the index in that order and stopping at a page, since ranking would
 *   score every match first (BENCHMARKS.md). Its total is then shown as "1,000+".
 * - Only the organization's leads are matched and ranked: the index holds each lead's organization as one token
 *   (`org_key`, migrations/0016_search_per_organization.sql), so another organization's matches cost nothing.
 */
import { sql, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { leads } from '../db/schema'

/** A search matching more of an organization's leads than this is listed newest first, not ranked. */
export const RANKED_MATCHES = 1_000

/** bm25 weights of the name, email and company columns (the organization's token counts nothing). */
const RANK = sql.raw('bm25(leads_fts, 10.0, 4.0, 2.0, 0.0)')

/** The organization `orgId`'s token in the index's `org_key` column: 'o' and the id's hex digits. */
export function orgToken(orgId: string): string {
  return `o${orgId.replaceAll('-', '').toLowerCase()}`
}

/** `match` (from `matchExpression`) in the name, email and company of organization `orgId`'s leads only. */
export function inOrganization(match: string, orgId: string): string {
  return `{name email company} : (${match}) AND org_key : ${orgToken(orgId)}`
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu

/**
 * The FTS5 MATCH expression for what someone typed: each space-separated part as a phrase of its
 * words (letters, digits and their combining marks), its last word a prefix; all parts required.
 * Null when `q` holds no word (only punctuation).
 * @example matchExpression('José  ana@acme') // '"josé"* "ana acme"*'
 */
export function matchExpression(q: string): string | null {
  const phrases = q
    .normalize('NFC')
    .toLowerCase()
    .split(/\s+/)
    .map((part) => part.match(WORD))
    .filter((words) => words !== null)
  if (phrases.length === 0) return null
  return phrases.map((words) => `"${words.join(' ')}"*`).join(' ')
}

/** SQL on `leads`: the lead, of organization `orgId`, matches the search text `q`. */
export function matchesSearch(q: string, orgId: string): SQL {
  const match = matchExpression(q)
  // Punctuation only: as typed, among the leads the caller's other conditions (organization) select.
  if (!match)
    return sql`instr(${leads.name} || ' ' || ${leads.email} || ' ' || ${leads.company}, ${q.normalize('NFC')}) > 0`
  return sql`${leads}.rowid IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ${inOrganization(match, orgId)})`
}

/**
 * Whether `match` (from `matchExpression`) matches more than RANKED_MATCHES of organization `orgId`'s leads
 * (archived ones included): read from the word index alone, stopping at RANKED_MATCHES + 1 matches.
 */
export async function isBroad(db: Database, match: string, orgId: string): Promise<boolean> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM leads_fts
    WHERE leads_fts MATCH ${inOrganization(match, orgId)} LIMIT ${RANKED_MATCHES + 1})`)
  return Number(row?.n ?? 0) > RANKED_MATCHES
}

/**
 * How a page of search results for `match` among organization `orgId`'s leads is read: the join of `leads_fts`
 * to `leads`, the order and, after the lead `cursor` of a previous page, the condition keeping only the leads
 * after it in that order, so pages follow it without repeats or gaps.
 * - Ranked (`broad` false): by bm25 (ascending: best first), then id descending.
 * - Broad: most recently added first (the index's rowid descending, which it reads in order).
 */
export function searchOrder(match: string, orgId: string, broad: boolean, cursor?: string) {
  const scoped = inOrganization(match, orgId)
  const on = sql`leads_fts.rowid = ${leads}.rowid AND leads_fts MATCH ${scoped}`
  const cursorRowid = sql`(SELECT rowid FROM ${leads} WHERE ${leads.id} = ${cursor})`
  if (broad) {
    const after = cursor ? sql`leads_fts.rowid < ${cursorRowid}` : undefined
    return { table: sql`leads_fts`, on, order: [sql`leads_fts.rowid DESC`], after }
  }
  const cursorRank = sql`(SELECT ${RANK} FROM leads_fts WHERE leads_fts MATCH ${scoped}
    AND leads_fts.rowid = ${cursorRowid})`
  const after = cursor
    ? sql`(${RANK} > ${cursorRank} OR (${RANK} = ${cursorRank} AND ${leads.id} < ${cursor}))`
    : undefined
  return { table: sql`leads_fts`, on, order: [RANK, sql`${leads.id} DESC`], after }
}
