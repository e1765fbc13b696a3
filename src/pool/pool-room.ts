/**
 * PoolRoom: one Durable Object per organization. It will serialize claims on the unassigned pool
 * (a DO handles one event at a time) and stream pool changes; for now it only accepts viewers.
 * It holds no truth that D1 lacks.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import { acceptViewer } from '../lib/websocket-room'

export class PoolRoom extends DurableObject<Env> {
  /** Accepts a WebSocket upgrade from a viewer of the pool page. */
  override fetch(request: Request): Response {
    return acceptViewer(this.ctx, request)
  }
}
