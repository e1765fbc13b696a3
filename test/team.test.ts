import { describe, expect, it } from 'vitest'
import { dom } from './dom'
import {
  Client,
  createLead,
  env,
  errorFor,
  invitationLink,
  joinAs,
  leadIds,
  orgD1,
  signUp,
  uniqueEmail,
} from './helpers'

/** Role and status of `userId` as the team page shows them. */
async function teamRow(client: Client, slug: string, userId: string) {
  const html = await client.html(`/o/${slug}/team`)
  const row = new RegExp(`<tr data-member-id="${userId}"[^>]*data-status="(\\w+)">(.*?)</tr>`).exec(html)
  if (!row) return null
  return { status: row[1], html: row[2]! }
}

async function ownerId(slug: string) {
  const row = await env.DB.prepare(
    "SELECT m.user_id AS id FROM memberships m JOIN organizations o ON o.id = m.org_id WHERE o.slug = ? AND m.role = 'owner'",
  )
    .bind(slug)
    .first<{ id: string }>()
  return row!.id
}

describe('invitations', () => {
  it('emails a single-use link; a new person creates an account with it and joins with the invited role', async () => {
    const owner = await signUp('Invite Co')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Agnes Agent')
    const row = await teamRow(owner.client, owner.slug, agent.userId)
    expect(row?.html).toContain('Agent')
    expect(row?.status).toBe('active')
    // The link is used up.
    const again = await new Client().get(await invitationLink(agent.email))
    expect(again.status).toBe(404)
    expect(await again.text()).toMatch(/already used, revoked or replaced/)
  })

  it('lets a signed-in user with the invited email join, and refuses someone signed in as another address', async () => {
    const owner = await signUp('Join Co')
    const existing = await signUp('Their Own Co', 'Ellen Existing')
    await owner.client.post(`/o/${owner.slug}/team/invitations`, { email: existing.email.toUpperCase(), role: 'admin' })
    const link = await invitationLink(existing.email)
    const stranger = await signUp('Stranger Co')
    const refused = await stranger.client.post(link)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain(`This invitation is for ${existing.email}`)
    const signedOut = await new Client().html(link)
    expect(signedOut).toContain('Log in to join')
    const joined = await existing.client.post(link)
    expect(joined.headers.get('Location')).toBe(`/o/${owner.slug}/leads`)
    const page = await existing.client.html(`/o/${owner.slug}/leads`)
    expect(page).toContain('Their Own Co') // the switcher lists their other organization
  })

  it('replaces the old link when the same address is invited again, and revoking kills the link', async () => {
    const owner = await signUp()
    const email = uniqueEmail('twice')
    await owner.client.post(`/o/${owner.slug}/team/invitations`, { email, role: 'agent' })
    const first = await invitationLink(email)
    await owner.client.post(`/o/${owner.slug}/team/invitations`, { email, role: 'admin' })
    const second = await invitationLink(email)
    expect(second).not.toBe(first)
    expect((await new Client().get(first)).status).toBe(404)
    expect((await new Client().get(second)).status).toBe(200)
    const team = await owner.client.html(`/o/${owner.slug}/team`)
    expect(team.match(/data-invitation-email=/g)).toHaveLength(1)
    const id = /action="\/o\/[^/]+\/team\/invitations\/([^/]+)\/revoke"/.exec(team)![1]
    expect((await owner.client.post(`/o/${owner.slug}/team/invitations/${id}/revoke`)).status).toBe(303)
    expect((await new Client().get(second)).status).toBe(404)
  })

  it('answers 410 for an expired link', async () => {
    const owner = await signUp()
    const email = uniqueEmail('late')
    await owner.client.post(`/o/${owner.slug}/team/invitations`, { email, role: 'agent' })
    await (
      await orgD1(owner.slug)
    )
      .prepare('UPDATE invitations SET expires_at = ? WHERE email = ?')
      .bind(Date.now() - 1, email)
      .run()
    const res = await new Client().get(await invitationLink(email))
    expect(res.status).toBe(410)
    expect(await res.text()).toContain('This invitation has expired')
  })

  it('refuses to invite an existing member, an invalid address, and lets only Owners invite Owners', async () => {
    const owner = await signUp()
    const admin = await joinAs(owner.client, owner.slug, 'admin', 'Adam Admin')
    const existing = await owner.client.post(`/o/${owner.slug}/team/invitations`, {
      email: admin.email.toUpperCase(),
      role: 'agent',
    })
    expect(existing.status).toBe(422)
    expect(errorFor(await existing.text(), 'email')).toContain('is already a member')
    const bad = await owner.client.post(`/o/${owner.slug}/team/invitations`, { email: 'nope', role: 'agent' })
    expect(bad.status).toBe(422)
    expect(errorFor(await bad.text(), 'email')).toBe('Enter a valid email address')
    const ownerByAdmin = await admin.client.post(`/o/${owner.slug}/team/invitations`, {
      email: uniqueEmail(),
      role: 'owner',
    })
    expect(ownerByAdmin.status).toBe(403)
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Agnes Agent')
    const byAgent = await agent.client.post(`/o/${owner.slug}/team/invitations`, {
      email: uniqueEmail(),
      role: 'agent',
    })
    expect(byAgent.status).toBe(403)
    expect(await byAgent.text()).toContain('Only an Owner or Admin can invite people.')
  })

  it('validates the new-account form on the invitation page', async () => {
    const owner = await signUp()
    const email = uniqueEmail('short')
    await owner.client.post(`/o/${owner.slug}/team/invitations`, { email, role: 'agent' })
    const res = await new Client().post(await invitationLink(email), { name: '', password: 'short' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'name')).toBe('Enter your name')
    expect(errorFor(html, 'password')).toBe('Use at least 10 characters')
  })
})

describe('roles and deactivation', () => {
  it('keeps at least one active Owner', async () => {
    const owner = await signUp()
    const me = await ownerId(owner.slug)
    const demote = await owner.client.post(`/o/${owner.slug}/team/${me}/role`, { role: 'admin' })
    expect(demote.status).toBe(422)
    expect(await demote.text()).toContain('at least one active Owner')
    const second = await joinAs(owner.client, owner.slug, 'owner', 'Olga Owner')
    expect((await owner.client.post(`/o/${owner.slug}/team/${me}/role`, { role: 'admin' })).status).toBe(303)
    // Now Olga is the only Owner and cannot step down.
    expect((await second.client.post(`/o/${owner.slug}/team/${second.userId}/role`, { role: 'agent' })).status).toBe(
      422,
    )
  })

  it('does not let Admins change or deactivate Owners, nor anyone deactivate themselves', async () => {
    const owner = await signUp()
    const me = await ownerId(owner.slug)
    const admin = await joinAs(owner.client, owner.slug, 'admin', 'Adam Admin')
    expect((await admin.client.post(`/o/${owner.slug}/team/${me}/role`, { role: 'agent' })).status).toBe(403)
    expect((await admin.client.post(`/o/${owner.slug}/team/${me}/deactivate`)).status).toBe(403)
    expect((await admin.client.post(`/o/${owner.slug}/team/${admin.userId}/role`, { role: 'owner' })).status).toBe(403)
    const self = await admin.client.post(`/o/${owner.slug}/team/${admin.userId}/deactivate`)
    expect(self.status).toBe(422)
    expect(await self.text()).toContain('You cannot deactivate yourself.')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Agnes Agent')
    expect((await agent.client.post(`/o/${owner.slug}/team/${admin.userId}/role`, { role: 'agent' })).status).toBe(403)
    expect((await admin.client.post(`/o/${owner.slug}/team/${agent.userId}/role`, { role: 'admin' })).status).toBe(303)
  })

  it('ends a deactivated member’s access at their next request, drops them from pickers, and flags their leads', async () => {
    const owner = await signUp()
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Dora Deactivated')
    const lead = await createLead(owner.client, owner.slug, { name: 'Workload Lead' })
    await owner.client.post(`/o/${owner.slug}/leads/${lead}/assign`, { assigneeId: agent.userId })
    expect(leadIds(await agent.client.html(`/o/${owner.slug}/leads`))).toEqual([lead])

    expect((await owner.client.post(`/o/${owner.slug}/team/${agent.userId}/deactivate`)).status).toBe(303)
    expect((await agent.client.get(`/o/${owner.slug}/leads`)).status).toBe(404)
    expect((await agent.client.get(`/o/${owner.slug}/leads/${lead}`)).status).toBe(404)

    const row = await teamRow(owner.client, owner.slug, agent.userId)
    expect(row?.status).toBe('deactivated')
    expect(row?.html).toContain('needs reassignment')
    const leadPage = await owner.client.html(`/o/${owner.slug}/leads/${lead}`)
    expect(leadPage).not.toContain(`<option value="${agent.userId}"`)
    const other = await createLead(owner.client, owner.slug, { name: 'Fresh Lead' })
    const stale = await owner.client.post(`/o/${owner.slug}/leads/${other}/assign`, { assigneeId: agent.userId })
    expect(stale.status).toBe(422)
    expect(await stale.text()).toContain('Dora Deactivated is deactivated')

    expect((await owner.client.post(`/o/${owner.slug}/team/${agent.userId}/reactivate`)).status).toBe(303)
    expect(leadIds(await agent.client.html(`/o/${owner.slug}/leads`))).toEqual([lead])
    // Active again, the member is offered on the same page.
    expect(await owner.client.html(`/o/${owner.slug}/leads/${lead}`)).toContain(`<option value="${agent.userId}"`)
  })

  it('shows open-lead counts to Owners and Admins, sortable, but not to Agents', async () => {
    const owner = await signUp()
    const busy = await joinAs(owner.client, owner.slug, 'agent', 'Zed Busy')
    const idle = await joinAs(owner.client, owner.slug, 'agent', 'Abe Idle')
    for (const name of ['One', 'Two']) {
      const id = await createLead(owner.client, owner.slug, { name })
      await owner.client.post(`/o/${owner.slug}/leads/${id}/assign`, { assigneeId: busy.userId })
    }
    const sorted = await owner.client.html(`/o/${owner.slug}/team?sort=open`)
    const order = [...sorted.matchAll(/<tr data-member-id="([^"]+)"/g)].map((m) => m[1])
    expect(order[0]).toBe(busy.userId)
    expect(sorted).toContain(`href="/o/${owner.slug}/leads?assignee=${busy.userId}">2</a>`)
    const agentView = await idle.client.html(`/o/${owner.slug}/team`)
    expect(agentView).not.toContain('Open leads')
    expect(agentView).not.toContain('Send invitation')
    expect(sorted).toContain('Open leads') // the Owner's view of the same page has both
    expect(sorted).toContain('Send invitation')
  })
})

describe('settings', () => {
  it('lets Owners and Admins turn the pool on for Agents; Agents get 403', async () => {
    const owner = await signUp()
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Agnes Agent')
    expect((await agent.client.get(`/o/${owner.slug}/pool`)).status).toBe(404)
    expect((await agent.client.get(`/o/${owner.slug}/settings`)).status).toBe(403)
    expect((await agent.client.post(`/o/${owner.slug}/settings`, { poolEnabled: '1' })).status).toBe(403)
    expect((await owner.client.post(`/o/${owner.slug}/settings`, { poolEnabled: '1' })).status).toBe(303)
    const settings = dom(await owner.client.html(`/o/${owner.slug}/settings`))
    expect(settings.querySelector('#settings-form input[name="poolEnabled"]')?.hasAttribute('checked')).toBe(true)
    expect(settings.querySelector('#settings-form input[name="multipleAssignees"]')?.hasAttribute('checked')).toBe(
      false,
    )
    expect((await agent.client.get(`/o/${owner.slug}/pool`)).status).toBe(200)
  })
})

describe('Owners alone manage Admins; invitations follow their sender', () => {
  it('refuses an Admin changing or deactivating another Admin', async () => {
    const owner = await signUp()
    const ada = await joinAs(owner.client, owner.slug, 'admin', 'Ada Admin')
    const bea = await joinAs(owner.client, owner.slug, 'admin', 'Bea Admin')
    expect((await ada.client.post(`/o/${owner.slug}/team/${bea.userId}/deactivate`)).status).toBe(403)
    expect((await ada.client.post(`/o/${owner.slug}/team/${bea.userId}/role`, { role: 'agent' })).status).toBe(403)
    expect((await owner.client.post(`/o/${owner.slug}/team/${bea.userId}/role`, { role: 'agent' })).status).toBe(303)
  })

  it('revokes the pending invitations of a member who is deactivated, or can no longer send them', async () => {
    const owner = await signUp()
    const olga = await joinAs(owner.client, owner.slug, 'owner', 'Olga Owner')
    const ada = await joinAs(owner.client, owner.slug, 'admin', 'Ada Admin')
    const byOlga = uniqueEmail('olga-invite')
    await olga.client.post(`/o/${owner.slug}/team/invitations`, { email: byOlga, role: 'owner' })
    const byAda = uniqueEmail('ada-invite')
    await ada.client.post(`/o/${owner.slug}/team/invitations`, { email: byAda, role: 'agent' })
    const olgaLink = await invitationLink(byOlga)
    const adaLink = await invitationLink(byAda)
    await owner.client.post(`/o/${owner.slug}/team/${olga.userId}/role`, { role: 'admin' })
    expect((await new Client().get(olgaLink)).status).toBe(404) // an Admin cannot invite Owners
    expect((await new Client().get(adaLink)).status).toBe(200)
    await owner.client.post(`/o/${owner.slug}/team/${ada.userId}/deactivate`)
    expect((await new Client().get(adaLink)).status).toBe(404)
  })
})

describe('telling people what happened', () => {
  it('confirms team actions and explains deactivation to the member who lost access', async () => {
    const owner = await signUp('Told Co')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Tia Told')
    const res = await owner.client.post(`/o/${owner.slug}/team/${agent.userId}/deactivate`)
    expect(await owner.client.html(res.headers.get('Location')!)).toContain('Member deactivated')
    const refused = await agent.client.get(`/o/${owner.slug}/leads`)
    expect(refused.status).toBe(404)
    expect(await refused.text()).toContain('Your membership in Told Co was deactivated')
    expect(await agent.client.html('/signup')).toContain('You are not an active member of any organization right now')
  })
})
