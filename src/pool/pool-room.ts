/**
 * PoolRoom: one Durable Object per organization (docs/ARCHITECTURE.md "Where each Cloudflare binding is used").
 * It runs the organization's claims and its round-robin routing one at a time (a Durable Object interleaves its
 * calls while they wait on D1, so the room keeps its own queue), writes them to D1 with the statements of
 * pool/claim.ts and leads/routing.ts (D1 stays the truth: the room keeps nothing but its queue and its viewers'
 * sockets, so it survives its own restart), then re-sends the pool's live region to every viewer of the pool page
 * over hibernatable WebSockets.
 *
 * The claim lock: while a claim of a lead is in flight, later claims of that lead wait for it rather than queue
 * their own D1 reads; if it wins, they are answered "Already claimed by {name}" from its answer (to those who may
 * see the pool), else they go on to D1. The lock holds nothing once the claim has settled.
 */
import { DurableObject } from 'cloudflare:workers'
import { orgDatabase, unitFor, type AnyUnit } from '../access/unit'
import { isManager, type Viewer } from '../access/viewer'
import { createDb } from '../db/client'
import { messagesSentWith } from '../activity/activities'
import { organizations, users } from '../db/schema'
import { eq } from 'drizzle-orm'
import type { Env } from '../env'
import { Refusal } from '../lib/errors'
import { fanOut, type FanOutContext, type NotificationEvent } from '../notifications/fan-out'
import { acceptViewer, broadcast } from '../lib/websocket-room'
import { routeLeadsNow, type RoutedLead, type RoutingPlan } from '../leads/routing'
import { claimLead } from './claim'
import { poolSettings, readPool } from './queries'
import { poolLiveFragment } from './views'

/** The fan-out context a route hands the room (notifications/context.ts `fanOutContext` without the queue). */
export type RoomFanOut = Omit<FanOutContext, 'queue'>

/** What a claim answered: won (by whom), or refused with the refusal's status and message (a Refusal cannot cross RPC). */
export type ClaimAnswer = { won: true; by: string } | { won: false; status: Refusal['status']; message: string }

/** A claim of one lead in flight: who made it, and its answer once settled. */
type LeadClaim = { userId: string; answer: Promise<ClaimAnswer> }

export class PoolRoom extends DurableObject<Env> {
  /** The tail of the room's queue: the next piece of work starts when this one settles. */
  private tail: Promise<unknown> = Promise.resolve()

  /** The claim lock: the claim of each lead in flight (see the module comment). */
  private claims = new Map<string, LeadClaim>()

  /** Runs `work` after every piece of work queued before it, one at a time. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work)
    this.tail = run.catch(() => undefined)
    return run
  }

  /** Accepts a WebSocket upgrade from a viewer of the pool page (the Worker authorized them). */
  override fetch(request: Request): Response {
    return acceptViewer(this.ctx, request)
  }

  /** A viewer left: the socket is closed on this side too, so it is dropped. */
  override webSocketClose(socket: WebSocket, code: number): void {
    try {
      socket.close(code === 1005 ? 1000 : code, 'bye')
    } catch {
      // Already closed.
    }
  }

  /** A viewer's socket failed: dropped. */
  override webSocketError(socket: WebSocket): void {
    try {
      socket.close(1011, 'error')
    } catch {
      // Already closed.
    }
  }

  /**
   * Claims `leadId` for `viewer` under the organization's cap, one claim at a time, then re-sends the pool.
   * `notify`: the fan-out context of the request without its queue (a binding cannot cross RPC; the room's own is
   * used).
   * @returns `{ won: true }`, or the refusal (404, 409 "Already claimed by {name}.", 409 at the cap)
   * @throws when D1 fails before the claim committed (nothing was written: the lead stays claimable; the route answers
   *   503); never after it
   */
  async claim(viewer: Viewer, leadId: string, notify: RoomFanOut, now = Date.now()): Promise<ClaimAnswer> {
    const inFlight = this.claims.get(leadId)
    if (inFlight && inFlight.userId !== viewer.userId && (isManager(viewer) || viewer.poolEnabled)) {
      const first = await inFlight.answer.catch(() => null)
      if (first?.won) return { won: false, status: 409, message: `Already claimed by ${first.by}.` }
    }
    const claim: LeadClaim = { userId: viewer.userId, answer: this.queueClaim(viewer, leadId, notify, now) }
    if (!this.claims.has(leadId)) this.claims.set(leadId, claim)
    const answer = await claim.answer.finally(() => {
      if (this.claims.get(leadId) === claim) this.claims.delete(leadId)
    })
    if (answer.won) await this.refreshAfterCommit(viewer.orgId)
    return answer
  }

  /** Runs one claim in the room's queue. */
  private queueClaim(viewer: Viewer, leadId: string, notify: RoomFanOut, now: number): Promise<ClaimAnswer> {
    const db = createDb(this.env.DB)
    return this.serially(async (): Promise<ClaimAnswer> => {
      const settings = await poolSettings(db, viewer.orgId)
      try {
        await claimLead(
          db,
          viewer,
          leadId,
          { ...notify, queue: this.env.EMAIL_QUEUE },
          settings?.poolClaimCap ?? 0,
          now,
        )
        return { won: true, by: notify.actor?.name ?? 'someone' }
      } catch (error) {
        if (error instanceof Refusal) return { won: false, status: error.status, message: error.message }
        throw error
      }
    })
  }

  /**
   * Routes the new leads `leadIds` of `orgId` by the organization's setting (round-robin position advanced one
   * lead at a time), then re-sends the pool. `actorId`: who brought the leads in (null for the form and the API).
   * @returns where each lead went, in `leadIds` order
   */
  async route(orgId: string, leadIds: string[], actorId: string | null, now = Date.now()): Promise<RoutedLead[]> {
    const unit = await this.routingUnit(orgId, actorId, now)
    if (!unit) return []
    const routed = await this.serially(() =>
      routeLeadsNow(unit, leadIds, { notify: (plan) => this.routingNotices(unit, plan) }),
    )
    if (routed.some((r) => r.to === 'pool')) await this.refreshAfterCommit(orgId)
    return routed
  }

  /** The unit of a routing in `orgId` at `now`: Leadpool acts unless `actorId` (who brought the leads in); null without the organization. */
  private async routingUnit(orgId: string, actorId: string | null, now: number): Promise<AnyUnit | null> {
    const db = createDb(orgDatabase(this.env, orgId))
    const org = await db
      .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .get()
    if (!org) return null
    const actor = actorId
      ? ((await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, actorId)).get()) ?? null)
      : null
    return unitFor(this.env, org, { now, actor })
  }

  /**
   * The notifications of a routing: each member told of the leads routed to them (`assigned`), and the Owners and
   * Admins who opted in of the leads put in the pool (`pool_new_lead`). Leadpool itself acts unless the unit's actor.
   */
  private async routingNotices(unit: AnyUnit, plan: RoutingPlan) {
    const { db } = unit
    const orgId = unit.org.id
    const byMember = new Map<string, { to: { id: string; name: string }; leads: { id: string; name: string }[] }>()
    const pooled: { id: string; name: string }[] = []
    for (const { lead, to } of plan) {
      if (!to) pooled.push(lead)
      else byMember.set(to.id, { to, leads: [...(byMember.get(to.id)?.leads ?? []), lead] })
    }
    // A lead from the web form or the API brings its message along when the notification names that lead alone.
    const messages = unit.actor
      ? new Map<string, string>()
      : await messagesSentWith(
          db,
          orgId,
          plan.map((p) => p.lead.id),
        )
    const message = (leads: { id: string }[]) => {
      const note = leads.length === 1 ? messages.get(leads[0]!.id) : undefined
      return note ? { note, noteLabel: 'The message sent with the lead' } : {}
    }
    const events: NotificationEvent[] = [
      ...[...byMember.values()].map((m) => ({
        type: 'assigned' as const,
        leads: m.leads,
        to: m.to,
        ...message(m.leads),
      })),
      ...(pooled.length ? [{ type: 'pool_new_lead' as const, leads: pooled, ...message(pooled) }] : []),
    ]
    return fanOut(unit, events)
  }

  /**
   * `refresh` after a committed claim or routing: a failure is logged, never answered, so the committed change is not
   * reported as failed (the viewers' pages catch up on their next load or change).
   */
  private async refreshAfterCommit(orgId: string): Promise<void> {
    await this.refresh(orgId).catch((error: unknown) => console.error('pool viewers not refreshed', orgId, error))
  }

  /** Re-reads the pool of `orgId` from D1 and sends its live region to every viewer; returns how many. */
  async refresh(orgId: string, now = Date.now()): Promise<number> {
    if (this.ctx.getWebSockets().length === 0) return 0
    const db = createDb(this.env.DB)
    const settings = await poolSettings(db, orgId)
    if (!settings) return 0
    const pool = await readPool(db, settings, now)
    const html = poolLiveFragment({ slug: settings.slug, pool, now })
    return broadcast(this.ctx, html)
  }
}
