// The simulation's pure core (docs/SCALE.md "Simulation"): organizations of heavy-tailed sizes arriving over time,
// each placed on the tenant database with the most room when it arrives (`mostRoom`), then growing where it was put. No I/O and
// no clock: the same seed gives the same result. scripts/simulate-scale.mjs prints its table;
// test/scale-model.test.ts checks it is deterministic and that the placement keeps its balance.

/** 10 GB, D1's largest database (bytes, decimal as Cloudflare counts it). */
export const DATABASE_BYTES = 10e9

/** The share of a database's bytes or measured writes/s at which another database should be added. */
export const ADD_AT = 0.7

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A standard normal draw from two uniforms of `random` (Box–Muller). */
function normal(random) {
  const u = 1 - random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/**
 * One organization drawn from `random` under `assume`: members from a Pareto (Zipf-like) law, `assume.alpha` its
 * tail exponent, at least `assume.minMembers`, at most `assume.maxMembers`; each member's new leads per working day
 * lognormal (median `assume.leadsPerMemberDay`, log-deviation `assume.sigma`); its first month uniform in
 * [0, `assume.arrivalMonths`).
 * @returns `{ members, leadsPerDay, arrival }` (members a count, leads per calendar day, arrival in months)
 */
export function drawOrganization(random, assume) {
  const pareto = assume.minMembers / Math.pow(1 - random(), 1 / assume.alpha)
  const members = Math.min(assume.maxMembers, Math.floor(pareto))
  const perMember = assume.leadsPerMemberDay * Math.exp(assume.sigma * normal(random))
  // Working days: 5 of 7.
  return { members, leadsPerDay: (members * perMember * 5) / 7, arrival: random() * assume.arrivalMonths }
}

/** The index of the database with the most room: the least `used` (shares, or any measure), ties to the lowest. */
export function mostRoom(used) {
  return used.indexOf(Math.min(...used))
}

/**
 * Greedy placement: each load of `loads` (bytes, or any additive measure, in arrival order) goes to the bin of `k`
 * holding the least so far, ties to the lowest index. Whatever the order, the fullest bin then holds at most the
 * mean plus the largest load (Graham's list-scheduling bound).
 * @returns the bin index of each load
 */
export function placeGreedy(loads, k) {
  const bins = new Array(k).fill(0)
  return loads.map((load) => {
    const to = mostRoom(bins)
    bins[to] += load
    return to
  })
}

const DAYS_PER_MONTH = 30.44

/**
 * Simulates `orgs` organizations over `months` months on `k` tenant databases. Each month, the organizations that
 * arrive are placed on the database with the most room (1 − the larger of its share of `DATABASE_BYTES` and of
 * `assume.writeCapacity`, measured that month); every organization then grows by its leads of the month.
 * `assume` also holds `bytesPerLead` (bytes of a lead with its history, indexes included), `writesPerLead` (writes a
 * lead gets in its life) and `peakFactor` (peak writes/s over the day's mean).
 * @returns per database its bytes and peak writes/s at the end; `addMonth`, the first month a database passed
 *   `ADD_AT` of its bytes or of `writeCapacity` (null: never); the largest organization's bytes and writes/s; and
 *   `ownDatabase`, how many organizations alone pass half of `ADD_AT` of a database (they need one of their own)
 */
export function simulate({ seed, k, orgs, months, assume }) {
  const random = prng(seed)
  const all = Array.from({ length: orgs }, () => drawOrganization(random, assume)).sort((a, b) => a.arrival - b.arrival)
  const writesPerSecond = (leadsPerDay) => (leadsPerDay * assume.writesPerLead * assume.peakFactor) / 86_400
  const bytes = new Array(k).fill(0)
  const writes = new Array(k).fill(0)
  const placed = []
  let next = 0
  let addMonth = null
  for (let month = 0; month < months; month++) {
    while (next < all.length && all[next].arrival < month + 1) {
      const to = mostRoom(bytes.map((b, i) => Math.max(b / DATABASE_BYTES, writes[i] / assume.writeCapacity)))
      placed.push({ ...all[next], db: to, leads: 0 })
      writes[to] += writesPerSecond(all[next].leadsPerDay)
      next++
    }
    for (const o of placed) {
      const grown = o.leadsPerDay * DAYS_PER_MONTH * Math.min(1, month + 1 - o.arrival)
      o.leads += grown
      bytes[o.db] += grown * assume.bytesPerLead
    }
    const full = bytes.some((b, i) => b > ADD_AT * DATABASE_BYTES || writes[i] > ADD_AT * assume.writeCapacity)
    if (addMonth === null && full) addMonth = month + 1
  }
  const orgBytes = placed.map((o) => o.leads * assume.bytesPerLead)
  const orgWrites = placed.map((o) => writesPerSecond(o.leadsPerDay))
  const ownDatabase = placed.filter(
    (_, i) => orgBytes[i] > (ADD_AT / 2) * DATABASE_BYTES || orgWrites[i] > (ADD_AT / 2) * assume.writeCapacity,
  ).length
  return {
    bytes,
    writes,
    addMonth,
    largestOrgBytes: Math.max(0, ...orgBytes),
    largestOrgWrites: Math.max(0, ...orgWrites),
    largestOrgMembers: Math.max(0, ...placed.map((o) => o.members)),
    ownDatabase,
  }
}
