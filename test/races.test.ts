/**
 * Concurrent writes never answer 5xx: for every write route, 10 simultaneous requests × 5 rounds
 * answer 2xx/3xx or 409/422 (the Client fails the test on any 5xx), and the end state is one that
 * some serial order of the same requests could produce.
 */
import { createScheduledController } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../src/index'
import { Client, env, formFields, joinAs, signUp, uniqueEmail } from './helpers'
import { addLead, addMembers, inParallel, responsesInParallel, rounds, rows } from './concurrency'

const N = 10
const ROUNDS = 5
/** Per-test time limit (ms): fifty requests and more on a shared 2-core machine. */
const T = 180_000

/** The primary assignees of `leadId` (user ids). */
async function primaries(leadId: string) {
  return (
    await rows<{ user_id: string }>("SELECT user_id FROM lead_assignees WHERE lead_id = ? AND kind = 'primary'", leadId)
  ).map((r) => r.user_id)
}

/** Activities of `leadId` of `type`, oldest first, with their data. */
async function activitiesOf(leadId: string, type: string) {
  return (
    await rows<{ data: string }>(
      'SELECT data FROM activities WHERE lead_id = ? AND type = ? ORDER BY created_at, id',
      leadId,
      type,
    )
  ).map((r) => JSON.parse(r.data) as Record<string, { id: string } | string | null>)
}

/**
 * A new organization of `client` (made through POST /orgs, no password hashing): invitations are
 * rate-limited per organization (20 a minute, src/rate-limits.ts), so each round of ten-at-once
 * invitations runs in an organization of its own.
 * @returns its slug
 */
async function newOrganization(client: Client, name: string) {
  const res = await client.post('/orgs', { organization: name })
  expect(res.status).toBe(303)
  return res.headers.get('Location')!.split('/')[2]!
}

async function orgId(slug: string) {
  return (await rows<{ id: string }>('SELECT id FROM organizations WHERE slug = ?', slug))[0]!.id
}

describe('assignment under concurrent writes', () => {
  it(
    'assign: ten simultaneous assignments of one lead to ten members leave one primary, one of them',
    async () => {
      const { client, slug } = await signUp('Race Assign Co')
      const members = await addMembers(slug, N)
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Assign race ${r}`)
        const statuses = await inParallel(N, (i) =>
          client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: members[i]! }),
        )
        const owners = await primaries(lead)
        expect(owners).toHaveLength(1)
        expect(members).toContain(owners[0])
        // A serial order: one `assigned`, then transfers each starting from the previous assignee.
        const chain = [...(await activitiesOf(lead, 'assigned')), ...(await activitiesOf(lead, 'transferred'))]
        expect(chain.filter((a) => a.from === null)).toHaveLength(1)
        expect(chain.length).toBe(statuses.filter((s) => s === 303).length)
        return statuses
      })
    },
    T,
  )

  it(
    'assign from the list row (htmx): simultaneous assignments answer 200 or 409, never 5xx',
    async () => {
      const { client, slug } = await signUp('Race Row Co')
      const members = await addMembers(slug, N)
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Row race ${r}`)
        const statuses = await inParallel(N, (i) =>
          client.post(
            `/o/${slug}/leads/${lead}/assign`,
            { assigneeId: members[i]!, from: 'list' },
            { 'HX-Request': 'true' },
          ),
        )
        expect(await primaries(lead)).toHaveLength(1)
        return statuses
      })
    },
    T,
  )

  it(
    'transfer: ten simultaneous transfers of an assigned lead leave one primary among those asked',
    async () => {
      const { client, slug } = await signUp('Race Transfer Co')
      const [first, ...others] = await addMembers(slug, N + 1)
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Transfer race ${r}`, { assignee: first! })
        const statuses = await inParallel(N, (i) =>
          client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: others[i]!, note: `handoff ${i}` }),
        )
        const owners = await primaries(lead)
        expect(owners).toHaveLength(1)
        expect(others).toContain(owners[0])
        const transfers = await activitiesOf(lead, 'transferred')
        expect((transfers[0]!.from as { id: string }).id).toBe(first)
        // Each transfer starts from the assignee the previous one left.
        for (let i = 1; i < transfers.length; i++)
          expect((transfers[i]!.from as { id: string }).id).toBe((transfers[i - 1]!.to as { id: string }).id)
        return statuses
      })
    },
    T,
  )

  it(
    'unassign: ten simultaneous unassigns write one `unassigned` activity and leave no assignee',
    async () => {
      const { client, slug } = await signUp('Race Unassign Co')
      const [member] = await addMembers(slug, 1)
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Unassign race ${r}`, { assignee: member! })
        const statuses = await inParallel(N, () => client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: '' }))
        expect(await primaries(lead)).toEqual([])
        expect(await activitiesOf(lead, 'unassigned')).toHaveLength(1)
        return statuses
      })
    },
    T,
  )

  it(
    'bulk assign: ten simultaneous bulk assignments of the same leads give every lead the same one assignee',
    async () => {
      const { client, slug } = await signUp('Race Bulk Co')
      const members = await addMembers(slug, N)
      await rounds(ROUNDS, async (r) => {
        const leads = [
          await addLead(slug, `Bulk race ${r} a`),
          await addLead(slug, `Bulk race ${r} b`),
          await addLead(slug, `Bulk race ${r} c`),
        ]
        const statuses = await inParallel(N, (i) => {
          const body = new URLSearchParams({ assigneeId: members[i]! })
          for (const id of leads) body.append('leadIds', id)
          return client.request(`/o/${slug}/leads/bulk-assign`, { method: 'POST', body })
        })
        const owners = await Promise.all(leads.map(primaries))
        for (const o of owners) expect(o).toHaveLength(1)
        // Each bulk assignment is atomic: a serial order leaves all three with the last one's assignee.
        expect(new Set(owners.map((o) => o[0])).size).toBe(1)
        return statuses
      })
    },
    T,
  )

  it(
    'bulk unassign: ten simultaneous bulk unassignments write one `unassigned` activity per lead',
    async () => {
      const { client, slug } = await signUp('Race Bulk Unassign Co')
      const [member] = await addMembers(slug, 1)
      await rounds(ROUNDS, async (r) => {
        const leads = [
          await addLead(slug, `Bulk un ${r} a`, { assignee: member! }),
          await addLead(slug, `Bulk un ${r} b`, { assignee: member! }),
        ]
        const statuses = await inParallel(N, () => {
          const body = new URLSearchParams({ assigneeId: 'none' })
          for (const id of leads) body.append('leadIds', id)
          return client.request(`/o/${slug}/leads/bulk-assign`, { method: 'POST', body })
        })
        for (const id of leads) {
          expect(await primaries(id)).toEqual([])
          expect(await activitiesOf(id, 'unassigned')).toHaveLength(1)
        }
        return statuses
      })
    },
    T,
  )

  it(
    'collaborators: ten simultaneous adds of one member make one row; ten removes leave none, one activity each',
    async () => {
      const { client, slug } = await signUp('Race Collab Co')
      await client.post(`/o/${slug}/settings`, { multipleAssignees: '1' })
      const [owner, collaborator] = await addMembers(slug, 2)
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Collab race ${r}`, { assignee: owner! })
        const added = await inParallel(N, () =>
          client.post(`/o/${slug}/leads/${lead}/assignees`, { userId: collaborator! }),
        )
        const kept = await rows('SELECT 1 FROM lead_assignees WHERE lead_id = ? AND user_id = ?', lead, collaborator)
        expect(kept).toHaveLength(1)
        expect(await activitiesOf(lead, 'collaborator_added')).toHaveLength(1)
        const removed = await inParallel(N, () =>
          client.post(`/o/${slug}/leads/${lead}/assignees/${collaborator}/remove`),
        )
        expect(
          await rows('SELECT 1 FROM lead_assignees WHERE lead_id = ? AND user_id = ?', lead, collaborator),
        ).toEqual([])
        expect(await activitiesOf(lead, 'collaborator_removed')).toHaveLength(1)
        expect(await primaries(lead)).toEqual([owner])
        return [...added, ...removed]
      })
    },
    T,
  )

  it(
    'collaborator add racing assignments of the same member: one row for them, one primary',
    async () => {
      const { client, slug } = await signUp('Race Collab Assign Co')
      await client.post(`/o/${slug}/settings`, { multipleAssignees: '1' })
      const [member, other] = await addMembers(slug, 2)
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Collab assign race ${r}`, { assignee: other! })
        const statuses = await inParallel(N, (i) =>
          i % 2
            ? client.post(`/o/${slug}/leads/${lead}/assignees`, { userId: member! })
            : client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: member! }),
        )
        expect(await rows('SELECT 1 FROM lead_assignees WHERE lead_id = ? AND user_id = ?', lead, member)).toHaveLength(
          1,
        )
        expect(await primaries(lead)).toHaveLength(1)
        return statuses
      })
    },
    T,
  )

  it(
    'claim: ten simultaneous claims of one pool lead give it to exactly one claimant; the others get 409',
    async () => {
      const owner = await signUp('Race Claim Co')
      await owner.client.post(`/o/${owner.slug}/settings`, { poolEnabled: '1' })
      const agents: { client: Client; userId: string }[] = []
      for (const name of ['Cal', 'Dee', 'Eve']) agents.push(await joinAs(owner.client, owner.slug, 'agent', name))
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(owner.slug, `Claim race ${r}`, { inPool: true })
        const statuses = await inParallel(N, (i) =>
          agents[i % agents.length]!.client.post(`/o/${owner.slug}/leads/${lead}/claim`),
        )
        expect(statuses.filter((s) => s === 303)).toHaveLength(1)
        const owners = await primaries(lead)
        expect(owners).toHaveLength(1)
        expect(agents.map((a) => a.userId)).toContain(owners[0])
        expect(await rows("SELECT 1 FROM activities WHERE lead_id = ? AND type = 'claimed'", lead)).toHaveLength(1)
        return statuses
      })
    },
    T,
  )

  it(
    'pool moves: ten simultaneous moves in and out leave the flag as the last `moved_*` activity says',
    async () => {
      const { client, slug } = await signUp('Race Pool Co')
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Pool race ${r}`)
        const statuses = await inParallel(N, (i) =>
          client.post(`/o/${slug}/leads/${lead}/pool`, { inPool: i % 2 ? '1' : '0' }),
        )
        const moves = await rows<{ type: string }>(
          "SELECT type FROM activities WHERE lead_id = ? AND type IN ('moved_to_pool', 'removed_from_pool') ORDER BY created_at, id",
          lead,
        )
        // A serial order alternates: in, out, in, … starting from "not in the pool".
        moves.forEach((m, i) => expect(m.type).toBe(i % 2 ? 'removed_from_pool' : 'moved_to_pool'))
        const [row] = await rows<{ in_pool: number }>('SELECT in_pool FROM leads WHERE id = ?', lead)
        expect(row!.in_pool).toBe(moves.length % 2)
        return statuses
      })
    },
    T,
  )
})

describe('lead status and team management under concurrent writes', () => {
  it(
    'status: ten simultaneous changes end on one of the requested statuses, each activity from the previous',
    async () => {
      const { client, slug } = await signUp('Race Status Co')
      const wanted = ['contacted', 'qualified', 'unqualified', 'won', 'lost']
      await rounds(ROUNDS, async (r) => {
        const lead = await addLead(slug, `Status race ${r}`)
        const statuses = await inParallel(N, (i) =>
          client.post(`/o/${slug}/leads/${lead}/status`, { status: wanted[i % 5]! }),
        )
        const [row] = await rows<{ status: string }>('SELECT status FROM leads WHERE id = ?', lead)
        expect(wanted).toContain(row!.status)
        const changes = await activitiesOf(lead, 'status_changed')
        let previous = 'new'
        for (const change of changes) {
          expect(change.from).toBe(previous)
          previous = change.to as string
        }
        expect(previous).toBe(row!.status)
        return statuses
      })
    },
    T,
  )

  it(
    'role change: ten simultaneous role changes of one member end on one of the requested roles',
    async () => {
      const { client, slug } = await signUp('Race Role Co')
      const [member] = await addMembers(slug, 1)
      await rounds(ROUNDS, async () => {
        const statuses = await inParallel(N, (i) =>
          client.post(`/o/${slug}/team/${member}/role`, { role: i % 2 ? 'admin' : 'agent' }),
        )
        const [row] = await rows<{ role: string }>('SELECT role FROM memberships WHERE user_id = ?', member)
        expect(['admin', 'agent']).toContain(row!.role)
        return statuses
      })
    },
    T,
  )

  it(
    'role change: two Owners demoting each other at once keep one active Owner',
    async () => {
      const { client, slug } = await signUp('Race Owners Co')
      const others = await addMembers(slug, N, 'owner')
      const me = (
        await rows<{ user_id: string }>(
          "SELECT user_id FROM memberships WHERE role = 'owner' AND user_id NOT IN (SELECT value FROM json_each(?))",
          JSON.stringify(others),
        )
      )[0]!.user_id
      await rounds(1, async () => {
        const statuses = await inParallel(N, (i) => client.post(`/o/${slug}/team/${others[i]}/role`, { role: 'agent' }))
        const owners = await rows(
          "SELECT 1 FROM memberships WHERE org_id = ? AND role = 'owner' AND status = 'active'",
          await orgId(slug),
        )
        expect(owners.length).toBeGreaterThanOrEqual(1)
        expect(me).toBeTruthy()
        return statuses
      })
    },
    T,
  )

  it(
    'deactivate / reactivate: ten simultaneous toggles leave the member in one of the two states',
    async () => {
      const { client, slug } = await signUp('Race Deactivate Co')
      const [member] = await addMembers(slug, 1)
      await rounds(ROUNDS, async () => {
        const statuses = await inParallel(N, (i) =>
          client.post(`/o/${slug}/team/${member}/${i % 2 ? 'reactivate' : 'deactivate'}`),
        )
        const [row] = await rows<{ status: string }>('SELECT status FROM memberships WHERE user_id = ?', member)
        expect(['active', 'deactivated']).toContain(row!.status)
        return statuses
      })
    },
    T,
  )

  it(
    'settings: ten simultaneous saves leave one of the submitted combinations',
    async () => {
      const { client, slug } = await signUp('Race Settings Co')
      await rounds(ROUNDS, async () => {
        const statuses = await inParallel(N, (i) =>
          client.post(
            `/o/${slug}/settings`,
            i % 2 ? { poolEnabled: '1', multipleAssignees: '1' } : { handoffNoteRequired: '1' },
          ),
        )
        const [row] = await rows<{ p: number; m: number; h: number }>(
          'SELECT pool_enabled AS p, multiple_assignees AS m, handoff_note_required AS h FROM organizations WHERE slug = ?',
          slug,
        )
        expect([`1,1,0`, `0,0,1`]).toContain(`${row!.p},${row!.m},${row!.h}`)
        return statuses
      })
    },
    T,
  )
})

describe('invitations under concurrent writes', () => {
  it(
    'create and re-invite: ten simultaneous invitations of one address leave one pending invitation',
    async () => {
      const { client } = await signUp('Race Invite Co')
      await rounds(ROUNDS, async (r) => {
        // Twenty invitations this round: the organization's limit for a minute.
        const slug = await newOrganization(client, `Race Invite ${r}`)
        const email = uniqueEmail('raced')
        const statuses = await inParallel(N, (i) =>
          client.post(`/o/${slug}/team/invitations`, { email, role: i % 2 ? 'admin' : 'agent' }),
        )
        const pending = await rows<{ role: string }>('SELECT role FROM invitations WHERE email = ?', email)
        expect(pending).toHaveLength(1)
        expect(['admin', 'agent']).toContain(pending[0]!.role)
        // Re-inviting (the invitation exists now) at once, ten times: still one.
        statuses.push(
          ...(await inParallel(N, () => client.post(`/o/${slug}/team/invitations`, { email, role: 'agent' }))),
        )
        expect(await rows('SELECT 1 FROM invitations WHERE email = ?', email)).toHaveLength(1)
        return statuses
      })
    },
    T,
  )

  it(
    'create with one form token: the same form sent ten times at once sends one invitation email',
    async () => {
      const { client } = await signUp('Race Invite Token Co')
      await rounds(ROUNDS, async (r) => {
        const slug = await newOrganization(client, `Race Invite Token ${r}`)
        const email = uniqueEmail('once')
        const formToken = crypto.randomUUID()
        const statuses = await inParallel(N, () =>
          client.post(`/o/${slug}/team/invitations`, { email, role: 'agent', formToken }),
        )
        expect(statuses.every((s) => s === 303)).toBe(true)
        expect(await rows('SELECT 1 FROM email_outbox WHERE "to" = ?', email)).toHaveLength(1)
        return statuses
      })
    },
    T,
  )

  it(
    'revoke: ten simultaneous revocations of one invitation all succeed and remove it',
    async () => {
      const { client, slug } = await signUp('Race Revoke Co')
      await rounds(ROUNDS, async () => {
        const email = uniqueEmail('revoked')
        await client.post(`/o/${slug}/team/invitations`, { email, role: 'agent' })
        const [invitation] = await rows<{ id: string }>('SELECT id FROM invitations WHERE email = ?', email)
        const statuses = await inParallel(N, () => client.post(`/o/${slug}/team/invitations/${invitation!.id}/revoke`))
        expect(statuses.every((s) => s === 303)).toBe(true)
        expect(await rows('SELECT 1 FROM invitations WHERE email = ?', email)).toEqual([])
        return statuses
      })
    },
    T,
  )

  it(
    'accept: ten simultaneous sign-ups through one link create one account and one membership',
    async () => {
      const { client, slug } = await signUp('Race Accept Co')
      await rounds(ROUNDS, async () => {
        const email = uniqueEmail('joiner')
        await client.post(`/o/${slug}/team/invitations`, { email, role: 'agent' })
        const [mail] = await rows<{ text: string }>('SELECT text FROM email_outbox WHERE "to" = ?', email)
        const link = /\/invite\/[A-Za-z0-9_-]+/.exec(mail!.text)![0]
        const statuses = await inParallel(N, () =>
          new Client().post(link, { name: 'Jo Joiner', password: 'correct-horse-3' }),
        )
        expect(statuses.filter((s) => s === 303).length).toBeGreaterThanOrEqual(1)
        const users = await rows<{ id: string }>('SELECT id FROM users WHERE email = ?', email)
        expect(users).toHaveLength(1)
        expect(await rows('SELECT 1 FROM memberships WHERE user_id = ?', users[0]!.id)).toHaveLength(1)
        return statuses
      }, [303, 404, 409, 422])
    },
    T,
  )
})

describe('creates under concurrent and repeated posts', () => {
  it(
    'new lead: the form sent ten times at once with one token creates one lead and sends all to it',
    async () => {
      const { client, slug } = await signUp('Race Lead Co')
      await rounds(
        ROUNDS,
        async (r) => {
          const formToken = crypto.randomUUID()
          const answers = await responsesInParallel(N, () =>
            client.post(`/o/${slug}/leads`, { name: `No email ${r}`, formToken }),
          )
          expect(new Set(answers.map((a) => a.headers.get('Location'))).size).toBe(1)
          expect(await rows('SELECT 1 FROM leads WHERE name = ?', `No email ${r}`)).toHaveLength(1)
          // Sent once more later (back button, resubmit): the same answer, nothing new.
          const again = await client.post(`/o/${slug}/leads`, { name: `No email ${r}`, formToken })
          expect(again.headers.get('Location')).toBe(answers[0]!.headers.get('Location'))
          expect(await rows('SELECT 1 FROM leads WHERE name = ?', `No email ${r}`)).toHaveLength(1)
          return answers.map((a) => a.status)
        },
        [303],
      )
    },
    T,
  )

  it(
    'new lead: a form without a token still works (not de-duplicated); one with the same email makes one lead',
    async () => {
      const { client, slug } = await signUp('Race Lead Email Co')
      await rounds(ROUNDS, async (r) => {
        const email = uniqueEmail(`lead${r}`)
        const statuses = await inParallel(N, () => client.post(`/o/${slug}/leads`, { name: 'Same Email', email }))
        expect(statuses.filter((s) => s === 303)).toHaveLength(1)
        expect(await rows('SELECT 1 FROM leads WHERE email = ?', email)).toHaveLength(1)
        return statuses
      })
      expect(await inParallel(2, () => client.post(`/o/${slug}/leads`, { name: 'No token' }))).toEqual([303, 303])
      expect(await rows("SELECT 1 FROM leads WHERE name = 'No token'")).toHaveLength(2)
    },
    T,
  )

  it(
    'import: the upload sent ten times at once with one token makes one import; without a token, one lead per email',
    async () => {
      const { client, slug } = await signUp('Race Import Co')
      const upload = (csv: string, formToken?: string) => {
        const form = new FormData()
        form.set('file', new File([csv], 'leads.csv', { type: 'text/csv' }))
        if (formToken) form.set('formToken', formToken)
        return client.request(`/o/${slug}/leads/import`, { method: 'POST', body: form })
      }
      await rounds(
        ROUNDS,
        async (r) => {
          const csv = `name,email\nAda ${r},ada.${r}@import.example\nBen ${r},ben.${r}@import.example\n`
          const formToken = crypto.randomUUID()
          const answers = await responsesInParallel(N, () => upload(csv, formToken))
          expect(new Set(answers.map((a) => a.headers.get('Location'))).size).toBe(1)
          const path = answers[0]!.headers.get('Location')!
          const jobId = path.split('/').pop()
          expect(await rows('SELECT 1 FROM import_jobs WHERE id = ?', jobId)).toHaveLength(1)
          // Its mapping step confirmed ten times at once: imported once.
          const confirm = (at: string) => async () =>
            client.request(at, { method: 'POST', body: formFields(await client.html(at), 'import-mapping') })
          const confirmed = await responsesInParallel(N, confirm(path))
          // The first import took the two emails; the repeats made no job of their own.
          expect(await rows('SELECT 1 FROM leads WHERE email = ?', `ada.${r}@import.example`)).toHaveLength(1)
          expect(await rows('SELECT 1 FROM import_jobs WHERE org_id = ?', await orgId(slug))).toHaveLength(
            r * (N + 1) + 1,
          )
          const drafts = await responsesInParallel(N, () => upload(csv.replaceAll('@import', '@plain')))
          const plain = await Promise.all(
            drafts.map((d) => confirm(d.headers.get('Location')!)().then((c) => c.status)),
          )
          expect(await rows('SELECT 1 FROM leads WHERE email = ?', `ada.${r}@plain.example`)).toHaveLength(1)
          return [
            ...answers.map((a) => a.status),
            ...confirmed.map((c) => c.status),
            ...drafts.map((d) => d.status),
            ...plain,
          ]
        },
        [303],
      )
    },
    T,
  )

  it(
    'new organization: the form sent ten times at once with one token creates one organization',
    async () => {
      const { client } = await signUp('Race Org Co')
      await rounds(
        ROUNDS,
        async (r) => {
          const formToken = crypto.randomUUID()
          const answers = await responsesInParallel(N, () =>
            client.post('/orgs', { organization: `Twin ${r}`, formToken }),
          )
          expect(new Set(answers.map((a) => a.headers.get('Location'))).size).toBe(1)
          expect(await rows('SELECT 1 FROM organizations WHERE name = ?', `Twin ${r}`)).toHaveLength(1)
          // Without a token, the same name ten times at once: ten organizations with ten slugs, no error.
          const plain = await inParallel(N, () => client.post('/orgs', { organization: `Plain ${r}` }))
          expect(await rows('SELECT DISTINCT slug FROM organizations WHERE name = ?', `Plain ${r}`)).toHaveLength(N)
          return [...answers.map((a) => a.status), ...plain]
        },
        [303],
      )
    },
    T,
  )

  it(
    'used form tokens are pruned by the cron after a day',
    async () => {
      const { client, slug } = await signUp('Race Prune Co')
      const formToken = crypto.randomUUID()
      const recent = crypto.randomUUID()
      await client.post(`/o/${slug}/leads`, { name: 'Pruned', formToken })
      await client.post(`/o/${slug}/leads`, { name: 'Pruned', formToken })
      await client.post(`/o/${slug}/leads`, { name: 'Recent', formToken: recent })
      expect(await rows("SELECT 1 FROM leads WHERE name = 'Pruned'")).toHaveLength(1)
      expect(await rows('SELECT 1 FROM form_tokens WHERE key = ?', formToken)).toHaveLength(1)
      await env.DB.prepare('UPDATE form_tokens SET created_at = created_at - ? WHERE key = ?')
        .bind(25 * 3600_000, formToken)
        .run()
      await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env)
      expect(await rows('SELECT 1 FROM form_tokens WHERE key = ?', formToken)).toEqual([])
      expect(await rows('SELECT 1 FROM form_tokens WHERE key = ?', recent)).toHaveLength(1)
      await client.post(`/o/${slug}/leads`, { name: 'Pruned', formToken })
      expect(await rows("SELECT 1 FROM leads WHERE name = 'Pruned'")).toHaveLength(2)
    },
    T,
  )
})
