/**
 * PoolRoom: one Durable Object per organization (docs/ARCHITECTURE.md "Where each Cloudflare binding is used"),
 * with two jobs in one queue (a Durable Object interleaves its calls while they wait on D1, so the room keeps its
 * own): the pool's claims (`claim`, pool/claim.ts) and the routing turns of new leads (`takeRoutingTurn`,
 * pool/routing-turns.ts). They share the queue because both count against the claim cap. Each builds its unit of
 * work with `unitFor` and writes to D1 (D1 stays the truth: the room keeps nothing but its queue and its viewers'
 * sockets, so it survives its own restart), then the room re-sends the pool's live region to every viewer of the
 * pool page over hibernatable WebSockets.
 *
 * The claim lock: while a claim of a lead is in flight, later claims of that lead wait for it rather than queue
 * their own D1 reads; if it wins, they are answered "Already claimed by {name}" from its answer (to those who may
 * see the pool), else they go on to D1. The lock holds nothing once the claim has settled.
 */
import { DurableObject } from 'cloudflare:workers'
import { orgDatabaseOf, unitFor, type Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { createDb } from '../db/client'
import type { Env } from '../env'
import { Refusal } from '../lib/errors'
import {
  acceptOwned,
  attachmentOf,
  broadcast,
  endLostAccess,
  keepRechecking,
  sessionHashesOf,
  type SocketOwner,
} from '../lib/websocket-room'
import { sessionGrants } from '../leads/live-access'
import type { RoutedLead } from '../leads/routing'
import { claimLead } from './claim'
import { poolSettings, readPool } from './queries'
import { routeInTurn, routingUnit } from './routing-turns'
import { poolLiveFragment } from './views'

/**
 * What a route hands the room of its unit: the organization, member and actor. The room builds the claim's unit with
 * `unitFor` (bindings cannot cross RPC), its clock read when the claim's turn comes, so claims are stamped in the order
 * the room runs them.
 */
export type SentUnit = Pick<Unit, 'org' | 'viewer' | 'actor'>

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

  /**
   * Accepts a WebSocket upgrade from a viewer of the pool page (authorized by the Worker, which forwarded it with
   * `forwardUpgrade` and its `SocketOwner`).
   * @returns 101 with the socket (closed at once beyond the cap per member); 400 without an owner; 426 when not an
   *   upgrade
   */
  override async fetch(request: Request): Promise<Response> {
    const { response, kept } = acceptOwned(this.ctx, request)
    if (kept) await keepRechecking(this.ctx)
    return response
  }

  /**
   * Every RECHECK_MS while anyone is connected: `recheck`, then again. A failed read is logged and tried again at the
   * next alarm.
   */
  override async alarm(): Promise<void> {
    try {
      await this.recheck()
    } catch (error) {
      console.error('pool room re-check failed', error)
    }
    await keepRechecking(this.ctx)
  }

  /**
   * Asks D1 in one query whether each socket's session still holds, with the member's role, and whether they may
   * still see the pool (Owners and Admins; Agents while it is open to them); closes the others
   * (lib/websocket-room.ts `ACCESS_ENDED`, with the reason). Called by the organization's settings after the pool is
   * closed to Agents, so their sockets end at once.
   * @returns how many sockets were closed
   * @throws when D1 fails
   */
  async recheck(): Promise<number> {
    const hashes = sessionHashesOf(this.ctx)
    const owner = this.ctx
      .getWebSockets()
      .map((s) => attachmentOf<SocketOwner>(s))
      .find((a) => a?.orgId)
    if (!owner || hashes.length === 0) return 0
    const db = await orgDatabaseOf(this.env, owner.orgId)
    const grants = await sessionGrants(
      createDb(this.env.DB),
      db,
      { orgId: owner.orgId, pool: true },
      hashes,
      Date.now(),
    )
    return endLostAccess(this.ctx, grants, 'you can no longer see the pool').length
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
   * Claims `leadId` for the member of `sent` (the request's unit, see `SentUnit`) under the organization's cap, one
   * claim at a time, then re-sends the pool.
   * @returns `{ won: true }`, or the refusal (404, 409 "Already claimed by {name}.", 409 at the cap)
   * @throws when D1 fails before the claim committed (nothing was written: the lead stays claimable; the route answers
   *   503); never after it
   */
  async claim(sent: SentUnit, leadId: string): Promise<ClaimAnswer> {
    const { viewer } = sent
    const inFlight = this.claims.get(leadId)
    if (inFlight && inFlight.userId !== viewer.userId && (isManager(viewer) || viewer.poolEnabled)) {
      const first = await inFlight.answer.catch(() => null)
      if (first?.won) return { won: false, status: 409, message: `Already claimed by ${first.by}.` }
    }
    const claim: LeadClaim = { userId: viewer.userId, answer: this.queueClaim(sent, leadId) }
    if (!this.claims.has(leadId)) this.claims.set(leadId, claim)
    const answer = await claim.answer.finally(() => {
      if (this.claims.get(leadId) === claim) this.claims.delete(leadId)
    })
    if (answer.won) await this.refreshAfterCommit(viewer.orgId)
    return answer
  }

  /** Runs one claim of `sent`'s member in the room's queue, in a unit of its own. */
  private queueClaim(sent: SentUnit, leadId: string): Promise<ClaimAnswer> {
    return this.serially(async (): Promise<ClaimAnswer> => {
      const unit = unitFor(this.env, sent.org, sent)
      const settings = await poolSettings(unit.db, unit.org.id)
      try {
        await claimLead(unit, leadId, { cap: settings?.poolClaimCap ?? 0 })
        return { won: true, by: unit.actor?.name ?? 'someone' }
      } catch (error) {
        if (error instanceof Refusal) return { won: false, status: error.status, message: error.message }
        throw error
      }
    })
  }

  /**
   * A routing turn (pool/routing-turns.ts): routes the new leads `leadIds` of `orgId` by the organization's setting
   * (round-robin position advanced one lead at a time), in the room's queue, then re-sends the pool. `actorId`: who
   * brought the leads in (null for the form and the API).
   * @returns where each lead went, in `leadIds` order (none when there is no such organization)
   */
  async takeRoutingTurn(
    orgId: string,
    leadIds: string[],
    actorId: string | null,
    now = Date.now(),
  ): Promise<RoutedLead[]> {
    const routed = await this.serially(async () => {
      const unit = await routingUnit(this.env, orgId, actorId, now)
      return unit ? routeInTurn(unit, leadIds) : []
    })
    if (routed.some((r) => r.to === 'pool')) await this.refreshAfterCommit(orgId)
    return routed
  }

  /**
   * `refresh` after a committed claim or routing: a failure is logged, never answered, so the committed change is not
   * reported as failed (the viewers' pages catch up on their next load or change).
   */
  private async refreshAfterCommit(orgId: string): Promise<void> {
    await this.refresh(orgId).catch((error: unknown) => console.error('pool viewers not refreshed', orgId, error))
  }

  /**
   * Re-reads the pool of `orgId` from D1 and sends its live region to every viewer who may still see it (`recheck`
   * first); returns how many.
   */
  async refresh(orgId: string, now = Date.now()): Promise<number> {
    if (this.ctx.getWebSockets().length === 0) return 0
    await this.recheck()
    const db = await orgDatabaseOf(this.env, orgId)
    const settings = await poolSettings(db, orgId)
    if (!settings) return 0
    const pool = await readPool(db, settings, now)
    const html = poolLiveFragment({ slug: settings.slug, pool, now })
    return broadcast(this.ctx, html)
  }
}
