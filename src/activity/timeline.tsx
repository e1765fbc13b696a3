/** The lead's activity timeline (`<section id="timeline">`, one `<li data-activity-type>` each). */
import { Time } from '../views/time'
import type { TimelineItem } from './activities'

/** Human sentence for one activity, e.g. "Ana created this lead (CSV import)". */
export function describe(item: TimelineItem): string {
  const who = item.actorName ?? 'Someone'
  switch (item.type) {
    case 'created':
      return item.data.via === 'import' ? `${who} imported this lead from a CSV file` : `${who} created this lead`
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
          </li>
        ))}
      </ol>
    </section>
  )
}
