// Types of scripts/scale-model.mjs for the TypeScript that imports it (test/scale-model.test.ts).

/** What the simulation assumes (docs/SCALE.md "Assumptions"). */
export type Assumptions = {
  bytesPerLead: number
  writesPerLead: number
  peakFactor: number
  writeCapacity: number
  alpha: number
  minMembers: number
  maxMembers: number
  leadsPerMemberDay: number
  sigma: number
  arrivalMonths: number
}

export const DATABASE_BYTES: number
export const ADD_AT: number
export function prng(seed: number): () => number
export function drawOrganization(
  random: () => number,
  assume: Assumptions,
): { members: number; leadsPerDay: number; arrival: number }
export function mostRoom(used: number[]): number
export function placeGreedy(loads: number[], k: number): number[]
export function simulate(options: {
  seed: number
  k: number
  orgs: number
  months: number
  assume: Assumptions
  rebalance?: boolean
}): {
  bytes: number[]
  writes: number[]
  held: number[]
  addMonth: number | null
  moves: number
  movedBytes: number
  largestOrgBytes: number
  largestOrgWrites: number
  largestOrgMembers: number
  ownDatabase: number
  tooBig: number
}
