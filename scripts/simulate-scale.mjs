// `npm run simulate:scale`: the simulation of docs/SCALE.md. For each (k tenant databases, M organizations) of
// RUNS, the model of scripts/scale-model.mjs over MONTHS months with the seed SEED; prints the assumptions and one
// Markdown table (the one docs/SCALE.md shows). Deterministic: the same output every run. Plain Node, no I/O.
import { ADD_AT, DATABASE_BYTES, simulate } from './scale-model.mjs'

const SEED = 26
const MONTHS = 36
/** What docs/SCALE.md measured and assumes ("Assumptions"). */
const ASSUME = {
  // Bytes of a lead with its typical history, indexes included (scripts/scale-size.mjs, the slope 10k → 100k).
  bytesPerLead: 11_300,
  // Writes (form posts) a lead gets in its life: its typical history (scripts/scale-size.mjs `story`).
  writesPerLead: 9.5,
  // Peak writes/s over the calendar day's mean: weekdays only (× 7/5), working hours (8 of 24: × 3) and a busy
  // hour twice the working hours' mean (× 2).
  peakFactor: 8.4,
  // Writes/s one local database sustained for the mix (scripts/scale-writes.mjs, 6.1 to 7.2 at 16 and 48 members
  // writing at once on a shared 2-core machine); 70 % of it triggers a new database.
  writeCapacity: 6.5,
  // Members per organization: Pareto, tail exponent 1.1 (firm sizes are Zipf-like, exponent about 1), 2 to 2,000.
  alpha: 1.1,
  minMembers: 2,
  maxMembers: 2_000,
  // New leads per member per working day: lognormal, median 3, log-deviation 0.8.
  leadsPerMemberDay: 3,
  sigma: 0.8,
  // Organizations sign up evenly over the first 24 months.
  arrivalMonths: 24,
}
const RUNS = [
  [1, 100],
  [4, 100],
  [4, 1_000],
  [16, 1_000],
  [16, 10_000],
  [64, 10_000],
]

const gb = (bytes) => (bytes / 1e9).toFixed(1)
const lines = [
  `Seed ${SEED}, ${MONTHS} months; ${JSON.stringify(ASSUME)}; add a database at ${ADD_AT * 100} % of ${DATABASE_BYTES / 1e9} GB or of ${ASSUME.writeCapacity} writes/s.`,
  '',
  '| k databases | M organizations | largest database (GB) | mean (GB) | largest database, peak writes/s | first month a database passes 70 % | rebalanced: databases at the end, largest (GB), moves (GB moved) | largest organization (members, GB, peak writes/s) | organizations needing their own database (past a whole one) |',
  '|---|---|---|---|---|---|---|---|---|',
]
for (const [k, orgs] of RUNS) {
  const r = simulate({ seed: SEED, k, orgs, months: MONTHS, assume: ASSUME })
  const g = simulate({ seed: SEED, k, orgs, months: MONTHS, assume: ASSUME, rebalance: true })
  const largest = r.bytes.indexOf(Math.max(...r.bytes))
  const mean = r.bytes.reduce((s, b) => s + b, 0) / k
  lines.push(
    `| ${k} | ${orgs.toLocaleString('en-US')} | ${gb(r.bytes[largest])} | ${gb(mean)} | ${r.writes[largest].toFixed(1)} | ${r.addMonth ?? `not in ${MONTHS}`} | ${g.bytes.length}, ${gb(Math.max(...g.bytes))}, ${g.moves} (${gb(g.movedBytes)}) | ${r.largestOrgMembers}, ${gb(r.largestOrgBytes)}, ${r.largestOrgWrites.toFixed(1)} | ${r.ownDatabase} (${r.tooBig}) |`,
  )
}
console.log(lines.join('\n'))
