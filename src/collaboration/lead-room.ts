/**
 * LeadRoom: one Durable Object per lead that fans a lead's changes out to the people viewing the lead,
 * over hibernatable WebSockets (idle viewers cost nothing), and tells each who else is viewing
 * (presence). It holds no truth that D1 lacks: the Worker checks that a viewer may see the lead
 * before it hands the upgrade over (src/collaboration/routes.tsx, access/upgrade.ts), a viewer that reconnects
 * reloads the timeline from D1, and presence is only the sockets open right now. Each socket belongs to a member's
 * session; the room re-checks them all against D1 in one query before every broadcast (a change on the lead) and
 * every RECHECK_MS while any is open (a change made elsewhere), and closes those whose access ended
 * (docs/ARCHITECTURE.md "Live sockets and how access on them ends").
 */
import { DurableObject } from 'cloudflare:workers'
import { orgDatabaseOf } from '../access/unit'
import { createDb } from '../db/client'
import type { Env } from '../env'
import { sessionGrants } from '../leads/live-access'
import {
  acceptOwned,
  attachmentOf,
  endLostAccess,
  keepRechecking,
  openSockets,
  sendOrDrop,
  sessionHashesOf,
  type SocketOwner,
} from '../lib/websocket-room'
import { Presence, type RoomViewer } from './presence'

/** What the room keeps with each socket: its owner (access/upgrade.ts), and the lead they view. */
export type LeadSocket = SocketOwner & { leadId: string }

/** Why a viewer's socket closes when they may no longer see the lead. */
const HIDDEN = 'you can no longer see this lead'

export class LeadRoom extends DurableObject<Env> {
  /**
   * Accepts a WebSocket upgrade from a viewer of the lead (authorized by the Worker, which forwarded it with
   * `forwardUpgrade` and a `LeadSocket`), then tells everyone who is here when that changed.
   * @returns 101 with the socket (closed at once beyond the cap per member); 400 without an owner; 426 when not an
   *   upgrade
   */
  override async fetch(request: Request): Promise<Response> {
    const { response, kept } = acceptOwned<LeadSocket>(this.ctx, request)
    if (!kept) return response
    const others = openSockets(this.ctx.getWebSockets(kept.owner.userId), kept.socket)
    // A second tab of someone already here changes nobody's presence: only the new tab needs the list.
    await this.sendPresence(others.length > 0 ? { only: kept.socket } : {})
    await keepRechecking(this.ctx)
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
      console.error('lead room re-check failed', error)
    }
    await keepRechecking(this.ctx)
  }

  /**
   * Asks D1 in one query whether each socket's session still holds, with the member's role, and whether they may
   * still see the lead; closes the others (lib/websocket-room.ts `ACCESS_ENDED`, with the reason) and updates the
   * presence of those who stay.
   * @returns how many sockets were closed
   * @throws when D1 fails
   */
  async recheck(): Promise<number> {
    const watched = this.openSockets()
      .map((s) => attachmentOf<LeadSocket>(s))
      .find((a) => a?.leadId)
    if (!watched) return 0
    const db = await orgDatabaseOf(this.env, watched.orgId)
    const grants = await sessionGrants(createDb(this.env.DB), db, watched, sessionHashesOf(this.ctx), Date.now())
    const ended = endLostAccess(this.ctx, grants, HIDDEN)
    if (ended.some((userId) => this.openSockets().every((s) => attachmentOf<LeadSocket>(s)?.userId !== userId))) {
      await this.sendPresence()
    }
    return ended.length
  }

  /**
   * Sends `html` (an htmx out-of-band fragment) to every viewer who may still see the lead (`recheck` first: a
   * change on the lead, its assignment or claim, ends the access of those it hides, before it is sent).
   * @returns how many sockets it was sent to
   * @throws when D1 fails (nothing is sent)
   */
  async broadcast(html: string): Promise<number> {
    await this.recheck()
    let sent = 0
    for (const socket of this.openSockets()) if (sendOrDrop(socket, html)) sent++
    return sent
  }

  /** The people connected now, each once, by user id. */
  viewers(): RoomViewer[] {
    const byId = new Map<string, RoomViewer>()
    for (const socket of this.openSockets()) {
      const viewer = attachmentOf<LeadSocket>(socket)
      if (viewer) byId.set(viewer.userId, { userId: viewer.userId, name: viewer.name })
    }
    return [...byId.values()]
  }

  override async webSocketMessage(): Promise<void> {
    // Viewers only listen; the page sends its changes as ordinary form posts.
  }

  /** A viewer left: the socket is closed on this side too; presence changes when it was their last socket here. */
  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, 'bye')
    } catch {
      // Already closed.
    }
    const userId = attachmentOf<LeadSocket>(socket)?.userId
    const stays = this.openSockets(socket).some((s) => attachmentOf<LeadSocket>(s)?.userId === userId)
    if (!stays) await this.sendPresence({ leaving: socket })
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    await this.webSocketClose(socket, 1011)
  }

  private openSockets(except?: WebSocket): WebSocket[] {
    return openSockets(this.ctx.getWebSockets(), except)
  }

  /**
   * Sends the presence list (the others here, each once) to every viewer, or to the socket `only`, leaving out
   * `leaving` (a socket closing now). Rendered once per member, whatever their number of sockets.
   */
  private async sendPresence({ only, leaving }: { only?: WebSocket; leaving?: WebSocket } = {}): Promise<void> {
    const sockets = this.openSockets(leaving)
    const everyone = new Map<string, RoomViewer>()
    for (const s of sockets) {
      const owner = attachmentOf<LeadSocket>(s)
      if (owner) everyone.set(owner.userId, { userId: owner.userId, name: owner.name })
    }
    const rendered = new Map<string, string>()
    for (const socket of only ? [only] : sockets) {
      const me = attachmentOf<LeadSocket>(socket)?.userId ?? ''
      let html = rendered.get(me)
      if (html === undefined) {
        const others = [...everyone.values()].filter((v) => v.userId !== me)
        html = String(await Presence({ viewers: others, oob: true }))
        rendered.set(me, html)
      }
      sendOrDrop(socket, html)
    }
  }
}
