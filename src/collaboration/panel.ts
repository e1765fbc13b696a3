/** Loads what the lead page's collaboration sections show (collaboration/views.tsx). */
import type { Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { communicationsOf } from './communications'
import { notesOf } from './notes'
import { tasksOf } from '../tasks/tasks'
import type { CollaborationProps, RefusedForm } from './views'

/**
 * The collaboration sections' props for lead `leadId` (which `unit`'s viewer can see) at `base`
 * (`/o/{slug}/leads/{leadId}`): its notes, communications and tasks (due as of `unit.now`); `people` are the members who can see it.
 */
export async function collaborationProps(
  unit: Pick<Unit, 'db' | 'org' | 'viewer' | 'now'>,
  leadId: string,
  options: {
    base: string
    orgBase: string
    canEdit: boolean
    timeZone: string
    refused?: RefusedForm
  },
): Promise<Omit<CollaborationProps, 'people'>> {
  const { viewer } = unit
  const [tasks, communications, notes] = await Promise.all([
    tasksOf(unit, leadId),
    communicationsOf(unit, leadId),
    notesOf(unit, leadId),
  ])
  return {
    ...options,
    viewerId: viewer.userId,
    manager: isManager(viewer),
    now: unit.now,
    tasks,
    communications,
    notes,
  }
}
