/**
 * `/o/{slug}/inbox` (Owners and Admins): the Unmatched email list, attaching an email to a lead
 * (`POST …/{emailId}/attach`) and creating the lead from one (`POST …/{emailId}/lead`). A refused form shows the page
 * again with what was typed.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireManager } from '../access/context'
import { unitFor } from '../access/unit'
import type { App, RefusalPage } from '../env'
import { intakeSchema } from '../intake/leads'
import { leadRouter } from '../leads/routing'
import { Refusal } from '../lib/errors'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { InboxPage, type InboxRefused } from './inbox-views'
import { publishEmailed } from './log'
import { attachEmail, createLeadFromEmail, leadChoices, unmatchedCount, unmatchedEmails } from './unmatched'

export const inboxRoutes = new Hono<App>()

const DONE: Record<string, string> = {
  attached: 'The email is logged on the lead.',
}

async function renderInbox(c: Context<App>, refused?: InboxRefused) {
  requireManager(c, 'see unmatched email')
  const unit = c.var.unit
  const [emails, total] = await Promise.all([unmatchedEmails(unit), unmatchedCount(unit)])
  const leads = await leadChoices(unit, [...new Set(emails.flatMap((e) => e.parties))])
  return c.render(
    <InboxPage emails={emails} total={total} leads={leads} done={DONE[c.req.query('done') ?? '']} refused={refused} />,
    { title: 'Unmatched email' },
  )
}

/** The page again with the refused form of its email, as typed. */
function inboxAgain(form: InboxRefused['form']): RefusalPage {
  return (c, refusal: Refusal, values) => {
    c.status(refusal.status)
    return renderInbox(c, {
      emailId: c.req.param('emailId') ?? '',
      form,
      message: refusal.message,
      errors: refusal.errors,
      values,
    })
  }
}

inboxRoutes.get('/', (c) => renderInbox(c))

const attachSchema = z.object({ leadId: z.string('Choose a lead').min(1, 'Choose a lead') })

inboxRoutes.post('/:emailId/attach', refusalPage(inboxAgain('attach')), async (c) => {
  requireManager(c, 'attach unmatched email')
  const { leadId } = await parseForm(c, attachSchema)
  await attachEmail(c.var.unit, c.req.param('emailId'), leadId)
  await publishEmailed(c.env, c.var.unit, leadId)
  return c.redirect(`/o/${c.var.unit.org.slug}/inbox?done=attached`, 303)
})

const leadSchema = intakeSchema.pick({ name: true, email: true })

inboxRoutes.post('/:emailId/lead', refusalPage(inboxAgain('lead')), async (c) => {
  requireManager(c, 'create leads from unmatched email')
  const input = await parseForm(c, leadSchema)
  const unit = c.var.unit
  const system = unitFor(c.env, unit.org, { db: unit.db, now: unit.now, actor: unit.actor })
  const leadId = await createLeadFromEmail(system, leadRouter(c.env), c.req.param('emailId'), {
    ...input,
    phone: '',
    company: '',
    source: 'Email',
    message: '',
  })
  await publishEmailed(c.env, unit, leadId)
  return c.redirect(`/o/${unit.org.slug}/leads/${leadId}#communications`, 303)
})
