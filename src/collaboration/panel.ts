/** Loads what the lead page's collaboration sections show (collaboration/views.tsx). */
import { isManager, type Viewer } from '../access/viewer'
import type { Database } from '../db/client'
import { communicationsOf } from './communications'
import { tasksOf } from '../tasks/tasks'
import type { CollaborationProps, RefusedForm } from './views'

/**
 * The collaboration sections' props for lead `leadId` (which `viewer` can see) at `base`
 * (`/o/{slug}/leads/{leadId}`); `people` are the members who can see it.
 */
export async function collaborationProps(
  db: Database,
  viewer: Viewer,
  leadId: string,
  options: {
    base: string
    orgBase: string
    canEdit: boolean
    timeZone: string
    refused?: RefusedForm
  },
): Promise<Omit<CollaborationProps, 'people'>> {
  const [tasks, communications] = await Promise.all([
    tasksOf(db, viewer.orgId, leadId),
    communicationsOf(db, viewer.orgId, leadId),
  ])
  return {
    ...options,
    viewerId: viewer.userId,
    manager: isManager(viewer),
    now: Date.now(),
    tasks,
    communications,
  }
}
