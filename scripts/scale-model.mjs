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
 * arrive are placed on the database with the most room (the least of its share of `DATABASE_BYTES` and of
 * `assume.writeCapacity`, whichever is larger, measured that month); every organization then grows by its leads of
 * the month where it is. `assume` also holds `bytesPerLead` (bytes of a lead with its history, indexes included),
 * `writesPerLead` (writes a lead gets in its life) and `peakFactor` (peak writes/s over the day's mean).
 * With `rebalance`, at the end of each month every database past `ADD_AT` gives up organizations, largest first,
 * until it is at most `ADD_AT / 2` or holds one: each goes to the database with the most room if it fits there
 * under `ADD_AT / 2`, else to a new, empty database (so an organization past `ADD_AT / 2` ends up alone).
 * @returns `bytes`, `writes` (peak writes/s) and `held` (organizations) per database at the end; `addMonth`, the first month a database
 *   passed `ADD_AT` (null: never); `moves` and `movedBytes` (with `rebalance`); the largest organization's
 *   `largestOrgBytes`, `largestOrgWrites` and `largestOrgMembers`; `ownDatabase`, how many organizations alone pass
 *   `ADD_AT / 2` of a database (they need one of their own); `tooBig`, how many pass a whole database
 */
export function simulate({ seed, k, orgs, months, assume, rebalance = false }) {
  const random = prng(seed)
  const all = Array.from({ length: orgs }, () => drawOrganization(random, assume)).sort((a, b) => a.arrival - b.arrival)
  const writesPerSecond = (leadsPerDay) => (leadsPerDay * assume.writesPerLead * assume.peakFactor) / 86_400
  const bytes = new Array(k).fill(0)
  const writes = new Array(k).fill(0)
  const shareOf = (b, w) => Math.max(b / DATABASE_BYTES, w / assume.writeCapacity)
  const shares = () => bytes.map((b, i) => shareOf(b, writes[i]))
  const placed = []
  let next = 0
  let addMonth = null
  let moves = 0
  let movedBytes = 0
  const move = (o, to) => {
    const b = o.leads * assume.bytesPerLead
    const w = writesPerSecond(o.leadsPerDay)
    bytes[o.db] -= b
    writes[o.db] -= w
    bytes[to] += b
    writes[to] += w
    o.db = to
    moves++
    movedBytes += b
  }
  for (let month = 0; month < months; month++) {
    while (next < all.length && all[next].arrival < month + 1) {
      const to = mostRoom(shares())
      placed.push({ ...all[next], db: to, leads: 0 })
      writes[to] += writesPerSecond(all[next].leadsPerDay)
      next++
    }
    for (const o of placed) {
      const grown = o.leadsPerDay * DAYS_PER_MONTH * Math.min(1, month + 1 - o.arrival)
      o.leads += grown
      bytes[o.db] += grown * assume.bytesPerLead
    }
    if (addMonth === null && shares().some((s) => s > ADD_AT)) addMonth = month + 1
    if (!rebalance) continue
    for (let from = 0; from < bytes.length; from++) {
      if (shareOf(bytes[from], writes[from]) <= ADD_AT) continue
      const here = placed.filter((o) => o.db === from).sort((a, b) => b.leads - a.leads)
      for (const o of here) {
        if (here.filter((x) => x.db === from).length <= 1) break
        if (shareOf(bytes[from], writes[from]) <= ADD_AT / 2) break
        const size = shareOf(o.leads * assume.bytesPerLead, writesPerSecond(o.leadsPerDay))
        const room = shares().map((s, i) => (i === from ? Infinity : s))
        let to = mostRoom(room)
        if (room[to] + size > ADD_AT / 2) {
          bytes.push(0)
          writes.push(0)
          to = bytes.length - 1
        }
        move(o, to)
      }
    }
  }
  const orgShares = placed.map((o) => shareOf(o.leads * assume.bytesPerLead, writesPerSecond(o.leadsPerDay)))
  return {
    bytes,
    writes,
    held: bytes.map((_, i) => placed.filter((o) => o.db === i).length),
    addMonth,
    moves,
    movedBytes,
    largestOrgBytes: Math.max(0, ...placed.map((o) => o.leads * assume.bytesPerLead)),
    largestOrgWrites: Math.max(0, ...placed.map((o) => writesPerSecond(o.leadsPerDay))),
    largestOrgMembers: Math.max(0, ...placed.map((o) => o.members)),
    ownDatabase: orgShares.filter((s) => s > ADD_AT / 2).length,
    tooBig: orgShares.filter((s) => s > 1).length,
  }
}
