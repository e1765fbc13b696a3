/**
 * One-time form tokens (idempotency keys) for creates. Every create form carries a hidden
 * `formToken` (a UUIDv7 made when the form is rendered); the create records the token in the same
 * D1 batch as what it creates, under a unique (scope, key). A repeat of the same form (double click,
 * a retry over a slow connection) finds the token, creates nothing and answers with the first
 * result; two simultaneous repeats cannot both create, since the second batch fails on the key and
 * is rolled back whole. A request without a token (an old form, curl) is not de-duplicated.
 * A token may carry a fingerprint of its request (the API's `Idempotency-Key`): a repeat whose fingerprint
 * differs is refused (422) instead of answered with the first result.
 */
import { and, eq, lt } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { z } from 'zod'
import type { Database } from './client'
import { formTokens } from './schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'

/** How long a used token is remembered (ms): repeats later than this create again. */
export const FORM_TOKEN_TTL_MS = 24 * 3600_000

/** Name of the hidden field that carries the token. */
export const FORM_TOKEN_FIELD = 'formToken'

/** A fresh token for a form being rendered. */
export function newFormToken(): string {
  return newId()
}

/** The shape a token must have to be used; anything else is ignored (no de-duplication). */
const tokenSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{8,100}$/)

/**
 * The `formToken` field of a create form's zod schema (for `parseForm`): the token, or undefined when it is
 * missing or malformed (never a 422: such a post is just not de-duplicated).
 */
export const formTokenField = tokenSchema.optional().catch(undefined)

/**
 * A used-token record's identity: where the create happens (`scope`) and the token (`key`); `fingerprint` (no
 * spaces, e.g. a SHA-256 hex) stands for what the request asked, so a repeat asking something else is refused.
 */
export type FormToken = { scope: string; key: string; fingerprint?: string }

/** The sentence a repeat with a used token and another request gets (422). */
export const TOKEN_REUSED =
  'This idempotency key was already used for a different request, so nothing was saved. Send a new key with a new request.'

/**
 * The token of a submitted form (`fields.formToken`) within `scope` (an organization id, or
 * `user:{userId}` for creates outside an organization), or null when it is missing or malformed.
 */
export function formTokenOf(fields: Record<string, unknown>, scope: string): FormToken | null {
  const parsed = tokenSchema.safeParse(fields[FORM_TOKEN_FIELD])
  return parsed.success ? { scope, key: parsed.data } : null
}

/**
 * Where the first create with `token` sent the person, or null when the token is unused. The stored `location`
 * is followed by ` {fingerprint}` when the token has one.
 * @throws Refusal 422 (TOKEN_REUSED, field `idempotency-key`) when the first create had another fingerprint
 */
async function firstResult(db: Database, token: FormToken): Promise<string | null> {
  const row = await db
    .select({ location: formTokens.location })
    .from(formTokens)
    .where(and(eq(formTokens.scope, token.scope), eq(formTokens.key, token.key)))
    .get()
  if (!row) return null
  const [location = '', fingerprint] = row.location.split(' ')
  if (token.fingerprint && fingerprint && fingerprint !== token.fingerprint)
    throw new Refusal(422, TOKEN_REUSED, { field: 'idempotency-key' })
  return location
}

/**
 * Statements to put FIRST in a create's batch: they record `token` with the create's `location`
 * and make the batch fail (unique key) when a concurrent repeat recorded it first.
 */
export type RememberToken = (location: string) => BatchItem<'sqlite'>[]

/**
 * Runs `create` once per token: `create` receives `remember`, whose statements it must run in the
 * same batch as what it creates, and returns the location of the result (e.g. `/o/acme/leads/{id}`).
 * A repeat of a used token returns the first location without calling `create` (or, when it raced
 * the first, after its own batch failed on the key and changed nothing).
 * @returns the location to send the person to
 * @throws Refusal 422 when the token was used with another fingerprint (also when that use raced this one)
 */
export async function once(
  db: Database,
  token: FormToken | null,
  create: (remember: RememberToken) => Promise<string>,
  now = Date.now(),
): Promise<string> {
  if (!token) return create(() => [])
  const earlier = await firstResult(db, token)
  if (earlier) return earlier
  const remember: RememberToken = (location) => [
    db.insert(formTokens).values({
      scope: token.scope,
      key: token.key,
      location: token.fingerprint ? `${location} ${token.fingerprint}` : location,
      createdAt: now,
    }),
  ]
  try {
    return await create(remember)
  } catch (error) {
    // A concurrent repeat recorded the token first: this batch failed on the key and wrote nothing.
    const first = await firstResult(db, token)
    if (first) return first
    throw error
  }
}

/** Deletes tokens older than FORM_TOKEN_TTL_MS (the cron's chore). @returns how many were deleted */
export async function pruneFormTokens(db: Database, now = Date.now()): Promise<number> {
  const result = await db
    .delete(formTokens)
    .where(lt(formTokens.createdAt, now - FORM_TOKEN_TTL_MS))
    .run()
  return result.meta.changes ?? 0
}
