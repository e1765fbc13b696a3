/**
 * The weighted rotation of routing (docs/ARCHITECTURE.md "Intake and routing"): smooth weighted round-robin, the
 * algorithm of nginx's upstream module. Each turn every member who can take a lead earns their weight in credit, the
 * one with most credit takes the lead and pays the weights of all who could; so weights 1, 1, 2 give A C B C A C B C.
 *
 * A stretch is a run of turns in which the same members, at the same weights, can take a lead (the shape). A new
 * shape (someone away, back, at their cap, a weight changed) starts every credit again at zero: nobody repays missed
 * turns, so a member back from a week away takes their share from then on, not a backlog. Within a stretch each
 * member's count stays within one lead of their weighted share (test/weighted-rotation.test.ts). Pure: the routing
 * turn reads the state from D1 and writes it back in the routing's batch (leads/routing.ts).
 */

/** A member who can take a lead now, with their weight (1-5). */
export type Candidate = { userId: string; weight: number }

/**
 * The rotation's state: the current stretch's `shape`, each member's credit (absent: 0), and who took the last lead
 * (`last`: ties go to the first candidate after them in rotation order, so equal weights take plain turns).
 */
export type RotationState = { shape: string; credits: Map<string, number>; last: string | null }

/** The shape of a stretch: `userId:weight` of each candidate, in rotation order. */
export function shapeOf(candidates: Candidate[]): string {
  return candidates.map((c) => `${c.userId}:${c.weight}`).join(',')
}

/**
 * Takes one turn: who of `candidates` (in rotation order, at least one) takes the next lead, and the state after.
 * `state` is not changed.
 */
export function takeTurn(state: RotationState, candidates: Candidate[]): { userId: string; state: RotationState } {
  const shape = shapeOf(candidates)
  const credits = shape === state.shape ? new Map(state.credits) : new Map<string, number>()
  const total = candidates.reduce((sum, c) => sum + c.weight, 0)
  for (const c of candidates) credits.set(c.userId, (credits.get(c.userId) ?? 0) + c.weight)
  const after = candidates.findIndex((c) => c.userId === state.last) + 1
  const order = candidates.map((_, i) => candidates[(after + i) % candidates.length]!)
  const chosen = order.reduce((best, c) => (credits.get(c.userId)! > credits.get(best.userId)! ? c : best))
  credits.set(chosen.userId, credits.get(chosen.userId)! - total)
  return { userId: chosen.userId, state: { shape, credits, last: chosen.userId } }
}
