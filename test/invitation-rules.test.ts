/**
 * Invitations follow the rule for members (issue 8 §6): Owners invite with any role and change or
 * revoke any pending invitation; Admins invite Agents and Admins but change or revoke only Agent
 * invitations; Agents do none of it. Every invitation action × role.
 */
import { describe, expect, it } from 'vitest'
import { type Client, env, invitationLink, joinAs, signUp, uniqueEmail } from './helpers'

type Role = 'owner' | 'admin' | 'agent'
const ROLES: Role[] = ['owner', 'admin', 'agent']

/** An organization and a client acting in it with `actor`'s role. */
async function orgWith(actor: Role) {
  const owner = await signUp(`Invite ${actor} Co`, 'Oona Owner')
  const client =
    actor === 'owner' ? owner.client : (await joinAs(owner.client, owner.slug, actor, 'Acting Person')).client
  return { owner, slug: owner.slug, client }
}

/** A pending invitation with `role`, sent by the Owner; answers its email and id. */
async function pending(owner: Client, slug: string, role: Role) {
  const email = uniqueEmail(`pending-${role}`)
  expect((await owner.post(`/o/${slug}/team/invitations`, { email, role })).status).toBe(303)
  const row = await env.DB.prepare('SELECT id, role FROM invitations WHERE email = ?').bind(email).first<{
    id: string
    role: Role
  }>()
  return { email, id: row!.id }
}

const roleOf = async (email: string) =>
  (await env.DB.prepare('SELECT role FROM invitations WHERE email = ?').bind(email).first<{ role: Role }>())?.role

/** Expected answer of each action by each role: 303 done, 403 refused. */
const MAY_INVITE: Record<Role, Record<Role, number>> = {
  owner: { owner: 303, admin: 303, agent: 303 },
  admin: { owner: 403, admin: 303, agent: 303 },
  agent: { owner: 403, admin: 403, agent: 403 },
}
const MAY_TOUCH: Record<Role, Record<Role, number>> = {
  owner: { owner: 303, admin: 303, agent: 303 },
  admin: { owner: 403, admin: 403, agent: 303 },
  agent: { owner: 403, admin: 403, agent: 403 },
}

describe.each(ROLES)('an %s', (actor) => {
  it('invites with the roles their own role allows', async () => {
    const { client, slug } = await orgWith(actor)
    for (const role of ROLES) {
      const email = uniqueEmail(`new-${role}`)
      const res = await client.post(`/o/${slug}/team/invitations`, { email, role })
      expect(res.status, `${actor} invites an ${role}`).toBe(MAY_INVITE[actor][role])
      expect(await roleOf(email)).toBe(res.status === 303 ? role : undefined)
    }
  })

  it('changes the role of (re-invites) a pending invitation sent by an Owner only as the member rule allows', async () => {
    const { owner, client, slug } = await orgWith(actor)
    for (const role of ROLES) {
      const { email } = await pending(owner.client, slug, role)
      const link = await invitationLink(email)
      const res = await client.post(`/o/${slug}/team/invitations`, {
        email,
        role: role === 'agent' ? 'admin' : 'agent',
      })
      expect(res.status, `${actor} changes a pending ${role} invitation`).toBe(MAY_TOUCH[actor][role])
      if (res.status === 403) {
        expect(await res.text()).toMatch(/Only an (Owner|Owner or Admin) can/)
        expect(await roleOf(email)).toBe(role)
        // The link still works: nothing was replaced.
        expect((await owner.client.get(link)).status).not.toBe(404)
      } else {
        expect(await roleOf(email)).not.toBe(role)
      }
    }
  })

  it('revokes a pending invitation sent by an Owner only as the member rule allows', async () => {
    const { owner, client, slug } = await orgWith(actor)
    for (const role of ROLES) {
      const { email, id } = await pending(owner.client, slug, role)
      const res = await client.post(`/o/${slug}/team/invitations/${id}/revoke`)
      expect(res.status, `${actor} revokes a pending ${role} invitation`).toBe(MAY_TOUCH[actor][role])
      expect(await roleOf(email)).toBe(res.status === 303 ? undefined : role)
      if (res.status === 403) expect(await res.text()).toMatch(/Only an (Owner|Owner or Admin) can/)
    }
  })
})

describe('the pending invitations list', () => {
  it('offers an Admin Revoke for Agent invitations only, and says who can revoke the others', async () => {
    const { owner, client, slug } = await orgWith('admin')
    const agentInvite = await pending(owner.client, slug, 'agent')
    const ownerInvite = await pending(owner.client, slug, 'owner')
    const page = await client.html(`/o/${slug}/team`)
    expect(page).toContain(`/team/invitations/${agentInvite.id}/revoke`)
    expect(page).not.toContain(`/team/invitations/${ownerInvite.id}/revoke`)
    expect(page).toContain('Only an Owner can revoke it')
    const ownerPage = await owner.client.html(`/o/${slug}/team`)
    expect(ownerPage).toContain(`/team/invitations/${ownerInvite.id}/revoke`)
  })

  it('answers 404 for an invitation of another organization, whoever asks', async () => {
    const a = await orgWith('owner')
    const b = await orgWith('owner')
    const { id } = await pending(a.owner.client, a.slug, 'agent')
    expect((await b.client.post(`/o/${b.slug}/team/invitations/${id}/revoke`)).status).toBe(404)
  })
})
