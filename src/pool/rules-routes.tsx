/**
 * `/o/{slug}/routing/rules` (Owners and Admins; an Agent is refused with 403): the routing rules in order, adding,
 * moving up or down and removing one, and the dry run (docs/ARCHITECTURE.md "Intake and routing").
 */
import type { Context } from 'hono'
import { Hono } from 'hono'
import { requireManager, viewerTimeZone } from '../access/context'
import type { App, RefusalPage } from '../env'
import { dryRun } from '../leads/dry-run'
import { addRule, listRules, moveRule, removeRule } from '../leads/rule-book'
import type { FormValues } from '../lib/validation'
import { assignableMembers } from '../orgs/members'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { RulesPage, type RulesPageProps } from './rules-page'
import { dryRunSchema, moveSchema, newRuleSchema } from './rules-schema'

export const rulesRoutes = new Hono<App>()

/** What a redirect back to the page says it did (`?done=`). */
const DONE: Record<string, string> = {
  added: 'Rule added.',
  moved: 'Order saved.',
  removed: 'Rule removed.',
}

/** Renders the rules page with `status`, the rules and members read now, and `extra` (a form as sent, a dry run). */
async function rulesPage(c: Context<App>, extra: Partial<RulesPageProps> = {}) {
  requireManager(c, 'change routing rules')
  const [rules, members] = await Promise.all([
    listRules(c.var.unit),
    assignableMembers(c.var.unit, { includeDeactivated: false }),
  ])
  return c.render(
    <RulesPage
      rules={rules}
      fallback={c.var.orgContext.org.routing}
      members={members}
      timeZone={viewerTimeZone(c)}
      {...extra}
    />,
    { title: 'Routing rules' },
  )
}

/** The rules page again with the new-rule form as sent and the refusal's messages. */
const ruleAgain: RefusalPage = async (c, refusal, values: FormValues) => {
  requireManager(c, 'change routing rules')
  // The members ticked, as sent (a box is a repeated field the values keep only once).
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const chosen = new Set([body.memberIds].flat().filter((v): v is string => typeof v === 'string'))
  c.status(refusal.status)
  const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
  return rulesPage(c, { rule: { values, chosen, errors: refusal.errors, alert } })
}

/** The rules page again with the dry run's form as sent and the refusal's messages. */
const dryRunAgain: RefusalPage = async (c, refusal, values: FormValues) => {
  c.status(refusal.status)
  return rulesPage(c, { dry: { values, errors: refusal.errors } })
}

rulesRoutes.get('/', async (c) => {
  const done = c.req.query('done') ?? ''
  return rulesPage(c, Object.hasOwn(DONE, done) ? { notice: DONE[done] } : {})
})

rulesRoutes.post('/', refusalPage(ruleAgain), async (c) => {
  requireManager(c, 'change routing rules')
  await addRule(c.var.unit, await parseForm(c, newRuleSchema))
  return c.redirect(`/o/${c.var.unit.org.slug}/routing/rules?done=added`, 303)
})

rulesRoutes.post('/dry-run', refusalPage(dryRunAgain), async (c) => {
  requireManager(c, 'change routing rules')
  const lead = await parseForm(c, dryRunSchema)
  const results = await dryRun(c.var.unit, lead)
  return rulesPage(c, { dry: { values: lead, results } })
})

rulesRoutes.post('/:ruleId/move', async (c) => {
  requireManager(c, 'change routing rules')
  const { by } = await parseForm(c, moveSchema)
  await moveRule(c.var.unit, c.req.param('ruleId'), by === 'up' ? -1 : 1)
  return c.redirect(`/o/${c.var.unit.org.slug}/routing/rules?done=moved`, 303)
})

rulesRoutes.post('/:ruleId/delete', async (c) => {
  requireManager(c, 'change routing rules')
  await removeRule(c.var.unit, c.req.param('ruleId'))
  return c.redirect(`/o/${c.var.unit.org.slug}/routing/rules?done=removed`, 303)
})
