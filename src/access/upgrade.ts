/**
 * The one authorization of a WebSocket upgrade (docs/ARCHITECTURE.md "Live sockets and how access on them ends"),
 * used by every live route (a lead's `/live`, the pool's): after the route's own check of what the member may see,
 * `authorizeUpgrade` refuses an upgrade from another site, and names the member, session and role the socket
 * belongs to, which the route hands the room (lib/websocket-room.ts `forwardUpgrade`).
 */
import type { Context } from 'hono'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { sameOrigin } from '../lib/http-hygiene'
import { hashToken } from '../lib/tokens'
import type { SocketOwner } from '../lib/websocket-room'

/**
 * Authorizes the WebSocket upgrade of request `c` inside `/o/{slug}` (the membership middleware has found the member:
 * `c.var.unit`; the session middleware its session: `c.var.sessionId`).
 * @returns the socket's owner: the organization, the member (user id, name, role) and the session (hashed, as stored)
 * @throws Refusal 426 when the request is not a WebSocket upgrade; 403 when it comes from another site (its `Origin`
 *   or `Sec-Fetch-Site`, as form posts are checked) or carries no session
 */
export async function authorizeUpgrade(c: Context<App>): Promise<SocketOwner> {
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') throw new Refusal(426, 'Expected a WebSocket.')
  const sessionId = c.var.sessionId
  if (!sameOrigin(c) || !sessionId) {
    throw new Refusal(403, 'This live connection was opened from another site, so it was refused.')
  }
  const { viewer, actor } = c.var.unit
  return {
    orgId: viewer.orgId,
    userId: viewer.userId,
    name: actor?.name ?? '',
    role: viewer.role,
    sessionHash: await hashToken(sessionId),
  }
}
