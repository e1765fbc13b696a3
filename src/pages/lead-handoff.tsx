/** The data of the lead page's handoff section (assignment/handoff-views.tsx) for the viewer. */
import type { Context } from 'hono'
import { findHandoff } from '../assignment/handoffs'
import { findReassignmentRequest } from '../assignment/reassignment-requests'
import { HandoffPanel, type HandoffKept, type HandoffPanelProps } from '../assignment/handoff-views'
import type { App } from '../env'
import type { LeadDetail } from '../leads/lead-detail'
import { holdersOf } from '../leads/holders'
import { canHandOff, canRequestReassignment, factsOf } from '../leads/policy'
import { assignableMembers } from '../orgs/members'

/** Props of the handoff section of `lead` for the signed-in member; `kept`: what a refused form of it had typed. */
export async function handoffPanelProps(
  c: Context<App>,
  lead: LeadDetail,
  base: string,
  kept?: HandoffKept,
): Promise<HandoffPanelProps> {
  const unit = c.var.unit
  const { viewer } = unit
  const facts = factsOf(lead)
  // An archived lead is handed on once restored (leads/policy.ts `refuseArchived`).
  const handingOff = canHandOff(viewer, facts) && lead.archivedAt === null
  const [handoff, request, members] = await Promise.all([
    findHandoff(unit, lead.id),
    findReassignmentRequest(unit, lead.id),
    handingOff ? assignableMembers(unit) : Promise.resolve(null),
  ])
  return {
    base,
    viewerId: viewer.userId,
    handoff,
    request,
    handOffTo: members && members.filter((m) => m.userId !== viewer.userId),
    canRequest: !handingOff && canRequestReassignment(viewer, facts),
    noteRequired: c.var.orgContext.org.handoffNoteRequired,
    holders: holdersOf(lead),
    kept,
  }
}

export { HandoffPanel, type HandoffKept, type HandoffPanelProps }
