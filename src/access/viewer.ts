/**
 * Who is acting and in what role: the bottom layer every feature uses (docs/ARCHITECTURE.md "Layers").
 * Every question about a role is answered by one predicate here, never by comparing role strings.
 */
import type { Role } from '../db/schema'

export type { Role }

/** The signed-in person as routes see them, as their session's lookup read them; `timeZone` an IANA name (access/time-zone.ts). */
export type SessionUser = { id: string; name: string; email: string; timeZone: string }

/** An organization the user can open, for the switcher. */
export type OrgLink = { name: string; slug: string }

/** Who is looking: the signed-in active member of one organization, with its settings. */
export type Viewer = {
  orgId: string
  userId: string
  role: Role
  /** The organization's setting "Agents can see and claim the unassigned pool". */
  poolEnabled: boolean
  /** The organization's setting "multiple assignees" (collaborators may work the lead). */
  multipleAssignees: boolean
  /** The organization's setting "Agents may hand their own leads to a teammate" (absent: off). */
  agentsMayHandOff?: boolean
}

/** Who is signed in, in which organization, with which role; and their other organizations (the page shell). */
export type Shell = {
  user: { name: string }
  org: {
    name: string
    slug: string
    poolEnabled: boolean
    multipleAssignees: boolean
    handoffNoteRequired: boolean
    /** Hours a new owner has to acknowledge a handoff before one reminder. */
    handoffAckHours: number
    agentsMayHandOff: boolean
  }
  role: Role
  orgs: OrgLink[]
}

/** A role, or anything that has one (a viewer, a member, a page shell). */
export type HasRole = Role | { role: Role }

const roleOf = (who: HasRole): Role => (typeof who === 'string' ? who : who.role)

/** Owners and Admins: they see every lead, manage assignment, the team and the settings. */
export function isManager(who: HasRole): boolean {
  const role = roleOf(who)
  return role === 'owner' || role === 'admin'
}

/** Owners: they alone change Owners and Admins and make someone an Owner. */
export function isOwner(who: HasRole): boolean {
  return roleOf(who) === 'owner'
}

/** Admins: managers who are not Owners. */
export function isAdmin(who: HasRole): boolean {
  return roleOf(who) === 'admin'
}

/** Agents: they see their own leads (and the pool when it is on), never manage. */
export function isAgent(who: HasRole): boolean {
  return roleOf(who) === 'agent'
}
