/**
 * The cron chore that reminds new owners of handoffs they have not acknowledged (assignment/handoffs.ts):
 * each handoff waiting longer than its organization's `handoff_ack_hours` is reminded once, through the
 * notification fan-out (`handoff_reminder`, Leadpool as the actor), in the same batch that marks it
 * reminded. Run by `scheduled` in src/index.ts.
 */
import { createDb } from '../db/client'
import type { Env } from '../env'
import { fanOutWith } from '../notifications/fan-out'
import { handoffsToRemind, markReminded } from './handoffs'

/**
 * Reminds the new owner of every handoff waiting past its window at `now` (epoch ms), at most 500 a run
 * (the next run takes the rest). A handoff acknowledged or replaced meanwhile is skipped.
 * @returns how many reminders were sent
 */
export async function remindWaitingHandoffs(env: Env, now: number): Promise<number> {
  const db = createDb(env.DB)
  let reminded = 0
  for (const handoff of await handoffsToRemind(db, now)) {
    const ctx = {
      orgId: handoff.orgId,
      orgName: handoff.orgName,
      orgSlug: handoff.orgSlug,
      appUrl: env.APP_URL,
      actor: null,
      queue: env.EMAIL_QUEUE,
    }
    const fan = await fanOutWith(
      db,
      ctx,
      [
        {
          type: 'handoff_reminder',
          leads: [{ id: handoff.leadId, name: handoff.leadName }],
          to: { id: handoff.toUserId, name: handoff.toName },
          from: { id: handoff.fromUserId, name: handoff.fromName },
        },
      ],
      now,
    )
    if (await markReminded(db, handoff, now, fan.statements)) {
      await fan.afterCommit()
      reminded++
    }
  }
  return reminded
}
