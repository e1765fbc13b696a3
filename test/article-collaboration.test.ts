/**
 * The help article's collaboration promises (/work/shared/seed/sharing-leads-with-your-team.txt, issue #24), each
 * in its own words, read through the lead page, the feed, Settings and the account page as a member sees them.
 */
import { describe, expect, it } from 'vitest'
import { dom, textOf } from './dom'
import { Client, createLead, formFields, joinAs, signUp } from './helpers'

/**
 * An organization with an Owner (Ana Owner), Ava Agent assigned to Grace Hopper, Bo Li added as its collaborator,
 * and Bo Blind, an Agent who cannot see it.
 */
async function team() {
  const owner = await signUp('Article Co', 'Ana Owner')
  const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
  const boLi = await joinAs(owner.client, owner.slug, 'agent', 'Bo Li')
  const boBlind = await joinAs(owner.client, owner.slug, 'agent', 'Bo Blind')
  const leadId = await createLead(owner.client, owner.slug, { name: 'Grace Hopper', email: 'grace@navy.example' })
  const base = `/o/${owner.slug}/leads/${leadId}`
  expect((await owner.client.post(`/o/${owner.slug}/settings`, { multipleAssignees: '1' })).status).toBe(303)
  expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
  expect((await owner.client.post(`${base}/assignees`, { userId: boLi.userId })).status).toBe(303)
  return { owner, ava, boLi, boBlind, leadId, base, slug: owner.slug }
}

/** The sentences of `client`'s notification feed, newest first. */
async function feed(client: Client, slug: string): Promise<string[]> {
  const html = await client.html(`/o/${slug}/notifications`)
  return [...dom(html).querySelectorAll('li[data-notification-id]')].map((li) => textOf(li))
}

describe('Team members get notified when tasks are created for assigned leads', () => {
  it('tells the lead’s assignee and collaborators, except whoever created it and the task’s assignee', async () => {
    const { owner, ava, boLi, slug, base } = await team()
    const res = await owner.client.post(`${base}/tasks`, {
      title: 'Send the quote',
      dueDate: '2030-01-15',
      assigneeId: boLi.userId,
    })
    expect(res.status).toBe(303)
    const told = (lines: string[]) => lines.filter((line) => line.includes('Send the quote'))
    expect(told(await feed(ava.client, slug))).toEqual([
      expect.stringContaining('Ana Owner added the task “Send the quote” for Bo Li on Grace Hopper'),
    ])
    expect(told(await feed(boLi.client, slug))).toEqual([
      expect.stringContaining('Ana Owner gave you a task on Grace Hopper: Send the quote'),
    ])
    expect((await feed(owner.client, slug)).some((line) => line.includes('Send the quote'))).toBe(false)
  })

  it('has its own preference: turned off, the assignee hears nothing of a task for someone else', async () => {
    const { owner, ava, boLi, slug, base } = await team()
    const prefs = dom(await ava.client.html(`/o/${slug}/preferences`))
    const row = prefs.querySelector('tr[data-event-type="task_created"]')
    expect(textOf(row?.querySelector('th'))).toBe('A task is created on your lead for someone else')
    const fields = formFields(await ava.client.html(`/o/${slug}/preferences`), 'preferences-form')
    fields.delete('inApp_task_created')
    fields.delete('email_task_created')
    expect((await ava.client.post(`/o/${slug}/preferences`, Object.fromEntries(fields))).status).toBe(303)
    const res = await owner.client.post(`${base}/tasks`, {
      title: 'Quiet task',
      dueDate: '2030-01-15',
      assigneeId: boLi.userId,
    })
    expect(res.status).toBe(303)
    expect((await feed(ava.client, slug)).some((line) => line.includes('Quiet task'))).toBe(false)
  })
})

describe('Adjust notification preferences in settings', () => {
  it('links the preferences from Settings and from the account page', async () => {
    const { owner, ava, slug } = await team()
    const settings = dom(await owner.client.html(`/o/${slug}/settings`))
    expect([...settings.querySelectorAll('main a')].map((a) => a.getAttribute('href'))).toContain(
      `/o/${slug}/preferences`,
    )
    const account = dom(await ava.client.html('/account'))
    const link = [...account.querySelectorAll('main a')].find(
      (a) => a.getAttribute('href') === `/o/${slug}/preferences`,
    )
    expect(textOf(link)).toContain('Notification preferences')
  })
})
