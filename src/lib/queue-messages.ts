/**
 * The bodies of Leadpool's queue messages, as JSON: what a producer puts on a queue and what its
 * consumer reads, possibly after a deploy changed the code in between. Plain types that import
 * nothing (a rule of .dependency-cruiser.cjs), so a message's shape never follows a table or a
 * validation schema by accident: changing a field here is changing a wire format, and a consumer must
 * still read the messages already on the queue. "Added in #N" names the issue that added a field; a
 * field without it has been in the message since its queue was created (the import `options` since
 * the mapping step, absent before it).
 */

/**
 * A message of `leadpool-email` (and of its dead-letter queue `leadpool-email-dlq`): send one outbox row.
 * - `outboxId`: id of the `email_outbox` row to send (UUIDv7).
 * - `orgId`: id of the organization the email belongs to, as on the row; null for an email of no
 *   organization (sign-up verification, password reset). Added in #22.
 */
export type EmailMessage = { outboxId: string; orgId: string | null }

/**
 * An email message as a consumer may receive it: one sent before #22 has no `orgId`, and must still
 * be handled (messages on the queue at deploy).
 */
export type ReceivedEmailMessage = Omit<EmailMessage, 'orgId'> & { orgId?: string | null }

/**
 * A message of `leadpool-webhooks`: make one attempt at a webhook delivery (src/webhooks/deliver.ts). Added in #30.
 * - `deliveryId`: id of the `webhook_deliveries` row (its `webhook-id`);
 * - `orgId`: the organization of the row.
 */
export type WebhookMessage = { deliveryId: string; orgId: string }

/** A lead status, as src/db/schema.ts `LEAD_STATUSES` lists them. */
type LeadStatusJson = 'new' | 'contacted' | 'qualified' | 'unqualified' | 'won' | 'lost'

/**
 * One row of a CSV import, cleaned and checked (src/imports/parse.ts):
 * - `row`: its 1-based line in the file, for the report;
 * - `name` (non-empty), `email`, `phone`, `company`, `source`: the lead's fields, one line each, `''` for none;
 * - `status`: the lead's status.
 */
export type ImportRowJson = {
  row: number
  name: string
  email: string
  phone: string
  company: string
  source: string
  status: LeadStatusJson
}

/**
 * The importer's choices on the mapping step (src/db/schema.ts `ImportOptions`):
 * - `routing`: where new leads go: `unassigned`, the `pool`, a `member` (`userId`, and `name` for the
 *   report), or `organization` (the organization's own routing, src/leads/routing.ts);
 * - `updateEmpty`: fill the empty phone, company and source of existing leads whose email a row repeats.
 */
export type ImportOptionsJson = {
  routing:
    { to: 'unassigned' } | { to: 'pool' } | { to: 'member'; userId: string; name: string } | { to: 'organization' }
  updateEmpty: boolean
}

/**
 * A message of `leadpool-import` asking to write one chunk of an import (src/imports/writer.ts):
 * - `jobId`: the `import_jobs` row; `orgId`: its organization; `actorId`: the user importing (creator
 *   of the leads, actor of their activities);
 * - `seq`: 0-based position of the chunk in the job;
 * - `rows`: at most 100 rows (src/imports/writer.ts `ROWS_PER_CHUNK`);
 * - `options`: absent on chunks of imports made before the mapping step: unassigned, no updates.
 */
export type ImportWriteMessage = {
  jobId: string
  orgId: string
  actorId: string
  seq: number
  rows: ImportRowJson[]
  options?: ImportOptionsJson
}

/**
 * A message of `leadpool-import` asking to undo one written chunk (src/imports/undo.ts):
 * `kind: 'undo'`, the job's `jobId` and `orgId`, `actorId` (who undoes) and the chunk's `seq`.
 */
export type ImportUndoMessage = { kind: 'undo'; jobId: string; orgId: string; actorId: string; seq: number }

/** A message of `leadpool-import` (and of `leadpool-import-dlq`): a chunk to write, or one to undo. */
export type ImportChunkMessage = ImportWriteMessage | ImportUndoMessage
