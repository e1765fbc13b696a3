/**
 * Claiming a lead from the pool. A claim either wins wholly or changes nothing (docs/ARCHITECTURE.md "Nothing
 * lost"): the assignee row is inserted only if the lead is still in the pool with no assignee, in
 * one statement, so of two simultaneous claims exactly one inserts; the lead update and the
 * `claimed` activity in the same batch are conditional on that row being the claimant's. The batch starts
 * with a guard (db/guard.ts) that stops it whole when the lead is no longer claimable, so the
 * notifications of the claim (fan-out, same batch) are written only with a winning claim. Claims run one at a
 * time per organization inside the PoolRoom (pool/pool-room.ts), which also keeps the claim cap exact.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { staleWrite } from '../db/errors'
import { noAssignee, notArchived, unlessChanged } from '../db/guard'
import type { Unit } from '../access/unit'
import { fanOut } from '../notifications/fan-out'
import { activities, leadAssignees, leads, users } from '../db/schema'
import { newId } from '../lib/ids'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/lead-detail'
import { openPoolLeadCount } from '../leads/routing'
import { isAgent } from '../access/viewer'
import { canClaim, factsOf, refuseArchived } from '../leads/policy'
import { selectInto } from '../db/insert-select'
import { awayUntil } from '../orgs/away'
import { timeZoneOf } from '../access/time-zone'
import { formatInstant } from '../lib/zoned-time'

/** Name of the member who holds `leadId` by claiming it from the pool, or null. */
async function claimedBy(db: Database, orgId: string, leadId: string): Promise<string | null> {
  const row = await db
    .select({ name: users.name })
    .from(leadAssignees)
    .innerJoin(users, eq(users.id, leadAssignees.userId))
    .innerJoin(
      activities,
      and(
        eq(activities.leadId, leadAssignees.leadId),
        eq(activities.type, 'claimed'),
        eq(activities.actorId, leadAssignees.userId),
        eq(activities.createdAt, leadAssignees.assignedAt),
      ),
    )
    .where(and(eq(leadAssignees.orgId, orgId), eq(leadAssignees.leadId, leadId), eq(leadAssignees.kind, 'primary')))
    .get()
  return row?.name ?? null
}

/**
 * How many more leads `unit.viewer` (an Agent) may claim under the organization's cap `cap` (0 = no cap): null
 * when there is no cap for them (no cap set, or an Owner/Admin), else 0 or more.
 */
export async function claimsLeft(unit: Pick<Unit, 'db' | 'viewer'>, cap: number): Promise<number | null> {
  const { db, viewer } = unit
  if (cap <= 0 || !isAgent(viewer)) return null
  return Math.max(0, cap - (await openPoolLeadCount(db, viewer.orgId, viewer.userId)))
}

/**
 * Refuses a claim by `unit.viewer` while they are away (orgs/away.ts).
 * @throws Refusal 409 "You are away until …, so you cannot claim from the pool. …"
 */
export async function refuseWhileAway(unit: Pick<Unit, 'db' | 'viewer' | 'now'>): Promise<void> {
  const { db, viewer, now } = unit
  const away = await awayUntil(db, viewer.orgId, viewer.userId, now)
  if (!away) return
  const until =
    away.until === null
      ? 'until you say you are back'
      : `until ${formatInstant(away.until, await timeZoneOf(db, viewer.userId))}`
  throw new Refusal(
    409,
    `You are away ${until}, so you cannot claim from the pool. Mark yourself back on your preferences page to claim.`,
  )
}

/**
 * Claims `leadId` for `unit`'s member at `unit.now`, at most `options.cap` open leads from the pool per Agent
 * (0 or absent = no cap), telling whom the fan-out says (in the same batch). Call it inside the PoolRoom (one claim
 * at a time per organization), or the cap may be overrun by simultaneous claims.
 * @throws Refusal 404 when the lead is not visible; 409 naming the winner when someone else has
 *   it (or got it first); 409 when it is archived or not in the pool; 409 when the Agent is at the cap; 409 while
 *   the member is away
 */
export async function claimLead(unit: Unit, leadId: string, options: { cap?: number } = {}): Promise<void> {
  const { db, viewer, now } = unit
  const cap = options.cap ?? 0
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) {
    // A pool lead someone else just claimed is no longer visible to other Agents; they were shown
    // it in the pool, so they are told who won rather than "not found".
    const winner = viewer.poolEnabled ? await claimedBy(db, viewer.orgId, leadId) : null
    if (winner) throw new Refusal(409, `Already claimed by ${winner}.`)
    throw notFound()
  }
  refuseArchived(lead)
  if (!canClaim(viewer, factsOf(lead))) {
    const owner = lead.assignees.find((a) => a.kind === 'primary')
    if (owner)
      throw new Refusal(
        409,
        owner.userId === viewer.userId ? 'You already have this lead.' : `Already claimed by ${owner.name}.`,
      )
    throw new Refusal(409, 'This lead is not in the pool.')
  }
  await refuseWhileAway(unit)
  if ((await claimsLeft(unit, cap)) === 0)
    throw new Refusal(
      409,
      `You already hold ${cap} open ${cap === 1 ? 'lead' : 'leads'} from the pool, the most allowed. Release one or close one to claim another.`,
    )
  const fan = await fanOut(unit, [{ type: 'claimed', leads: [{ id: lead.id, name: lead.name }] }])
  // Raw SQL: the conditional INSERT … SELECT is the whole point, and D1's batch is atomic.
  const mine = sql`EXISTS (SELECT 1 FROM lead_assignees WHERE lead_id = ${lead.id} AND user_id = ${viewer.userId} AND assigned_at = ${now})`
  const claimable = sql`EXISTS (SELECT 1 FROM leads WHERE id = ${lead.id} AND in_pool = 1) AND ${noAssignee(lead.id)} AND ${notArchived(lead.id)}`
  try {
    const [, inserted] = await db.batch([
      unlessChanged(db, claimable),
      db.insert(leadAssignees).select(
        selectInto(
          leadAssignees,
          {
            orgId: sql`org_id`,
            leadId: sql`id`,
            userId: viewer.userId,
            kind: 'primary',
            assignedBy: viewer.userId,
            assignedAt: now,
          },
          sql`FROM leads WHERE id = ${lead.id} AND org_id = ${viewer.orgId} AND in_pool = 1 AND ${noAssignee(lead.id)}`,
        ),
      ),
      db
        .update(leads)
        .set({ inPool: false, pooledAt: null, updatedAt: now })
        .where(and(eq(leads.id, lead.id), mine)),
      db.insert(activities).select(
        selectInto(
          activities,
          {
            id: newId(),
            orgId: viewer.orgId,
            leadId: lead.id,
            actorId: viewer.userId,
            type: 'claimed',
            data: '{}',
            createdAt: now,
          },
          sql`WHERE ${mine}`,
        ),
      ),
      ...fan.statements,
    ])
    if (inserted.meta.changes > 0) return await fan.afterCommit() // trigger writes count too
  } catch (error) {
    if (!staleWrite(error)) throw error
  }
  const winner = await db
    .select({ name: users.name })
    .from(leadAssignees)
    .innerJoin(users, eq(users.id, leadAssignees.userId))
    .where(and(eq(leadAssignees.leadId, lead.id), eq(leadAssignees.kind, 'primary')))
    .get()
  throw new Refusal(409, winner ? `Already claimed by ${winner.name}.` : 'This lead is no longer in the pool.')
}
