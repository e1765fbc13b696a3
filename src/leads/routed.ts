/** The shape of routing new leads (leads/routing.ts), for the writers that call it without depending on it. */

/**
 * Where one routed lead went: `to` is a member's user id, `'pool'`, `'unassigned'` (left for triage), or
 * `'assigned'` (it already had an assignee, e.g. an Agent's own lead).
 */
export type RoutedLead = { leadId: string; to: string }

/** Routes leads `leadIds` of `orgId`, brought in by `actorId` (null: the form or the API). */
export type LeadRouter = (orgId: string, leadIds: string[], actorId: string | null) => Promise<RoutedLead[]>
