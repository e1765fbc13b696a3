/**
 * `/o/{slug}/routing/rules` (Owners and Admins; an Agent is refused with 403): the routing rules in order, adding,
 * changing, moving up or down and removing one, and the dry run (docs/ARCHITECTURE.md "Intake and routing").
 */
import type { Context } from 'hono'
import { Hono } from 'hono'
import { requireManager, viewerTimeZone } from '../access/context'
import type { App, RefusalPage } from '../env'
import { dryRun } from '../leads/dry-run'
import { Refusal } from '../lib/errors'
import { addRule, editRule, listRules, moveRule, removeRule, type RuleListing } from '../leads/rule-book'
import type { FormValues } from '../lib/validation'
import { assignableMembers } from '../orgs/members'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { EditRulePage, RulesPage, type EditRulePageProps, type RulesPageProps } from './rules-page'
import { dryRunSchema, moveSchema, newRuleSchema, shownAtSchema } from './rules-schema'

export const rulesRoutes = new Hono<App>()

/** What a redirect back to the page says it did (`?done=`). */
const DONE: Record<string, string> = {
  added: 'Rule added.',
  saved: 'Rule saved.',
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

/** A rule's form as sent after `refusal`: its values, the members ticked and the refusal's messages. */
async function ruleSent(c: Context<App>, refusal: Parameters<RefusalPage>[1], values: FormValues) {
  // The members ticked, as sent (a box is a repeated field the values keep only once).
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const chosen = new Set([body.memberIds].flat().filter((v): v is string => typeof v === 'string'))
  c.status(refusal.status)
  const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
  return { values, chosen, errors: refusal.errors, alert }
}

/** The rules page again with the new-rule form as sent and the refusal's messages. */
const ruleAgain: RefusalPage = async (c, refusal, values: FormValues) => {
  requireManager(c, 'change routing rules')
  return rulesPage(c, { rule: await ruleSent(c, refusal, values) })
}

/** Rule `ruleId` of the unit's organization as its page lists it. @throws Refusal 404 when there is none */
async function ruleOf(c: Context<App>, ruleId: string): Promise<RuleListing> {
  const rule = (await listRules(c.var.unit)).find((r) => r.id === ruleId)
  if (!rule) throw new Refusal(404, 'There is no such routing rule.')
  return rule
}

/** Rule `ruleId`'s edit page, as stored now, with `extra` (a refused form as sent, or only why it was refused). */
async function editRulePage(c: Context<App>, ruleId: string, extra: Pick<EditRulePageProps, 'sent' | 'alert'> = {}) {
  requireManager(c, 'change routing rules')
  const [rule, members] = await Promise.all([
    ruleOf(c, ruleId),
    assignableMembers(c.var.unit, { includeDeactivated: false }),
  ])
  return c.render(<EditRulePage rule={rule} members={members} {...extra} />, { title: `Edit rule: ${rule.name}` })
}

/**
 * The edit page again after a refused save: with the form as sent and why (422); after someone else's change (409),
 * the rule as it is now and why, since saving what was typed would undo their change unseen.
 */
const editRuleAgain: RefusalPage = async (c, refusal, values: FormValues) => {
  const ruleId = c.req.param('ruleId') ?? ''
  if (refusal.status === 409) {
    c.status(409)
    return editRulePage(c, ruleId, { alert: refusal.message })
  }
  const { alert, ...sent } = await ruleSent(c, refusal, values)
  return editRulePage(c, ruleId, { sent, alert })
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

rulesRoutes.get('/:ruleId/edit', async (c) => editRulePage(c, c.req.param('ruleId')))

rulesRoutes.post('/:ruleId', refusalPage(editRuleAgain), async (c) => {
  requireManager(c, 'change routing rules')
  const rule = await parseForm(c, newRuleSchema)
  const { shownAt } = await parseForm(c, shownAtSchema)
  await editRule(c.var.unit, c.req.param('ruleId'), rule, { shownAt })
  return c.redirect(`/o/${c.var.unit.org.slug}/routing/rules?done=saved`, 303)
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
