/**
 * `/o/{slug}/settings/pool` (Owners and Admins): the claim cap, "show only the oldest N", the aging warnings and
 * the return of untouched leads, and the routing of new leads (unassigned, pool, or round-robin among chosen
 * members, in the order they are listed).
 */
import { asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { requireManager } from '../access/context'
import { organizations, routingMembers, ROUTING_MODES, type RoutingMode } from '../db/schema'
import type { App, RefusalPage } from '../env'
import { runBatch } from '../db/client'
import { assignableMembers, type Member } from '../orgs/members'
import { parseForm } from '../views/form-input'
import { FieldError, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'
import { refusalPage } from '../views/refusal-page'
import type { FormValues } from '../lib/validation'

export const poolSettingsRoutes = new Hono<App>()

/** A whole number from 0 to `max`, typed in a number field (empty = 0). */
function count(label: string, max: number) {
  return z
    .string()
    .trim()
    .default('')
    .refine((v) => /^\d{0,6}$/.test(v), `Enter the ${label} as a whole number`)
    .transform((v) => (v === '' ? 0 : Number(v)))
    .refine((v) => v <= max, `The ${label} is at most ${max}`)
}

/** Ids of the ticked members (sent once, many times, or not at all). */
const memberIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))

const poolSettingsSchema = z.object({
  poolClaimCap: count('cap', 1000),
  poolShowOldest: count('number of leads shown', 100),
  poolStaleHours: count('number of hours', 8760),
  poolReturnDays: count('number of days', 365),
  routing: z.enum(ROUTING_MODES, 'Choose where new leads go'),
  routingMemberIds: memberIds,
})

type PoolSettingsValues = {
  poolClaimCap: number
  poolShowOldest: number
  poolStaleHours: number
  poolReturnDays: number
  routing: RoutingMode
  routingMemberIds: string[]
}

const ROUTING_LABELS: Record<RoutingMode, string> = {
  unassigned: 'Leave them unassigned (Owners and Admins triage them)',
  pool: 'Put them in the pool',
  round_robin: 'Round-robin among the members ticked below',
}

function NumberField(props: { name: string; label: string; hint: string; value: string; errors?: FieldErrors }) {
  const invalid = Boolean(props.errors?.[props.name])
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        type="number"
        min="0"
        inputmode="numeric"
        name={props.name}
        value={props.value}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `${props.name}-error` : undefined}
      />
      <small>{props.hint}</small>
      <FieldError errors={props.errors} name={props.name} />
    </label>
  )
}

function PoolSettingsPage(props: {
  values: Record<string, string>
  chosen: Set<string>
  members: Member[]
  saved?: boolean
  errors?: FieldErrors
}) {
  const shell = useShell()
  const { values, errors } = props
  return (
    <section class="card narrow">
      <p>
        <a href={`/o/${shell.org.slug}/settings`}>← Settings</a>
      </p>
      <h1>Pool and routing</h1>
      {props.saved && (
        <p class="notice" role="status">
          Settings saved.
        </p>
      )}
      <form method="post" action={`/o/${shell.org.slug}/settings/pool`}>
        <NumberField
          name="poolClaimCap"
          label="Claim cap"
          hint="An Agent may hold at most this many open leads taken from the pool (claimed or routed to them). 0 = no cap."
          value={values.poolClaimCap ?? '0'}
          errors={errors}
        />
        <NumberField
          name="poolShowOldest"
          label="Show only the oldest"
          hint="The pool shows only this many of its oldest leads, so nobody picks the best-looking one. 0 = show all."
          value={values.poolShowOldest ?? '0'}
          errors={errors}
        />
        <NumberField
          name="poolStaleHours"
          label="Warn after hours in the pool"
          hint="A lead waiting longer is marked stale, and Owners and Admins get a daily digest. 0 = no warning."
          value={values.poolStaleHours ?? '0'}
          errors={errors}
        />
        <NumberField
          name="poolReturnDays"
          label="Return untouched claimed leads after days"
          hint="A claimed lead whose assignee added no note, communication, task or status change for this many days goes back to the pool (they are told a day before). 0 = never."
          value={values.poolReturnDays ?? '0'}
          errors={errors}
        />
        <fieldset>
          <legend>New leads from the web form, the API, imports and leads Owners and Admins type in</legend>
          {ROUTING_MODES.map((mode) => (
            <label class="checkbox">
              <input type="radio" name="routing" value={mode} checked={(values.routing ?? 'unassigned') === mode} />
              <span>{ROUTING_LABELS[mode]}</span>
            </label>
          ))}
          <FieldError errors={errors} name="routing" />
        </fieldset>
        <fieldset>
          <legend>Round-robin members</legend>
          <p>
            Leads go to them in turn, in this order; deactivated members and members at the cap are skipped, and when
            nobody can take a lead it goes to the pool.
          </p>
          {props.members.map((m) => (
            <label class="checkbox">
              <input
                type="checkbox"
                name="routingMemberIds"
                value={m.userId}
                checked={props.chosen.has(m.userId)}
                data-routing-member={m.userId}
              />
              <span>
                {m.name}
                {m.status !== 'active' && ' (deactivated)'}
              </span>
            </label>
          ))}
          <FieldError errors={errors} name="routingMemberIds" />
        </fieldset>
        <button type="submit">Save settings</button>
      </form>
    </section>
  )
}

poolSettingsRoutes.get('/', async (c) => {
  requireManager(c, 'change settings')
  const org = c.var.orgContext.org
  const [members, chosen] = await Promise.all([
    assignableMembers(c.var.db, org.id, { includeDeactivated: true }),
    c.var.db
      .select({ userId: routingMembers.userId })
      .from(routingMembers)
      .where(eq(routingMembers.orgId, org.id))
      .orderBy(asc(routingMembers.position))
      .all(),
  ])
  const values = {
    poolClaimCap: String(org.poolClaimCap),
    poolShowOldest: String(org.poolShowOldest),
    poolStaleHours: String(org.poolStaleHours),
    poolReturnDays: String(org.poolReturnDays),
    routing: org.routing,
  }
  return c.render(
    <PoolSettingsPage
      values={values}
      chosen={new Set(chosen.map((r) => r.userId))}
      members={members}
      saved={c.req.query('saved') === '1'}
    />,
    { title: 'Pool and routing settings' },
  )
})

/** The pool settings form again, as sent, with the refusal's messages (to Owners and Admins only). */
const poolSettingsAgain: RefusalPage = async (c, refusal, values: FormValues) => {
  requireManager(c, 'change settings')
  const members = await assignableMembers(c.var.db, c.var.orgContext.org.id, { includeDeactivated: true })
  // The members ticked for the rotation, as sent (a box is a repeated field the values keep only once).
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const sent = [body.routingMemberIds].flat().filter((v): v is string => typeof v === 'string')
  c.status(refusal.status)
  return c.render(
    <PoolSettingsPage values={values} chosen={new Set(sent)} members={members} errors={refusal.errors} />,
    { title: 'Pool and routing settings' },
  )
}

poolSettingsRoutes.post('/', refusalPage(poolSettingsAgain), async (c) => {
  requireManager(c, 'change settings')
  const org = c.var.orgContext.org
  const members = await assignableMembers(c.var.db, org.id, { includeDeactivated: true })
  const input: PoolSettingsValues = await parseForm(c, poolSettingsSchema)
  // Only members of this organization join the rotation, in the order the page lists them (deactivated ones are
  // skipped while deactivated).
  const ticked = new Set(input.routingMemberIds)
  const rotation = members.filter((m) => ticked.has(m.userId))
  const now = Date.now()
  await runBatch(c.var.db, [
    c.var.db
      .update(organizations)
      .set({
        poolClaimCap: input.poolClaimCap,
        poolShowOldest: input.poolShowOldest,
        poolStaleHours: input.poolStaleHours,
        poolReturnDays: input.poolReturnDays,
        routing: input.routing,
        updatedAt: now,
      })
      .where(eq(organizations.id, org.id)),
    c.var.db.delete(routingMembers).where(eq(routingMembers.orgId, org.id)),
    ...rotation.map((m, position) =>
      c.var.db.insert(routingMembers).values({ orgId: org.id, userId: m.userId, position }),
    ),
  ])
  return c.redirect(`/o/${org.slug}/settings/pool?saved=1`, 303)
})
