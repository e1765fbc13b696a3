/**
 * The rules page's dry run (docs/ARCHITECTURE.md "Intake and routing"): where the next leads of one shape would go
 * and why, decided as a routing turn decides them (leads/routing-plan.ts) on a copy of the state read now; nothing
 * is written, no rotation moves.
 */
import type { Unit } from '../access/unit'
import type { LeadShape } from './routing-rules'
import { readRoutingState } from './routing'
import { decide, type Decision } from './routing-plan'

/** How many arrivals a dry run shows. */
export const DRY_RUN_LEADS = 10

/**
 * Where `count` leads shaped like `lead`, arriving one after another now, would go in the unit's organization, each
 * with its ledger (`Decision`: the member, `pool` or `unassigned`, the rule, who was passed over and why). A lead
 * already given an assignee by its creator (an Agent's own) is not routed; the dry run is of a lead that is routed.
 */
export async function dryRun(
  unit: Pick<Unit, 'db' | 'org' | 'now'>,
  lead: LeadShape,
  { count = DRY_RUN_LEADS }: { count?: number } = {},
): Promise<Decision[]> {
  const read = await readRoutingState(unit.db, unit.org.id, unit.now)
  if (!read) return []
  return Array.from({ length: count }, () => decide(read.state, lead))
}
