/**
 * OrgRoom: one Durable Object per organization that tells the open list pages (the lead list, My tasks, the team
 * page, the notification feed) which leads changed, over hibernatable WebSockets (docs/ARCHITECTURE.md "Live
 * lists"). It holds nothing D1 lacks: the Worker authorizes a member before it hands the upgrade over
 * (live-lists.ts `orgLiveUpgrade`), works out after each commit which changed leads each connected member may see
 * (policy.ts `leadsEachMaySee`) and hands the room one list per member (`tell`); a page that reconnects refetches
 * what it shows from D1. Its sockets keep the rules of every room (docs/ARCHITECTURE.md "Live sockets and how access
 * on them ends"): each belongs to a member, a session and an origin, at most 10 per member, re-checked against D1
 * every RECHECK_MS while any is open, and closed when the session or the membership ends or the role changes.
 */
import { DurableObject } from 'cloudflare:workers'
import { orgDatabaseOf } from '../access/unit'
import { createDb } from '../db/client'
import type { Env } from '../env'
import {
  acceptOwned,
  attachmentOf,
  endLostAccess,
  keepRechecking,
  sendOrDrop,
  sessionHashesOf,
  type SocketOwner,
} from '../lib/websocket-room'
import { sessionGrants } from './live-access'

/**
 * What a page is told: the ids of changed leads its member may see now, and `recheck` when something it may show
 * changed in a way the ids do not carry (a lead left their sight, a role or a setting changed): the page then
 * refetches everything it shows.
 */
export type ListChange = { leads: string[]; recheck: boolean }

export class OrgRoom extends DurableObject<Env> {
  /**
   * Accepts a WebSocket upgrade from a member the Worker authorized (forwarded with lib/websocket-room.ts
   * `forwardUpgrade` and its `SocketOwner`).
   * @returns 101 with the socket (closed at once beyond the cap per member); 400 without an owner; 426 when not an
   *   upgrade
   */
  override async fetch(request: Request): Promise<Response> {
    const { response, kept } = acceptOwned(this.ctx, request)
    if (kept) await keepRechecking(this.ctx)
    return response
  }

  /** Every RECHECK_MS while anyone is connected: `recheck`, then again. A failed read is logged and retried then. */
  override async alarm(): Promise<void> {
    try {
      await this.recheck()
    } catch (error) {
      console.error('org room re-check failed', error)
    }
    await keepRechecking(this.ctx)
  }

  /**
   * Asks D1 in one query whether each socket's session still holds and its member's role; closes the others
   * (lib/websocket-room.ts `ACCESS_ENDED`, with the reason).
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
      { orgId: owner.orgId, organization: true },
      hashes,
      Date.now(),
    )
    return endLostAccess(this.ctx, grants, 'you are no longer a member of this organization').length
  }

  /** The user ids of the members connected now, each once. */
  members(): string[] {
    const ids = new Set<string>()
    for (const socket of this.ctx.getWebSockets()) {
      const member = attachmentOf<SocketOwner>(socket)
      if (member) ids.add(member.userId)
    }
    return [...ids]
  }

  /**
   * Sends each connected member their own `ListChange` (`changes`: user id → change) as JSON; a member without an
   * entry is sent nothing.
   * @returns how many sockets it was sent to
   */
  tell(changes: Record<string, ListChange>): number {
    let sent = 0
    for (const [userId, change] of Object.entries(changes)) {
      const message = JSON.stringify(change)
      for (const socket of this.ctx.getWebSockets(userId)) if (sendOrDrop(socket, message)) sent++
    }
    return sent
  }

  override webSocketMessage(): void {
    // Pages only listen.
  }

  /** A page left: the socket is closed on this side too, so it is dropped. */
  override webSocketClose(socket: WebSocket, code: number): void {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, 'bye')
    } catch {
      // Already closed.
    }
  }

  /** A page's socket failed: dropped. */
  override webSocketError(socket: WebSocket): void {
    this.webSocketClose(socket, 1011)
  }
}
