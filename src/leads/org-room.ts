/**
 * OrgRoom: one Durable Object per organization that tells the open list pages (the lead list, My tasks, the team
 * page, the notification feed) which leads changed, over hibernatable WebSockets (docs/ARCHITECTURE.md "Live
 * lists"). It holds nothing D1 lacks: the Worker authorizes a member before it hands the upgrade over
 * (live-lists.ts `orgLiveUpgrade`), works out after each commit which changed leads each connected member may see
 * (policy.ts `leadsEachMaySee`) and hands the room one list per member (`tell`); a page that reconnects refetches
 * what it shows from D1.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import { acceptViewer, attachmentOf, sendOrDrop } from '../lib/websocket-room'

/** Request header the Worker sets on the upgrade it forwards: the (authorized) member's user id. */
export const MEMBER_ID_HEADER = 'X-Leadpool-Member-Id'

/**
 * What a page is told: the ids of changed leads its member may see now, and `recheck` when something it may show
 * changed in a way the ids do not carry (a lead left their sight, a role or a setting changed): the page then
 * refetches everything it shows.
 */
export type ListChange = { leads: string[]; recheck: boolean }

/** What the room keeps with each socket. */
type Attachment = { userId: string }

export class OrgRoom extends DurableObject<Env> {
  /**
   * Accepts a WebSocket upgrade from a member the Worker authorized (named in MEMBER_ID_HEADER).
   * @returns 101 with the socket; 400 without a member; 426 when not an upgrade
   */
  override fetch(request: Request): Response {
    const userId = request.headers.get(MEMBER_ID_HEADER)
    if (!userId) return new Response('No member', { status: 400 })
    return acceptViewer(this.ctx, request, { tags: [userId], attachment: { userId } satisfies Attachment })
  }

  /** The user ids of the members connected now, each once. */
  members(): string[] {
    const ids = new Set<string>()
    for (const socket of this.ctx.getWebSockets()) {
      const member = attachmentOf<Attachment>(socket)
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
