/** What routes inside `/o/{slug}` read from the request context (set by orgs/middleware.ts). */
import type { Context } from 'hono'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { DEFAULT_TIME_ZONE } from '../lib/time-zones'
import type { Unit } from './unit'
import { isManager, type Shell, type Viewer } from './viewer'

/**
 * The signed-in person's time zone (IANA name), as their session's lookup read it (src/auth/session-adapter.ts):
 * no statement of its own. Code that just changed it reads access/time-zone.ts `timeZoneOf` instead.
 */
export function viewerTimeZone(c: Context<App>): string {
  return c.var.user?.timeZone ?? DEFAULT_TIME_ZONE
}

/** The signed-in member as the lead policy sees them (routes read it as `c.var.unit.viewer`). */
function viewerOf(c: Context<App>): Viewer {
  const { org, membership } = c.var.orgContext
  return {
    orgId: org.id,
    userId: membership.userId,
    role: membership.role,
    poolEnabled: org.poolEnabled,
    multipleAssignees: org.multipleAssignees,
    agentsMayHandOff: org.agentsMayHandOff,
  }
}

/**
 * The request's unit of work (access/unit.ts) once `c.var.orgContext` is set: the request's D1 session of the
 * organization's database (and of the directory), the
 * signed-in member as viewer and actor, the clock read once. The membership middleware calls it; routes read
 * `c.var.unit`.
 */
export function memberUnit(c: Context<App>): Unit {
  const { org } = c.var.orgContext
  const user = c.var.user!
  return {
    db: c.var.sessionOf(org.database),
    directory: c.var.db,
    org: { id: org.id, name: org.name, slug: org.slug, database: org.database },
    viewer: viewerOf(c),
    actor: { id: user.id, name: user.name },
    now: Date.now(),
    mail: { appUrl: c.env.APP_URL, queue: c.env.EMAIL_QUEUE },
  }
}

/** Page chrome for every organization page: who is signed in, where, and the switcher. */
export function shellOf(c: Context<App>): Shell {
  const { org, membership, orgs } = c.var.orgContext
  return {
    user: c.var.user!,
    org: {
      name: org.name,
      slug: org.slug,
      poolEnabled: org.poolEnabled,
      multipleAssignees: org.multipleAssignees,
      handoffNoteRequired: org.handoffNoteRequired,
      handoffAckHours: org.handoffAckHours,
      agentsMayHandOff: org.agentsMayHandOff,
    },
    role: membership.role,
    orgs,
  }
}

/**
 * Refuses (403, with a message naming the role needed) a member who is not an Owner or Admin.
 * @throws Refusal 403
 */
export function requireManager(c: Context<App>, action = 'do this'): void {
  if (!isManager(c.var.unit.viewer)) throw new Refusal(403, `Only an Owner or Admin can ${action}.`)
}
