/** The lead's activity timeline (`<section id="timeline">`, one `<li data-activity-type>` each). */
import { STATUS_LABELS } from '../views/labels'
import type { LeadStatus } from '../db/schema'
import { Time } from '../views/time'
import type { TimelineItem } from './activities'

type Person = { id: string; name: string } | null
const nameOf = (p: unknown) => (p as Person)?.name ?? 'someone'

/** Human sentence for one activity, e.g. "Ana transferred this lead from Bo to Cy". */
export function describe(item: TimelineItem): string {
  const who = item.actorName ?? 'Someone'
  const d = item.data
  switch (item.type) {
    case 'created':
      return d.via === 'import' ? `${who} imported this lead from a CSV file` : `${who} created this lead`
    case 'assigned':
      return `${who} assigned this lead to ${nameOf(d.to)}`
    case 'unassigned':
      return `${who} unassigned ${nameOf(d.from)}`
    case 'transferred':
      return `${who} transferred this lead from ${nameOf(d.from)} to ${nameOf(d.to)}`
    case 'claimed':
      return `${who} claimed this lead from the pool`
    case 'moved_to_pool':
      return `${who} put this lead in the pool`
    case 'removed_from_pool':
      return `${who} took this lead out of the pool`
    case 'status_changed':
      return `${who} changed the status from ${STATUS_LABELS[d.from as LeadStatus]} to ${STATUS_LABELS[d.to as LeadStatus]}`
    case 'collaborator_added':
      return `${who} added ${nameOf(d.collaborator)} as a collaborator`
    case 'collaborator_removed':
      return `${who} removed ${nameOf(d.collaborator)} as a collaborator`
    case 'handoff_acknowledged':
      return `${who} acknowledged the handoff from ${nameOf(d.from)}`
    case 'reassignment_requested':
      return `${who} asked an Owner or Admin to reassign this lead: “${typeof d.reason === 'string' ? d.reason : ''}”`
    default:
      return `${who}: ${item.type}`
  }
}

export function Timeline({ items }: { items: TimelineItem[] }) {
  return (
    <section id="timeline" class="card">
      <h2>Activity</h2>
      <ol class="timeline">
        {items.map((item) => (
          <li data-activity-type={item.type}>
            <span>{describe(item)}</span> <Time at={item.createdAt} />
            {typeof item.data.note === 'string' && (
              <blockquote class="handoff-note" data-note>
                Handoff note: {item.data.note}
              </blockquote>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
