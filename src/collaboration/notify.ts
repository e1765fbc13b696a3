/**
 * The notifications that working a lead causes, as events for the notification fan-out (which
 * honours each recipient's preferences and never notifies the actor). Statements for the same D1
 * batch as the change. Until the fan-out lands, `notificationStatements` writes nothing.
 */
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from '../db/client'

/** What happened, to whom it matters. */
export type CollaborationEvent = {
  type: 'note' | 'mention' | 'communication' | 'task_assigned' | 'task_completed' | 'task_due' | 'status_changed'
  orgId: string
  leadId: string
  /** Who did it (never notified); null for the cron (`task_due`). */
  actorId: string | null
  /** Who should hear of it, each once. */
  recipientIds: string[]
  /** The activity it comes from, when there is one. */
  activityId?: string
  /** One line saying what happened, e.g. "Ana mentioned you in a note on Grace Hopper". */
  text: string
}

/** Statements that notify the recipients of `events`, for the same batch as the change. */
export function notificationStatements(_db: Database, events: CollaborationEvent[]): BatchItem<'sqlite'>[] {
  void events
  return []
}
