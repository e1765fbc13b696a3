/**
 * Shared by the Durable Objects that stream to viewers over hibernatable WebSockets (docs/ARCHITECTURE.md "Live
 * sockets and how access on them ends"): every socket belongs to a member, a session and the organization, as the
 * Worker authorized it (access/upgrade.ts `authorizeUpgrade`); a room re-checks its sockets against D1 and closes
 * those whose access ended with one close code (`ACCESS_ENDED`), and takes at most `MAX_SOCKETS_PER_MEMBER` per member.
 */

/** Who a socket belongs to, as the Worker authorized the upgrade; kept with the socket across hibernation. */
export type SocketOwner = {
  orgId: string
  userId: string
  /** The member's name, for presence. */
  name: string
  /** The member's role when the socket opened (`owner`, `admin`, `agent`): a change of role ends the socket. */
  role: string
  /** The session's id as `sessions.id` stores it (its SHA-256, hex): the socket ends with the session. */
  sessionHash: string
}

/** Close code of a socket whose access ended (signed out, no longer a member, role changed, can no longer see). */
export const ACCESS_ENDED = 4403

/** Close code of a socket over the cap (`MAX_SOCKETS_PER_MEMBER`). */
export const TOO_MANY_SOCKETS = 4429

/** The most sockets one member keeps open in one room (e.g. one lead's page in 10 tabs). */
export const MAX_SOCKETS_PER_MEMBER = 10

/**
 * How often (ms) a room with sockets open re-checks them against D1: 4 s, so a change made elsewhere (a role, a
 * deactivation, a session ended, the pool closed to Agents) closes the sockets it ends within 5 s, the check's query
 * included.
 */
export const RECHECK_MS = 4_000

/** The request header carrying the `SocketOwner` from the Worker to the room (URI-encoded JSON). */
const OWNER_HEADER = 'X-Leadpool-Socket-Owner'

/**
 * Hands the upgrade `request` to `room` (a Durable Object stub) with `owner` (and whatever the room keeps beside it,
 * e.g. the lead's id) for the room to read with `acceptOwned`.
 * @returns the room's answer: 101 with the socket, or its refusal
 */
export function forwardUpgrade<T extends SocketOwner>(
  room: { fetch(request: Request): Promise<Response> },
  request: Request,
  owner: T,
): Promise<Response> {
  const headers = new Headers(request.headers)
  headers.set(OWNER_HEADER, encodeURIComponent(JSON.stringify(owner)))
  return room.fetch(new Request(request.url, { headers }))
}

/** The socket a room kept (`acceptOwned`), with its owner; none when the upgrade was refused or closed at the cap. */
export type Accepted<T extends SocketOwner> = { response: Response; kept?: { socket: WebSocket; owner: T } }

/**
 * Accepts the WebSocket upgrade `request` forwarded by `forwardUpgrade` on `ctx` with the Hibernation API
 * (`ctx.acceptWebSocket`, tagged with the member's user id, the owner kept as its attachment), so idle viewers keep
 * the object asleep. A member's socket beyond `MAX_SOCKETS_PER_MEMBER` open in this room is closed at once
 * (`TOO_MANY_SOCKETS`, with a reason the page shows).
 * @returns 101 (`kept` unless closed at the cap); 426 when not an upgrade; 400 without an owner
 */
export function acceptOwned<T extends SocketOwner>(ctx: DurableObjectState, request: Request): Accepted<T> {
  if (request.headers.get('Upgrade') !== 'websocket') {
    return { response: new Response('Expected a WebSocket', { status: 426 }) }
  }
  const owner = ownerOf<T>(request)
  if (!owner) return { response: new Response('No owner', { status: 400 }) }
  const open = openSockets(ctx.getWebSockets(owner.userId)).length
  const { 0: client, 1: server } = new WebSocketPair()
  ctx.acceptWebSocket(server, [owner.userId])
  server.serializeAttachment(owner)
  const response = new Response(null, { status: 101, webSocket: client })
  if (open < MAX_SOCKETS_PER_MEMBER) return { response, kept: { socket: server, owner } }
  server.close(
    TOO_MANY_SOCKETS,
    `Too many open pages: at most ${MAX_SOCKETS_PER_MEMBER} per person here. Close some, then reload.`,
  )
  return { response }
}

/** The owner `forwardUpgrade` put on `request`, or null when there is none (or it is not one). */
function ownerOf<T extends SocketOwner>(request: Request): T | null {
  const header = request.headers.get(OWNER_HEADER)
  if (!header) return null
  try {
    const owner = JSON.parse(decodeURIComponent(header)) as Partial<T> | null
    return owner?.userId && owner.sessionHash && owner.orgId ? (owner as T) : null
  } catch {
    return null
  }
}

/** What a room remembered about a socket (its `SocketOwner` and more), or null. */
export function attachmentOf<T>(socket: WebSocket): T | null {
  return (socket.deserializeAttachment() as T | null) ?? null
}

/** The sockets of `sockets` still open (not `except`, e.g. one closing now). */
export function openSockets(sockets: WebSocket[], except?: WebSocket): WebSocket[] {
  return sockets.filter((s) => s !== except && s.readyState === WebSocket.OPEN)
}

/**
 * What D1 says now of one session of a room's sockets (`endLostAccess`): the member's role in the organization (null
 * when they are no longer an active member) and whether they may still see the room's lead or pool. A session that
 * ended (signed out, expired, a password changed or reset) has none.
 */
export type SessionGrant = { role: string | null; visible: boolean }

/**
 * Closes every open socket of `ctx` whose access ended, by `grants` (each socket's session hash → what D1 says now;
 * see `SessionGrant`): with `ACCESS_ENDED` and a reason naming why ("Access ended: you were signed out.", "… you are
 * no longer a member of this organization.", "… your role changed.", or `hidden`, e.g. "you can no longer see this
 * lead").
 * @returns the user ids whose sockets were closed (repeated per socket)
 */
export function endLostAccess(ctx: DurableObjectState, grants: Map<string, SessionGrant>, hidden: string): string[] {
  const ended: string[] = []
  for (const socket of openSockets(ctx.getWebSockets())) {
    const owner = attachmentOf<SocketOwner>(socket)
    const grant = owner ? grants.get(owner.sessionHash) : undefined
    const why = !owner || !grant ? 'you were signed out' : lostBecause(owner, grant, hidden)
    if (why === null) continue
    socket.close(ACCESS_ENDED, `Access ended: ${why}.`)
    if (owner) ended.push(owner.userId)
  }
  return ended
}

/** Why `owner`'s access ended by `grant`, or null when it goes on. */
function lostBecause(owner: SocketOwner, grant: SessionGrant, hidden: string): string | null {
  if (grant.role === null) return 'you are no longer a member of this organization'
  if (grant.role !== owner.role) return 'your role changed'
  return grant.visible ? null : hidden
}

/** The session hashes of the open sockets of `ctx`, each once (what `endLostAccess` needs grants for). */
export function sessionHashesOf(ctx: DurableObjectState): string[] {
  const hashes = openSockets(ctx.getWebSockets()).map((s) => attachmentOf<SocketOwner>(s)?.sessionHash)
  return [...new Set(hashes.filter((h) => h !== undefined))]
}

/**
 * Sends `message` on `socket`; a socket that can no longer be written to (its viewer went away
 * without a close) is closed instead, so dead sockets do not linger.
 * @returns whether it was sent
 */
export function sendOrDrop(socket: WebSocket, message: string): boolean {
  try {
    socket.send(message)
    return true
  } catch {
    try {
      socket.close(1011, 'unreachable')
    } catch {
      // Already closed.
    }
    return false
  }
}

/**
 * Sends `message` (e.g. an htmx out-of-band fragment) to every open WebSocket of `ctx`, dropping a socket whose send
 * fails (`sendOrDrop`).
 * @returns how many viewers it reached
 */
export function broadcast(ctx: DurableObjectState, message: string): number {
  let reached = 0
  for (const socket of openSockets(ctx.getWebSockets())) if (sendOrDrop(socket, message)) reached++
  return reached
}

/**
 * Keeps the room's re-check alarm (`RECHECK_MS`) set while it has sockets open: call after accepting a socket and at
 * the end of each alarm.
 */
export async function keepRechecking(ctx: DurableObjectState): Promise<void> {
  if (openSockets(ctx.getWebSockets()).length === 0) return
  if ((await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now() + RECHECK_MS)
}
