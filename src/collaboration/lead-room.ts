/**
 * LeadRoom: one Durable Object per lead that fans a lead's changes out to the people viewing the lead,
 * over hibernatable WebSockets (idle viewers cost nothing), and tells each who else is viewing
 * (presence). It holds no truth that D1 lacks: the Worker checks that a viewer may see the lead
 * before it hands the upgrade over (src/collaboration/routes.tsx), a viewer that reconnects reloads
 * the timeline from D1, and presence is only the sockets open right now. While anyone is connected, the
 * room asks D1 every RECHECK_MS who may still see the lead and disconnects the others (a change to many
 * leads at once, or to a member's role, is not announced to each lead's room).
 */
import { DurableObject } from 'cloudflare:workers'
import { orgDatabase } from '../access/unit'
import { createDb } from '../db/client'
import type { Env } from '../env'
import { whoMaySee } from '../leads/policy'
import { acceptViewer, attachmentOf, sendOrDrop } from '../lib/websocket-room'
import { Presence, type RoomViewer } from './presence'

/** Request headers the Worker sets on the upgrade it forwards: who the (authorized) viewer is, and which lead. */
export const VIEWER_ID_HEADER = 'X-Leadpool-Viewer-Id'
export const VIEWER_NAME_HEADER = 'X-Leadpool-Viewer-Name'
export const ORG_ID_HEADER = 'X-Leadpool-Org-Id'
export const LEAD_ID_HEADER = 'X-Leadpool-Lead-Id'

/** Close code sent to a viewer who may no longer see the lead. */
export const ACCESS_LOST = 4403

/** How often (ms) a room with viewers re-checks who may still see its lead: 15 s. */
export const RECHECK_MS = 15_000

/** What the room keeps with each socket: the viewer, and the lead they view (to re-check access). */
type Attachment = RoomViewer & { orgId?: string; leadId?: string }

export class LeadRoom extends DurableObject<Env> {
  /**
   * Accepts a WebSocket upgrade from a viewer of the lead (the Worker has authorized them and named
   * them in the VIEWER_*_HEADER headers), then tells everyone who is here.
   * @returns 101 with the socket; 400 without a viewer; 426 when not an upgrade
   */
  override async fetch(request: Request): Promise<Response> {
    const userId = request.headers.get(VIEWER_ID_HEADER)
    if (!userId) return new Response('No viewer', { status: 400 })
    const name = decodeURIComponent(request.headers.get(VIEWER_NAME_HEADER) ?? '')
    const orgId = request.headers.get(ORG_ID_HEADER) ?? undefined
    const leadId = request.headers.get(LEAD_ID_HEADER) ?? undefined
    const attachment: Attachment = { userId, name, orgId, leadId }
    const response = acceptViewer(this.ctx, request, { tags: [userId], attachment })
    if (response.status !== 101) return response
    await this.sendPresence()
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + RECHECK_MS)
    return response
  }

  /**
   * Every RECHECK_MS while anyone is connected: asks D1 who may see the lead now and disconnects the others
   * (ACCESS_LOST). A failed read is logged and tried again at the next alarm.
   */
  override async alarm(): Promise<void> {
    const lead = this.openSockets()
      .map((s) => attachmentOf<Attachment>(s))
      .find((a) => a?.orgId && a.leadId)
    if (!lead?.orgId || !lead.leadId) return
    try {
      await this.keepOnly(await whoMaySee(createDb(orgDatabase(this.env, lead.orgId)), lead.orgId, lead.leadId))
    } catch (error) {
      console.error('lead room re-check failed', lead.leadId, error)
    }
    if (this.openSockets().length > 0) await this.ctx.storage.setAlarm(Date.now() + RECHECK_MS)
  }

  /**
   * Sends `html` (an htmx out-of-band fragment) to every connected viewer. With `allowed` (the user
   * ids who may still see the lead), anyone else is disconnected first instead (ACCESS_LOST).
   * @returns how many sockets it was sent to
   */
  async broadcast(html: string, allowed?: string[]): Promise<number> {
    if (allowed && this.dropAllExcept(allowed) > 0) await this.sendPresence()
    let sent = 0
    for (const socket of this.openSockets()) if (sendOrDrop(socket, html)) sent++
    return sent
  }

  /** Disconnects every viewer whose user id is not in `allowed`; @returns how many sockets were closed. */
  async keepOnly(allowed: string[]): Promise<number> {
    const dropped = this.dropAllExcept(allowed)
    if (dropped > 0) await this.sendPresence()
    return dropped
  }

  /** The people connected now, each once, by user id. */
  viewers(): RoomViewer[] {
    const byId = new Map<string, RoomViewer>()
    for (const socket of this.openSockets()) {
      const viewer = attachmentOf<RoomViewer>(socket)
      if (viewer) byId.set(viewer.userId, { userId: viewer.userId, name: viewer.name })
    }
    return [...byId.values()]
  }

  override async webSocketMessage(): Promise<void> {
    // Viewers only listen; the page sends its changes as ordinary form posts.
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, 'bye')
    } catch {
      // Already closed.
    }
    await this.sendPresence(socket)
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    await this.webSocketClose(socket, 1011)
  }

  private openSockets(except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets().filter((s) => s !== except && s.readyState === WebSocket.OPEN)
  }

  private dropAllExcept(allowed: string[]): number {
    let dropped = 0
    for (const socket of this.openSockets()) {
      const viewer = attachmentOf<RoomViewer>(socket)
      if (viewer && !allowed.includes(viewer.userId)) {
        socket.close(ACCESS_LOST, 'You can no longer see this lead.')
        dropped++
      }
    }
    return dropped
  }

  /** Sends each viewer the presence list of the others (without `leaving`, a socket closing now). */
  private async sendPresence(leaving?: WebSocket): Promise<void> {
    const sockets = this.openSockets(leaving)
    const everyone = sockets.map((s) => attachmentOf<RoomViewer>(s)).filter((v): v is RoomViewer => v !== null)
    for (const socket of sockets) {
      const me = attachmentOf<RoomViewer>(socket)?.userId
      const others = new Map(everyone.filter((v) => v.userId !== me).map((v) => [v.userId, v]))
      sendOrDrop(socket, String(await Presence({ viewers: [...others.values()], oob: true })))
    }
  }
}
