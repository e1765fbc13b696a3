/**
 * The fairness balance per member over a period (docs/ARCHITECTURE.md "Intake and routing"), read from the routing
 * ledger: the activities routing wrote (`data.via = 'routing'`, on the index `activities_org_routed_idx`), each with
 * who was passed over and why (`data.skipped`) and, for a routed lead, the balance after it (`data.balance`,
 * leads/routing.ts `Balance`). The routing page (pool/routing-page.tsx) shows it.
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { memberships, routingMembers, users } from '../db/schema'
import type { Skipped } from '../leads/routing'

/** The periods the page offers, in days. */
export const PERIODS = [7, 30, 90] as const
export type Period = (typeof PERIODS)[number]

/** The reasons a member is passed over, in the order the page lists them. */
export const SKIP_REASONS = ['away', 'at_cap', 'outside_hours', 'deactivated'] as const satisfies Skipped['why'][]

/** One member's line: counts of leads over the period, and their weight now. */
export type MemberBalance = {
  userId: string
  name: string
  /** Their routing weight now (1-5). */
  weight: number
  /**
   * Whether routing may give them leads now: in the organization's rotation (Settings → Pool and routing), in a
   * round-robin rule's, or the member of a 'Give to this member' rule (the routing rules page).
   */
  inRotation: boolean
  /** Leads routed to them. */
  routed: number
  /**
   * Their expected share of the routed leads: for each routed lead, their weight over the sum of the weights of all
   * who could take it in the rotation that decided, the organization's or a rule's (0 for a lead they could not take;
   * 1 for a lead a 'Give to this member' rule gave them). A fraction of a lead.
   */
  expected: number
  /** Leads routing passed them over for, by reason. */
  skipped: Record<(typeof SKIP_REASONS)[number], number>
}

/** SQL: the routing ledger's activities of `orgId` since `since` (epoch ms), as the partial index holds them. */
const ledger = (orgId: string, since: number) =>
  sql`a.org_id = ${orgId} AND a.created_at >= ${since} AND json_extract(data, '$.via') = 'routing'`

/**
 * The balance of each member of `unit.org` routing may give leads to now or in its ledger over the last `days` days
 * before `unit.now`, by name: every routed lead counts, whether a rule or the organization's routing decided.
 */
export async function routingBalance(
  unit: Pick<Unit, 'db' | 'org' | 'now'>,
  options: { days: Period },
): Promise<MemberBalance[]> {
  const { db } = unit
  const orgId = unit.org.id
  const since = unit.now - options.days * 86_400_000
  const [members, routed, expected, skipped] = await Promise.all([
    db
      .select({
        userId: memberships.userId,
        name: users.name,
        weight: memberships.routingWeight,
        inRotation: sql<number>`${routingMembers.userId} IS NOT NULL
          OR EXISTS (SELECT 1 FROM routing_rule_members r WHERE r.org_id = ${orgId} AND r.user_id = ${memberships.userId})
          OR EXISTS (SELECT 1 FROM routing_rules r WHERE r.org_id = ${orgId} AND r.member_id = ${memberships.userId})`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(routingMembers, and(eq(routingMembers.orgId, orgId), eq(routingMembers.userId, memberships.userId)))
      .where(eq(memberships.orgId, orgId))
      .orderBy(asc(users.name), asc(users.id))
      .all(),
    db.all<{ id: string; n: number }>(sql`SELECT json_extract(a.data, '$.to.id') AS id, count(*) AS n
      FROM activities a WHERE ${ledger(orgId, since)} AND a.type = 'assigned' GROUP BY 1`),
    db.all<{ id: string; share: number }>(sql`SELECT json_extract(b.value, '$.id') AS id,
        sum(json_extract(b.value, '$.weight') * 1.0
          / (SELECT sum(json_extract(t.value, '$.weight')) FROM json_each(a.data, '$.balance') t)) AS share
      FROM activities a, json_each(a.data, '$.balance') b WHERE ${ledger(orgId, since)} GROUP BY 1`),
    db.all<{ id: string; why: string; n: number }>(sql`SELECT json_extract(s.value, '$.id') AS id,
        json_extract(s.value, '$.why') AS why, count(*) AS n
      FROM activities a, json_each(a.data, '$.skipped') s WHERE ${ledger(orgId, since)} GROUP BY 1, 2`),
  ])
  const routedOf = new Map(routed.map((r) => [r.id, Number(r.n)]))
  const expectedOf = new Map(expected.map((r) => [r.id, Number(r.share)]))
  return members
    .map((m) => {
      const skips = Object.fromEntries(
        SKIP_REASONS.map((why) => [why, Number(skipped.find((s) => s.id === m.userId && s.why === why)?.n ?? 0)]),
      ) as MemberBalance['skipped']
      return {
        userId: m.userId,
        name: m.name,
        weight: m.weight,
        inRotation: Boolean(m.inRotation),
        routed: routedOf.get(m.userId) ?? 0,
        expected: expectedOf.get(m.userId) ?? 0,
        skipped: skips,
      }
    })
    .filter((m) => m.inRotation || m.routed > 0 || m.expected > 0 || SKIP_REASONS.some((why) => m.skipped[why] > 0))
}
