/**
 * The routing rules Owners and Admins keep (docs/ARCHITECTURE.md "Intake and routing"): listed, added, changed, moved
 * up or down, removed. Which rule takes a lead is leads/routing-rules.ts; what they do, leads/routing-plan.ts.
 */
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { runBatch } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import { routingRuleMembers, routingRules, users, type RuleAction, type RuleCondition } from '../db/schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { assignableMembers } from '../orgs/members'

/** A rule as its page lists it: members by name, in rotation order (`round_robin`) or the one member (`member`). */
export type RuleListing = {
  id: string
  name: string
  conditions: RuleCondition[]
  action: RuleAction
  members: { id: string; name: string }[]
  /** When it was last changed (epoch ms): what an edit form was shown with. */
  updatedAt: number
}

/** What a new rule is: its name, conditions (all must hold), action and members (`member`: the first). */
export type NewRule = { name: string; conditions: RuleCondition[]; action: RuleAction; memberIds: string[] }

/** @throws Refusal 403 unless the unit's viewer is an Owner or Admin */
function requireManagerOf(unit: Unit): void {
  if (!isManager(unit.viewer)) throw new Refusal(403, 'Only an Owner or Admin can change routing rules.')
}

/** The routing rules of the unit's organization, in order. */
export async function listRules(unit: Pick<Unit, 'db' | 'org'>): Promise<RuleListing[]> {
  const orgId = unit.org.id
  const [rules, members] = await Promise.all([
    unit.db
      .select({
        id: routingRules.id,
        name: routingRules.name,
        conditions: routingRules.conditions,
        action: routingRules.action,
        memberId: routingRules.memberId,
        updatedAt: routingRules.updatedAt,
      })
      .from(routingRules)
      .where(eq(routingRules.orgId, orgId))
      .orderBy(asc(routingRules.position), asc(routingRules.id))
      .all(),
    unit.db
      .select({ ruleId: routingRuleMembers.ruleId, id: users.id, name: users.name })
      .from(routingRuleMembers)
      .innerJoin(users, eq(users.id, routingRuleMembers.userId))
      .where(eq(routingRuleMembers.orgId, orgId))
      .orderBy(asc(routingRuleMembers.position))
      .all(),
  ])
  const memberIds = rules.flatMap((r) => (r.memberId ? [r.memberId] : []))
  const names = memberIds.length
    ? await unit.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, memberIds)).all()
    : []
  return rules.map((r) => ({
    id: r.id,
    name: r.name,
    conditions: r.conditions,
    action: r.action,
    members:
      r.action === 'member'
        ? names.filter((n) => n.id === r.memberId)
        : members.filter((m) => m.ruleId === r.id).map(({ id, name }) => ({ id, name })),
    updatedAt: r.updatedAt,
  }))
}

/**
 * The members `rule` gives leads to, each an active member of the unit's organization (none for `pool`).
 * @throws Refusal 422 (field `memberId` or `memberIds`) when one is not, or the action needs members and none was chosen
 */
async function chosenMembers(unit: Unit, rule: NewRule): Promise<string[]> {
  if (rule.action === 'pool') return []
  const active = new Set((await assignableMembers(unit, { includeDeactivated: false })).map((m) => m.userId))
  const chosen = rule.memberIds.filter((id) => active.has(id))
  // The one member's select, or the round-robin's boxes.
  const field = rule.action === 'member' ? 'memberId' : 'memberIds'
  if (chosen.length < rule.memberIds.length)
    throw new Refusal(422, 'Choose active members of this organization.', { field })
  if (chosen.length === 0)
    throw new Refusal(422, rule.action === 'member' ? 'Choose the member' : 'Choose at least one member', { field })
  return chosen
}

/**
 * Adds `rule` last in the unit's organization's order, stamped `unit.now`.
 * @returns the new rule's id
 * @throws Refusal 403 unless an Owner or Admin acts; 422 (field `memberId` or `memberIds`) when a member chosen is not
 *   an active member, or the action needs members and none was chosen
 */
export async function addRule(unit: Unit, rule: NewRule): Promise<string> {
  requireManagerOf(unit)
  const { db, now } = unit
  const orgId = unit.org.id
  const chosen = await chosenMembers(unit, rule)
  const last = await db
    .select({ position: routingRules.position })
    .from(routingRules)
    .where(eq(routingRules.orgId, orgId))
    .orderBy(asc(routingRules.position))
    .all()
  const id = newId()
  const rotation = rule.action === 'round_robin' ? chosen : []
  await runBatch(db, [
    db.insert(routingRules).values({
      id,
      orgId,
      name: rule.name,
      position: (last.at(-1)?.position ?? -1) + 1,
      conditions: rule.conditions,
      action: rule.action,
      memberId: rule.action === 'member' ? chosen[0]! : null,
      createdAt: now,
      updatedAt: now,
    }),
    ...rotation.map((userId, position) =>
      db.insert(routingRuleMembers).values({ orgId, ruleId: id, userId, position }),
    ),
  ])
  return id
}

/**
 * Changes rule `ruleId` to `rule` in its place in the order, stamped `unit.now`. A round-robin keeps the credit of
 * each member it keeps; its rotation starts again only as far as its members changed (leads/weighted-rotation.ts).
 * @param options.shownAt the rule's `updatedAt` when the form was shown (epoch ms)
 * @throws Refusal 403 unless an Owner or Admin acts; 404 when the organization has no such rule; 409 when someone else
 *   changed or removed it since `shownAt`; 422 as `addRule`
 */
export async function editRule(unit: Unit, ruleId: string, rule: NewRule, { shownAt }: { shownAt: number }) {
  requireManagerOf(unit)
  const { db, now } = unit
  const orgId = unit.org.id
  const own = and(eq(routingRules.orgId, orgId), eq(routingRules.id, ruleId))
  const found = await db.select({ updatedAt: routingRules.updatedAt }).from(routingRules).where(own).get()
  if (!found) throw new Refusal(404, 'There is no such routing rule.')
  const changed =
    'Someone else changed this rule while you were editing. It is shown as it is now; make your change again.'
  if (found.updatedAt !== shownAt) throw new Refusal(409, changed)
  const chosen = await chosenMembers(unit, rule)
  const rotation = rule.action === 'round_robin' ? chosen : []
  const unchanged = sql`EXISTS (SELECT 1 FROM routing_rules WHERE id = ${ruleId} AND updated_at = ${shownAt})`
  try {
    await runBatch(db, [
      unlessChanged(db, unchanged),
      db
        .update(routingRules)
        .set({
          name: rule.name,
          conditions: rule.conditions,
          action: rule.action,
          memberId: rule.action === 'member' ? chosen[0]! : null,
          updatedAt: Math.max(now, shownAt + 1),
        })
        .where(own),
      db
        .delete(routingRuleMembers)
        .where(
          and(
            eq(routingRuleMembers.orgId, orgId),
            eq(routingRuleMembers.ruleId, ruleId),
            notInArray(routingRuleMembers.userId, rotation),
          ),
        ),
      ...rotation.map((userId, position) =>
        db
          .insert(routingRuleMembers)
          .values({ orgId, ruleId, userId, position })
          .onConflictDoUpdate({ target: [routingRuleMembers.ruleId, routingRuleMembers.userId], set: { position } }),
      ),
    ])
  } catch (error) {
    if (staleWrite(error)) throw new Refusal(409, changed)
    throw error
  }
}

/**
 * Moves rule `ruleId` one place up (`-1`, tried earlier) or down (`1`) in the unit's organization's order; at either
 * end nothing changes. Positions are written again as 0, 1, 2, … in the new order, in one batch.
 * @throws Refusal 403 unless an Owner or Admin acts; 404 when the organization has no such rule
 */
export async function moveRule(unit: Unit, ruleId: string, by: -1 | 1): Promise<void> {
  requireManagerOf(unit)
  const { db } = unit
  const orgId = unit.org.id
  const order = (
    await db
      .select({ id: routingRules.id })
      .from(routingRules)
      .where(eq(routingRules.orgId, orgId))
      .orderBy(asc(routingRules.position), asc(routingRules.id))
      .all()
  ).map((r) => r.id)
  const at = order.indexOf(ruleId)
  if (at < 0) throw new Refusal(404, 'There is no such routing rule.')
  const to = at + by
  if (to < 0 || to >= order.length) return
  ;[order[at], order[to]] = [order[to]!, order[at]!]
  await runBatch(
    db,
    order.map((id, position) =>
      db
        .update(routingRules)
        .set({ position })
        .where(and(eq(routingRules.orgId, orgId), eq(routingRules.id, id))),
    ),
  )
}

/**
 * Removes rule `ruleId` and its rotation; leads it routed keep their ledger (the rule's name at the time).
 * @throws Refusal 403 unless an Owner or Admin acts; 404 when the organization has no such rule
 */
export async function removeRule(unit: Unit, ruleId: string): Promise<void> {
  requireManagerOf(unit)
  const { db } = unit
  const orgId = unit.org.id
  const own = and(eq(routingRules.orgId, orgId), eq(routingRules.id, ruleId))
  const found = await db.select({ id: routingRules.id }).from(routingRules).where(own).get()
  if (!found) throw new Refusal(404, 'There is no such routing rule.')
  await runBatch(db, [
    db
      .delete(routingRuleMembers)
      .where(and(eq(routingRuleMembers.orgId, orgId), eq(routingRuleMembers.ruleId, ruleId))),
    db.delete(routingRules).where(own),
  ])
}
