/**
 * The cron chore that reminds new owners of handoffs they have not acknowledged (assignment/handoffs.ts):
 * each handoff waiting longer than its organization's `handoff_ack_hours` is reminded once, through the
 * notification fan-out (`handoff_reminder`, Leadpool as the actor), in the same batch that marks it
 * reminded. Run by `scheduled` in src/index.ts.
 */
import { orgDatabases, unitFor, type SystemUnit } from '../access/unit'
import type { Database } from '../db/client'
import type { Env } from '../env'
import { fanOut } from '../notifications/fan-out'
import { handoffsToRemind, markReminded } from './handoffs'

/**
 * Reminds the new owner of every handoff waiting past its window at `now` (epoch ms), in every database, at most 500
 * a run per database
 * (the next run takes the rest), in one unit per organization (Leadpool acts). A handoff acknowledged or
 * replaced meanwhile is skipped.
 * @returns how many reminders were sent
 */
export async function remindWaitingHandoffs(env: Env, now: number): Promise<number> {
  let reminded = 0
  for (const { db } of orgDatabases(env)) reminded += await remindIn(env, db, now)
  return reminded
}

/** `remindWaitingHandoffs` in one database `db`; returns how many reminders were sent. */
async function remindIn(env: Env, db: Database, now: number): Promise<number> {
  const units = new Map<string, SystemUnit>()
  let reminded = 0
  for (const handoff of await handoffsToRemind(db, now)) {
    const org = { id: handoff.orgId, name: handoff.orgName, slug: handoff.orgSlug, database: handoff.orgDatabase }
    const unit = units.get(org.id) ?? unitFor(env, org, { now, db })
    units.set(org.id, unit)
    const fan = await fanOut(unit, [
      {
        type: 'handoff_reminder',
        leads: [{ id: handoff.leadId, name: handoff.leadName }],
        to: { id: handoff.toUserId, name: handoff.toName },
        from: { id: handoff.fromUserId, name: handoff.fromName },
      },
    ])
    if (await markReminded(unit, handoff, fan.statements)) {
      await fan.afterCommit()
      reminded++
    }
  }
  return reminded
}
