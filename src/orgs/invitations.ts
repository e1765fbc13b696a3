/**
 * Invitations to join an organization. An invitation is a single-use link that expires after 7
 * days; only a hash of its token is stored. Inviting the same address again replaces the old link
 * (that is how an invitation's role is changed).
 * Invitations follow the rules for members (team.ts): Owners invite with any role, Admins invite
 * Agents and Admins; only Owners replace or revoke a pending Owner or Admin invitation.
 * The invitation email is written to the outbox in the same D1 batch as the invitation.
 */
import { browserTimeZone } from '../lib/time-zones'
import { and, asc, eq } from 'drizzle-orm'
import { z } from 'zod'
import { hashPassword } from '../auth/password'
import { emailField, newPassword, normalizeEmail, personName } from '../auth/accounts'
import type { BatchItem } from 'drizzle-orm/batch'
import { runBatch, type Database } from '../db/client'
import { uniqueViolation } from '../db/errors'
import {
  invitations,
  memberships,
  organizations,
  users,
  type Invitation,
  type Organization,
  type Role,
} from '../db/schema'
import { newId } from '../lib/ids'
import { notFound, Refusal } from '../lib/errors'
import { hashToken, newToken } from '../lib/tokens'
import type { Unit } from '../access/unit'
import { DIRECTORY, findAcross, type DatabaseBindings } from '../access/databases'
import { copyMembershipsToDirectory, userMirror, type MirroredUser } from '../access/mirror'
import { isManager, isOwner, type Viewer } from '../access/viewer'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import { invitationEmail } from '../email/templates'

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000

export const inviteSchema = z.object({
  email: emailField('Enter the email address of the person to invite'),
  role: z.enum(['owner', 'admin', 'agent'], 'Choose a role'),
})

const OWNERS_ONLY = 'Only an Owner can change or revoke an invitation for an Owner or Admin.'

/** May `actor` replace or revoke a pending invitation with `role`? (The member rule: Admins touch Agents only.) */
function mayTouch(actor: Viewer, role: Role): boolean {
  return actor.role === 'owner' || (actor.role === 'admin' && role === 'agent')
}

/**
 * Invites `input.email` into the unit's organization with `input.role`, on behalf of the unit's viewer (the email
 * names its actor as who invites and links to `unit.mail.appUrl`; the link expires INVITATION_TTL_MS after
 * `unit.now`), emailing a new link (an earlier pending invitation of the same address is replaced and its link stops
 * working). `options.also`: statements to run first in the same batch (e.g. recording the form token,
 * db/idempotency.ts).
 * @throws Refusal 403 when the viewer may not invite (or not with that role, or may not replace the
 *   address's pending Owner/Admin invitation), 422 when the address already belongs to a member
 */
export async function inviteMember(
  unit: Unit,
  input: { email: string; role: Role },
  { also = [] }: { also?: BatchItem<'sqlite'>[] } = {},
): Promise<void> {
  const { db, viewer: actor, now } = unit
  if (!isManager(actor)) throw new Refusal(403, 'Only an Owner or Admin can invite people.')
  if (isOwner(input) && !isOwner(actor)) throw new Refusal(403, 'Only an Owner can invite another Owner.')
  const email = normalizeEmail(input.email)
  const member = await db
    .select({ status: memberships.status })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, actor.orgId), eq(users.email, email)))
    .get()
  if (member?.status === 'active')
    throw new Refusal(422, `${email} is already a member of this organization.`, { field: 'email' })
  if (member)
    throw new Refusal(422, `${email} is a deactivated member: reactivate them in the list above instead.`, {
      field: 'email',
    })
  const pending = await db
    .select({ role: invitations.role })
    .from(invitations)
    .where(and(eq(invitations.orgId, actor.orgId), eq(invitations.email, email)))
    .get()
  if (pending && !mayTouch(actor, pending.role)) throw new Refusal(403, OWNERS_ONLY)

  const token = newToken()
  const expiresAt = now + INVITATION_TTL_MS
  const values = {
    tokenHash: await hashToken(token),
    role: input.role,
    invitedBy: actor.userId,
    expiresAt,
    createdAt: now,
  }
  const mail = outboxInsert(
    db,
    {
      orgId: actor.orgId,
      to: email,
      kind: 'invitation',
      ...invitationEmail({
        orgName: unit.org.name,
        inviterName: unit.actor?.name ?? '',
        role: input.role,
        link: `${unit.mail.appUrl.replace(/\/+$/, '')}/invite/${token}`,
        expiresAt,
      }),
    },
    now,
  )
  await runBatch(db, [
    ...also,
    db
      .insert(invitations)
      .values({ id: newId(), orgId: actor.orgId, email, ...values })
      .onConflictDoUpdate({ target: [invitations.orgId, invitations.email], set: values }),
    mail.statement,
  ])
  // The row is committed; if the queue is down now, the outbox sweep sends it later.
  await dispatchEmails(unit.mail.queue, [mail.message]).catch((error) =>
    console.error('invitation email not queued yet', mail.id, error),
  )
}

/** Pending invitations of `unit.org`, oldest first (expired ones included, marked by the view). */
export async function pendingInvitations(unit: Pick<Unit, 'db' | 'org'>) {
  return unit.db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      invitedBy: users.name,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.invitedBy))
    .where(eq(invitations.orgId, unit.org.id))
    .orderBy(asc(invitations.createdAt))
    .all()
}

/**
 * Revokes invitation `id` of `unit.viewer`'s organization, that viewer acting: its link stops working. Idempotent: an
 * invitation already gone (revoked by a double click or a colleague at the same moment, or accepted)
 * is left gone, and the answer is the same.
 * @throws Refusal 403 for Agents, and for Admins when it invites an Owner or Admin; 404 when it is an
 *   invitation of another organization
 */
export async function revokeInvitation(unit: Pick<Unit, 'db' | 'viewer'>, id: string): Promise<void> {
  const { db, viewer: actor } = unit
  if (!isManager(actor)) throw new Refusal(403, 'Only an Owner or Admin can revoke invitations.')
  const mine = and(eq(invitations.id, id), eq(invitations.orgId, actor.orgId))
  // The role is checked in the DELETE itself, so a replacement with another role in between is not revoked.
  const allowed = actor.role === 'owner' ? mine : and(mine, eq(invitations.role, 'agent'))
  const result = await db.delete(invitations).where(allowed).run()
  if (result.meta.changes === 1) return
  const exists = await db.select({ id: invitations.id }).from(invitations).where(mine).get()
  if (exists) throw new Refusal(403, OWNERS_ONLY)
  // Gone everywhere: already revoked (or accepted) meanwhile, nothing left to do. Another organization's: 404.
  const elsewhere = await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.id, id)).get()
  if (elsewhere) throw notFound()
}

/** An invitation found by its link, with its organization and whether the email has an account. */
export type OpenInvitation = { invitation: Invitation; org: Organization; accountExists: boolean }

/**
 * The databases an invitation link touches: the directory (accounts, the membership's copy) and `of(binding)`, a
 * database by binding name (the organization's: the invitation and the membership's truth; access/mirror.ts).
 */
export type InvitationDatabases = { env: DatabaseBindings; directory: Database; of: (binding: string) => Database }

/**
 * The invitation behind `token`, in whichever database its organization lives (each is asked).
 * @throws Refusal 404 when the link is unknown (never issued, used, revoked or replaced), 410 when
 *   it has expired
 */
export async function openInvitation(
  dbs: InvitationDatabases,
  token: string,
  now = Date.now(),
): Promise<OpenInvitation> {
  const tokenHash = await hashToken(token)
  const row = await findAcross(dbs.env, (binding) =>
    dbs
      .of(binding)
      .select({ invitation: invitations, org: organizations })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.orgId))
      .where(eq(invitations.tokenHash, tokenHash))
      .get(),
  )
  if (!row)
    throw new Refusal(
      404,
      'This invitation link is not valid: it was already used, revoked or replaced by a newer one.',
    )
  if (row.invitation.expiresAt <= now) throw new Refusal(410, 'This invitation has expired. Ask for a new one.')
  const account = await dbs.directory
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, row.invitation.email))
    .get()
  return { ...row, accountExists: Boolean(account) }
}

/**
 * Turns the invitation into a membership of `person` and uses up the link: in the organization's database (with
 * `person`'s mirror row there), then the membership's copy in the directory (access/mirror.ts); `first`: statements
 * to run in the directory before (a new account), so that an account taken meanwhile stops it before anything else.
 */
async function join(
  dbs: InvitationDatabases,
  open: OpenInvitation,
  person: MirroredUser,
  now: number,
  first: BatchItem<'sqlite'>[] = [],
): Promise<void> {
  const { invitation, org } = open
  const db = dbs.of(org.database)
  const joining = [
    db
      .insert(memberships)
      .values({
        id: newId(),
        orgId: invitation.orgId,
        userId: person.id,
        role: invitation.role,
        status: 'active',
        lastUsedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [memberships.orgId, memberships.userId] }),
    db.delete(invitations).where(eq(invitations.id, invitation.id)),
  ]
  if (org.database === DIRECTORY) return runBatch(db, [...first, ...joining])
  await runBatch(dbs.directory, first)
  await runBatch(db, [userMirror(db, person, now), ...joining])
  await copyMembershipsToDirectory({ db, directory: dbs.directory, org }, [person.id])
}

/**
 * Accepts the invitation for a signed-in user whose email is the invited one.
 * @throws Refusal 403 when the user's email is another address
 */
export async function acceptAsUser(
  dbs: InvitationDatabases,
  open: OpenInvitation,
  user: MirroredUser,
  now = Date.now(),
): Promise<void> {
  if (normalizeEmail(user.email) !== open.invitation.email) {
    throw new Refusal(403, `This invitation is for ${open.invitation.email}, but you are signed in as ${user.email}.`)
  }
  await join(dbs, open, user, now)
}

export const newAccountSchema = z.object({ name: personName, password: newPassword, timeZone: browserTimeZone })

/**
 * Accepts the invitation by creating the invited person's account (email from the invitation) in the directory,
 * then the membership (`join`).
 * @returns the new user's id
 * @throws Refusal 422 when an account with the invited email exists (log in instead)
 */
export async function acceptWithNewAccount(
  dbs: InvitationDatabases,
  open: OpenInvitation,
  input: z.infer<typeof newAccountSchema>,
  now = Date.now(),
): Promise<string> {
  if (open.accountExists) throw new Refusal(422, `An account for ${open.invitation.email} exists: log in to accept.`)
  const person = { id: newId(), name: input.name, email: open.invitation.email, timeZone: input.timeZone }
  const passwordHash = await hashPassword(input.password)
  try {
    await join(dbs, open, person, now, [
      dbs.directory.insert(users).values({ ...person, passwordHash, createdAt: now, updatedAt: now }),
    ])
  } catch (error) {
    if (uniqueViolation(error, 'users.email')) {
      throw new Refusal(422, `An account for ${open.invitation.email} exists: log in to accept.`)
    }
    throw error
  }
  return person.id
}
