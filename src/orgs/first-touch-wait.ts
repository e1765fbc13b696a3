/**
 * The stored first-touch wait (`leads.first_touch_wait_ms`, docs/ARCHITECTURE.md "Speed to lead"): from arrival to
 * first touch, in the organization's business hours, with the time the toucher was away taken out (`workingWait`,
 * src/lib/business-time.ts). Written in the batch of the write that first touches a lead, else by the cron's sweep.
 */
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { orgDatabases, unitFor, type SystemUnit, type Unit } from '../access/unit'
import { runBatch, type Database } from '../db/client'
import { leads, organizations } from '../db/schema'
import type { Env } from '../env'
import { businessHoursOf, workingWait, type BusinessHours } from '../lib/business-time'
import { awayIntervals } from './away'

/**
 * Most leads one sweep writes per organization, and most organizations per run (a statement each, within the
 * invocation's 1,000 queries: docs/ARCHITECTURE.md "Platform limits that shape the code"); the next run takes the rest.
 */
const SWEEP_BATCH = 40
const SWEEP_ORGS = 5

/** The business hours of organization `orgId` (null: none set, or no such organization). */
export async function orgBusinessHours(db: Database, orgId: string): Promise<BusinessHours | null> {
  const org = await db
    .select({
      businessTimeZone: organizations.businessTimeZone,
      businessDays: organizations.businessDays,
      businessStart: organizations.businessStart,
      businessEnd: organizations.businessEnd,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get()
  return org ? businessHoursOf(org) : null
}

/** A touched lead's columns its wait is worked out from (epoch ms; `firstTouchWaitMs` null while not written). */
export type TouchedLead = {
  id: string
  createdAt: number
  firstTouchedAt: number
  firstTouchedBy: string | null
  firstTouchWaitMs: number | null
}

/**
 * The first-touch wait (ms) of each of `touched` (leads of `orgId`), by lead id: the stored one, or for a lead whose
 * wait is not written yet, worked out now in business `hours` with its toucher's away periods (one read, only then).
 */
export async function firstTouchWaits(
  db: Database,
  orgId: string,
  hours: BusinessHours | null,
  touched: readonly TouchedLead[],
): Promise<Map<string, number>> {
  const waits = new Map<string, number>()
  const unwritten = touched.filter((lead) => lead.firstTouchWaitMs === null)
  for (const lead of touched) if (lead.firstTouchWaitMs !== null) waits.set(lead.id, lead.firstTouchWaitMs)
  if (unwritten.length === 0) return waits
  const away = await awayIntervals(
    db,
    orgId,
    unwritten.flatMap((lead) => (lead.firstTouchedBy ? [lead.firstTouchedBy] : [])),
    {
      from: Math.min(...unwritten.map((lead) => lead.createdAt)),
      to: Math.max(...unwritten.map((lead) => lead.firstTouchedAt)),
    },
  )
  for (const lead of unwritten) {
    const theirs = (lead.firstTouchedBy && away.get(lead.firstTouchedBy)) || []
    waits.set(lead.id, workingWait(lead.createdAt, lead.firstTouchedAt, hours, theirs))
  }
  return waits
}

/**
 * For the batch of a write by `unit.viewer` at `unit.now` that works `worked` leads (a note, communication, task or
 * status change, one lead or a bulk change: `WORKED_ACTIVITIES`, src/activity/activities.ts), put after its
 * activities: no statement when every one was touched already as read, else one that stores the waits of the others,
 * each guarded to apply only when the trigger made this write its first touch (`first_touched_at` now, by the viewer:
 * a write by someone not holding a lead leaves it unwritten). Reads the hours and the viewer's away periods.
 */
export async function firstTouchWaitWrite(
  unit: Unit,
  worked: readonly { id: string; createdAt: number; firstTouchedAt: number | null }[],
): Promise<BatchItem<'sqlite'>[]> {
  const untouched = worked.filter((lead) => lead.firstTouchedAt === null)
  if (untouched.length === 0) return []
  const { db, viewer, now } = unit
  const from = Math.min(...untouched.map((lead) => lead.createdAt))
  const [hours, away] = await Promise.all([
    orgBusinessHours(db, viewer.orgId),
    awayIntervals(db, viewer.orgId, [viewer.userId], { from, to: now }),
  ])
  const theirs = away.get(viewer.userId) ?? []
  // One statement for any number of leads: `[id, wait]` pairs as one JSON parameter (D1's 100 bound parameters).
  const waits = JSON.stringify(untouched.map((lead) => [lead.id, workingWait(lead.createdAt, now, hours, theirs)]))
  return [
    db
      .update(leads)
      .set({
        firstTouchWaitMs: sql`(SELECT j.value ->> '$[1]' FROM json_each(${waits}) j WHERE j.value ->> '$[0]' = "leads"."id")`,
      })
      .where(
        and(
          sql`"leads"."id" IN (SELECT j.value ->> '$[0]' FROM json_each(${waits}) j)`,
          isNull(leads.firstTouchWaitMs),
          eq(leads.firstTouchedAt, now),
          eq(leads.firstTouchedBy, viewer.userId),
        ),
      ),
  ]
}

/**
 * Writes the wait of up to `SWEEP_BATCH` touched leads of `unit`'s organization whose wait is not written yet (bulk
 * status changes, imports, anything that first touched a lead without `firstTouchWaitWrite`), in business `hours`, on
 * `leads_org_wait_unwritten_idx`; each only while still unwritten.
 * @returns how many were written
 */
export async function writeFirstTouchWaits(
  unit: Pick<SystemUnit, 'db' | 'org'>,
  hours: BusinessHours | null,
): Promise<number> {
  const { db, org } = unit
  // Raw for INDEXED BY: SQLite would rather walk every touched lead of the organization (leads_org_first_touched_idx).
  const touched = await db.all<TouchedLead>(sql`SELECT id, created_at AS createdAt, first_touched_at AS firstTouchedAt,
      first_touched_by AS firstTouchedBy, first_touch_wait_ms AS firstTouchWaitMs
    FROM leads INDEXED BY leads_org_wait_unwritten_idx
    WHERE org_id = ${org.id} AND first_touched_at IS NOT NULL AND first_touch_wait_ms IS NULL LIMIT ${SWEEP_BATCH}`)
  const waits = await firstTouchWaits(db, org.id, hours, touched)
  await runBatch(
    db,
    touched.map((lead) =>
      db
        .update(leads)
        .set({ firstTouchWaitMs: waits.get(lead.id)! })
        .where(
          and(eq(leads.id, lead.id), eq(leads.firstTouchedAt, lead.firstTouchedAt), isNull(leads.firstTouchWaitMs)),
        ),
    ),
  )
  return touched.length
}

/**
 * The cron's chore at `now` (epoch ms): `writeFirstTouchWaits` for the organizations, in every database holding organizations, with touched leads whose wait is
 * not written yet (found on `leads_org_wait_unwritten_idx`), a unit per organization.
 */
export async function sweepFirstTouchWaits(env: Env, now: number): Promise<void> {
  // INDEXED BY: without it SQLite walks every touched lead of every organization (leads_org_first_touched_idx).
  const pending = sql`SELECT DISTINCT org_id FROM leads INDEXED BY leads_org_wait_unwritten_idx
    WHERE first_touched_at IS NOT NULL AND first_touch_wait_ms IS NULL LIMIT ${SWEEP_ORGS}`
  const orgs = (
    await Promise.all(
      orgDatabases(env).map(({ name, db }) =>
        db
          .select()
          .from(organizations)
          .where(and(eq(organizations.database, name), sql`${organizations.id} IN (${pending})`))
          .all(),
      ),
    )
  ).flat()
  for (const org of orgs) {
    try {
      const unit = unitFor(env, org, { now })
      await writeFirstTouchWaits(unit, businessHoursOf(org))
    } catch (error) {
      console.error('first-touch wait sweep failed for an organization', org.id, error)
    }
  }
}
