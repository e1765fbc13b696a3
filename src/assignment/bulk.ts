/**
 * Bulk assignment: many leads to one member (or unassigned) in one atomic D1 batch, so either every
 * selected lead is assigned or none is. Set-based: each step is one statement over a bound JSON array
 * read with `json_each` (at most JSON_ROWS rows each), so 5,000 leads take a handful of reads and about a
 * dozen statements, far under D1's 100 parameters per statement and 1,000 statements per invocation
 * (docs/ARCHITECTURE.md "Scale"). Each changed lead gets the same rows and activity as a single
 * assignment (assign.ts); leads already with that assignee are left alone. The assignee gets one
 * notification (and email) for the lot, and each previous assignee one for the leads taken from them
 * (the notification fan-out).
 */
import { and, desc, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { retryInUnit, type Unit } from '../access/unit'
import { runBatch, type Database } from '../db/client'
import { holdersAre, primariesAre, unlessChanged } from '../db/guard'
import { inIdSet } from '../db/id-sets'
import { selectInto } from '../db/insert-select'
import { newId } from '../lib/ids'
import { activities, formerAssignees, leadAssignees, leads, notes, users } from '../db/schema'
import { sameOrg } from '../db/tenancy'
import { chunk } from '../lib/chunk'
import { Refusal } from '../lib/errors'
import { archiveScope } from '../leads/archive-scope'
import { listLeads, type LeadFilters } from '../leads/list-query'
import { type Viewer } from '../access/viewer'
import { canAssign, visibleLeads } from '../leads/policy'
import { sameHolders } from '../leads/holders'
import { assignableMember, type Member } from '../orgs/members'
import { fanOut, type NotificationEvent } from '../notifications/fan-out'
import { handoffNote, ONE_PRIMARY, refuseUnsentNote } from './assign'
import { handoffChange, recentOwners } from './handoffs'

/** At most this many leads in one bulk action. */
export const MAX_BULK = 5_000

/**
 * The leads a bulk action works on: ids ticked on the list (with `shown`, the holders each ticked row showed, by
 * lead id: sorted user ids, leads/holders.ts; a lead without an entry is not checked), or every lead matching the
 * filters, planned against the state at the moment of the action.
 */
export type BulkSelection = { leadIds: string[]; shown?: Map<string, string[]> } | { filters: LeadFilters }

/**
 * The selected leads whose holders are still those their rows showed (`kept`, with the `expected` holders for the
 * batch's guard, db/guard.ts `holdersAre`) and those that changed hands since (`moved`), read now.
 */
export async function unmovedLeads(
  db: Database,
  orgId: string,
  selected: LeadRef[],
  selection: BulkSelection,
): Promise<{ kept: LeadRef[]; moved: LeadRef[]; expected: [string, string[]][] }> {
  const shown = 'leadIds' in selection ? selection.shown : undefined
  const checked = shown ? selected.filter((l) => shown.has(l.id)) : []
  if (!shown || checked.length === 0) return { kept: selected, moved: [], expected: [] }
  const rows = await db
    .select({ leadId: leadAssignees.leadId, userId: leadAssignees.userId })
    .from(leadAssignees)
    .where(
      and(
        sameOrg(leadAssignees.orgId, orgId),
        inIdSet(
          leadAssignees.leadId,
          checked.map((l) => l.id),
        ),
      ),
    )
    .all()
  const now = new Map<string, string[]>()
  for (const r of rows) now.set(r.leadId, [...(now.get(r.leadId) ?? []), r.userId])
  const holdersNow = (id: string) => (now.get(id) ?? []).sort()
  const moved = checked.filter((l) => !sameHolders(holdersNow(l.id), shown.get(l.id)))
  const gone = new Set(moved.map((l) => l.id))
  return {
    kept: selected.filter((l) => !gone.has(l.id)),
    moved,
    expected: checked.filter((l) => !gone.has(l.id)).map((l) => [l.id, shown.get(l.id)!]),
  }
}

/**
 * "2 leads changed hands since you loaded the page: Acme, Beta. Not changed." ('' when none did).
 */
export function movedWording(moved: { name: string }[]): string {
  if (moved.length === 0) return ''
  const n = moved.length
  return `${n.toLocaleString('en')} ${n === 1 ? 'lead' : 'leads'} changed hands since you loaded the page: ${namesList(moved.map((l) => l.name))}. ${n === 1 ? 'It was' : 'They were'} not changed.`
}

/**
 * Refuses a bulk action every ticked lead of which changed hands since the page was loaded: nothing is left to do.
 * The list it answers with shows who holds them now, so sending the same action again from it goes ahead.
 * @throws Refusal 409 naming them, when `kept` is empty and `moved` is not
 */
export function refuseAllMoved(kept: LeadRef[], moved: LeadRef[]): void {
  if (kept.length > 0 || moved.length === 0) return
  throw new Refusal(
    409,
    `${movedWording(moved)} The list shows who holds ${moved.length === 1 ? 'it' : 'them'} now: send it again to go ahead anyway.`,
  )
}

type LeadRef = { id: string; name: string }

/** Rows per bound JSON array: keeps each one well under D1's 2 MB per value (activities carry their data). */
const JSON_ROWS = 1_000

/** `items` in arrays of at most JSON_ROWS, each bound as one JSON parameter. */
function jsonChunks<T>(items: T[]): T[][] {
  return chunk(items, JSON_ROWS)
}

/**
 * The selected leads `viewer` may see (unknown or foreign ids, and archived leads, are dropped), in list
 * order.
 * @throws Refusal 422 when nothing is selected, more than MAX_BULK leads are, or "all matching" the
 *   Archived filter is asked for (archived leads are restored one by one, never changed in bulk)
 */
export async function selectLeads(db: Database, viewer: Viewer, selection: BulkSelection): Promise<LeadRef[]> {
  const found: LeadRef[] = []
  if ('leadIds' in selection) {
    const ids = [...new Set(selection.leadIds)]
    if (ids.length > MAX_BULK) throw new Refusal(422, `Select at most ${MAX_BULK.toLocaleString('en')} leads at once.`)
    found.push(
      ...(await db
        .select({ id: leads.id, name: leads.name })
        .from(leads)
        .where(and(inIdSet(leads.id, ids), visibleLeads(db, viewer), archiveScope()))
        .orderBy(desc(leads.id))
        .all()),
    )
  } else {
    if (selection.filters.archived)
      throw new Refusal(422, 'Archived leads cannot be changed in bulk: restore them first.')
    let cursor: string | undefined
    do {
      const page = await listLeads({ db, viewer }, { ...selection.filters, cursor }, 1_000)
      found.push(...page.leads.map((l) => ({ id: l.id, name: l.name })))
      if (found.length > MAX_BULK)
        throw new Refusal(
          422,
          `These filters match more than ${MAX_BULK.toLocaleString('en')} leads: narrow them first.`,
        )
      cursor = page.nextCursor ?? undefined
    } while (cursor)
  }
  if (found.length === 0) throw new Refusal(422, 'Select at least one lead.')
  return found
}

/** Current primary assignee of each lead, by lead id. */
async function primaries(
  db: Database,
  orgId: string,
  ids: string[],
): Promise<Map<string, { id: string; name: string }>> {
  const rows = await db
    .select({ leadId: leads.id, id: users.id, name: users.name })
    .from(leads)
    .innerJoin(users, eq(users.id, leads.primaryAssigneeId))
    .where(and(sameOrg(leads.orgId, orgId), inIdSet(leads.id, ids)))
    .all()
  return new Map(rows.map((r) => [r.leadId, { id: r.id, name: r.name }]))
}

/**
 * The statements of a bulk assignment of `selected` to `target` (null = unassign) by `unit`'s member at
 * `unit.now`, with `handoff`'s note, without running them: `changed` lists the leads whose assignee changes.
 */
export async function planBulkAssign(
  unit: Unit,
  selected: LeadRef[],
  target: Member | null,
  handoff: BulkOptions = {},
): Promise<{
  statements: BatchItem<'sqlite'>[]
  changed: LeadRef[]
  note: string
  transferred: number
  transferredFrom: string[]
  events: NotificationEvent[]
}> {
  const { db, viewer, now } = unit
  const current = await primaries(
    db,
    viewer.orgId,
    selected.map((l) => l.id),
  )
  const to = target ? { id: target.userId, name: target.name } : null
  const changed = selected.filter((l) => (current.get(l.id)?.id ?? null) !== (to?.id ?? null))
  const handedOver = changed.filter((l) => current.has(l.id))
  // Leads unassigned from someone else a moment ago change hands too (handoffs.ts).
  const recent = to
    ? await recentOwners(
        unit,
        changed.filter((l) => !current.has(l.id)).map((l) => l.id),
      )
    : new Map<string, { id: string; name: string }>()
  const previousOf = (l: LeadRef) => current.get(l.id) ?? recent.get(l.id) ?? null
  const transfers = to ? changed.filter((l) => previousOf(l) && previousOf(l)!.id !== to.id) : []
  // Required only when leads change hands; typed with any other change, it is kept all the same.
  const note = handoffNote(handoff.note, transfers.length > 0 && handoff.noteRequired)
  const ids = (list: LeadRef[]) => list.map((l) => l.id)
  // Planned on these primary assignees: the batch stops (and is planned again) if one changed.
  const statements: BatchItem<'sqlite'>[] = [
    unlessChanged(db, primariesAre(selected.map((l) => [l.id, current.get(l.id)?.id ?? null]))),
  ]

  for (const part of jsonChunks(ids(handedOver))) {
    statements.push(
      db.delete(leadAssignees).where(and(eq(leadAssignees.kind, 'primary'), inIdSet(leadAssignees.leadId, part))),
    )
  }
  for (const part of jsonChunks(handedOver.map((l) => [l.id, current.get(l.id)!.id]))) {
    statements.push(
      db
        .insert(formerAssignees)
        .select(
          selectInto(
            formerAssignees,
            { orgId: viewer.orgId, leadId: sql`value ->> 0`, userId: sql`value ->> 1`, endedAt: now },
            sql`FROM json_each(${JSON.stringify(part)}) WHERE true`,
          ),
        )
        .onConflictDoUpdate({
          target: [formerAssignees.leadId, formerAssignees.userId],
          set: { endedAt: sql`excluded.ended_at` },
        }),
    )
  }
  if (target) {
    for (const part of jsonChunks(ids(changed))) {
      // A collaborator who becomes the primary owner keeps a single row.
      statements.push(
        db
          .delete(leadAssignees)
          .where(and(eq(leadAssignees.userId, target.userId), inIdSet(leadAssignees.leadId, part))),
        db.insert(leadAssignees).select(
          selectInto(
            leadAssignees,
            {
              orgId: viewer.orgId,
              leadId: sql`value`,
              userId: target.userId,
              kind: 'primary',
              assignedBy: viewer.userId,
              assignedAt: now,
            },
            sql`FROM json_each(${JSON.stringify(part)})`,
          ),
        ),
      )
    }
  }
  for (const part of jsonChunks(ids(changed))) {
    statements.push(
      db
        .update(leads)
        .set({ inPool: false, updatedAt: now })
        .where(and(eq(leads.orgId, viewer.orgId), inIdSet(leads.id, part))),
    )
  }
  // The note is saved on every lead that changes, as a single assignment does.
  const noteIds = new Map(note ? changed.map((l) => [l.id, newId()]) : [])
  for (const part of jsonChunks([...noteIds])) {
    statements.push(
      db.insert(notes).select(
        selectInto(
          notes,
          {
            id: sql`value ->> 1`,
            orgId: viewer.orgId,
            leadId: sql`value ->> 0`,
            authorId: viewer.userId,
            kind: 'handoff',
            body: note,
            mentions: '[]',
            createdAt: now,
          },
          sql`FROM json_each(${JSON.stringify(part)})`,
        ),
      ),
    )
  }
  const activityRows = changed.map((l) => {
    const from = current.get(l.id) ?? null
    const type = !from ? 'assigned' : !to ? 'unassigned' : 'transferred'
    const noteId = noteIds.get(l.id)
    const handedFrom = !from && to && recent.get(l.id)?.id !== to.id ? recent.get(l.id) : undefined
    const data = { from, to, bulk: true, ...(handedFrom ? { handedFrom } : {}), ...(noteId ? { note, noteId } : {}) }
    return [newId(), l.id, type, JSON.stringify(data)]
  })
  for (const part of jsonChunks(activityRows)) {
    statements.push(
      db.insert(activities).select(
        selectInto(
          activities,
          {
            id: sql`value ->> 0`,
            orgId: viewer.orgId,
            leadId: sql`value ->> 1`,
            actorId: viewer.userId,
            type: sql`value ->> 2`,
            data: sql`value ->> 3`,
            createdAt: now,
          },
          sql`FROM json_each(${JSON.stringify(part)})`,
        ),
      ),
    )
  }
  // One statement each for the handoffs and reassignment requests of every lead changing hands.
  const handoffs = transfers.map((l) => ({ leadId: l.id, from: previousOf(l)! }))
  statements.push(...handoffChange(unit, ids(handedOver), handoffs, { to, note }))
  // From whom each transfer came: the current owner, or the one who had the lead within the window.
  const transferredFrom = [...new Set(transfers.map((l) => previousOf(l)!.name))]
  return {
    statements,
    changed,
    note,
    transferred: transfers.length,
    transferredFrom,
    events: bulkEvents(changed, current, new Map(transfers.map((l) => [l.id, previousOf(l)!])), to, note),
  }
}

/**
 * The notification events of a bulk assignment: one for the new assignee with every changed lead (and the
 * note), `transferred_to` when every lead changed hands (`handedFrom`: from its current owner, or from the one it
 * was unassigned from within the window), else `assigned`; one `transferred_away` per current assignee with theirs
 * (and the note when unassigning; one unassigned within the window was told then).
 */
function bulkEvents(
  changed: LeadRef[],
  current: Map<string, { id: string; name: string }>,
  handedFrom: Map<string, { id: string; name: string }>,
  to: { id: string; name: string } | null,
  note: string,
): NotificationEvent[] {
  const events: NotificationEvent[] = []
  const byFormer = new Map<string, { from: { id: string; name: string }; leads: LeadRef[] }>()
  for (const lead of changed) {
    const from = current.get(lead.id)
    if (!from) continue
    const group = byFormer.get(from.id) ?? { from, leads: [] }
    group.leads.push(lead)
    byFormer.set(from.id, group)
  }
  // One event for the new assignee, worded as the list's notice is: a transfer (from whom, when one
  // person had them all) when every lead changed hands, else an assignment.
  const allTransfers = changed.length > 0 && changed.every((l) => handedFrom.has(l.id))
  const givers = [...new Map([...handedFrom.values()].map((p) => [p.id, p])).values()]
  if (to && changed.length > 0)
    events.push({
      type: allTransfers ? 'transferred_to' : 'assigned',
      leads: changed,
      to,
      ...(allTransfers && givers.length === 1 ? { from: givers[0]! } : {}),
      ...(note ? { note } : {}),
    })
  // Unassigned: the note goes to the previous assignees instead.
  for (const { from, leads } of byFormer.values())
    events.push({ type: 'transferred_away', leads, from, ...(to ? { to } : note ? { note } : {}) })
  return events
}

/** Options of a bulk assignment: the note kept with every lead it changes, and whether the organization requires one. */
export type BulkOptions = { note?: string; noteRequired?: boolean }

/**
 * What a bulk assignment did, the one result every wording of it follows (the list's notice, the email):
 * how many leads changed of how many selected, the assignee's name (null: unassigned), and the previous
 * assignees of the leads it transferred (empty when none changed hands).
 */
export type BulkAssignResult = {
  changed: number
  selected: number
  to: string | null
  transferred: number
  transferredFrom: string[]
  /** The note typed with it (saved on every changed lead), and whom it was sent to besides the actor; null: none typed. */
  note: { sentTo: string[] } | null
  /** Ticked leads left alone because they changed hands since the page showed them. */
  moved: LeadRef[]
}

/** Names of the people `events` carry a note to (the new assignee, or the previous ones), but `actorId`'s. */
function noteRecipients(events: NotificationEvent[], actorId: string): string[] {
  const people = events.flatMap((e) => (e.note ? [(e.to ?? e.from)!] : [])).filter((p) => p.id !== actorId)
  return [...new Set(people.map((p) => p.name))]
}

/** "Ava Agent", "Ava Agent and Bo", "Ava Agent, Bo and Cy". */
export function namesList(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}

/**
 * Assigns every selected lead to `assigneeId` (null = unassign) atomically, as `unit`'s member at `unit.now`,
 * with `options`' note. A concurrent
 * assignment of one of the leads makes the batch fail on its stale-state guard (or the one-primary
 * index); it is then planned and run again against the new state, for up to RETRY_BUDGET_MS.
 * @returns how many leads changed, how many were selected, and the assignee's name (null: unassigned)
 * Ticked leads whose holders are no longer those their rows showed (`selection.shown`) are left alone and
 * returned in `moved`; the guard of the batch holds the others to what their rows showed.
 * @throws Refusal 403 (not Owner/Admin), 422 (nothing selected, too many, assignee deactivated or
 *   not a member, handoff note required for leads it transfers, a note typed when no lead changes),
 *   409 (every ticked lead changed hands since it was shown, or concurrent changes kept winning)
 */
export async function bulkAssign(
  unit: Unit,
  selection: BulkSelection,
  assigneeId: string | null,
  options: BulkOptions = {},
): Promise<BulkAssignResult> {
  const { db, viewer } = unit
  if (!canAssign(viewer)) throw new Refusal(403, 'Only an Owner or Admin can assign leads.')
  const target = assigneeId ? await assignableMember(db, viewer.orgId, assigneeId) : null
  const selected = await selectLeads(db, viewer, selection)
  return retryInUnit(unit, ONE_PRIMARY, async (attempt) => {
    const { kept, moved, expected } = await unmovedLeads(db, viewer.orgId, selected, selection)
    refuseAllMoved(kept, moved)
    const { statements, changed, note, transferred, transferredFrom, events } = await planBulkAssign(
      attempt,
      kept,
      target,
      options,
    )
    if (changed.length === 0) refuseUnsentNote(note, 'None of the selected leads would change')
    const fan = await fanOut(attempt, events)
    // Held to the holders the ticked rows showed: a change landing before the batch runs is skipped on the retry.
    const guard = expected.length > 0 ? [unlessChanged(db, holdersAre(expected))] : []
    await runBatch(db, [...guard, ...statements, ...fan.statements])
    await fan.afterCommit()
    return {
      changed: changed.length,
      // Those that changed hands meanwhile are said apart (`moved`), not as "already were".
      selected: kept.length,
      to: target?.name ?? null,
      transferred,
      transferredFrom: target ? transferredFrom : [],
      note: note && changed.length > 0 ? { sentTo: noteRecipients(events, viewer.userId) } : null,
      moved,
    }
  })
}
