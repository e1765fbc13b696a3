/**
 * The lead's activity timeline (`<section id="timeline">`, one `<li data-activity-type>` per
 * activity, newest first): every activity as a sentence with its actor and when (views/when.tsx: how long ago
 * while recent, the exact time on hover in the viewer's time zone), filters (notes, communications, tasks, changes) and
 * older pages. `TimelineEntry` is also what the lead's room broadcasts (src/collaboration/live.tsx).
 */
import type { Child } from 'hono/jsx'
import type { LeadStatus } from '../db/schema'
import { formatDue, type Due } from '../lib/due'
import { formatInstant } from '../lib/zoned-time'
import { STATUS_LABELS } from '../views/labels'
import { When } from '../views/when'
import { filtersOf, TIMELINE_FILTERS, type TimelineFilter, type TimelineItem, type TimelinePage } from './activities'

type Person = { id: string; name: string } | null
const nameOf = (p: unknown) => (p as Person)?.name ?? 'someone'
const statusLabel = (s: unknown) => STATUS_LABELS[s as LeadStatus] ?? String(s)

/** How the kinds of communication are written in a sentence. */
export const COMMUNICATION_LABELS: Record<string, string> = {
  call: 'call',
  email: 'email',
  meeting: 'meeting',
  sms: 'SMS',
  other: 'communication',
}

/** How lead fields are named in "edited" sentences. */
const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  company: 'company',
  source: 'source',
  summary: 'summary',
  kind: 'kind',
  direction: 'direction',
  occurredAt: 'time',
}

type Change = { from: unknown; to: unknown }

/** A stored value as text (activity data is JSON: strings, numbers, booleans). */
const text = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)

/**
 * An instant within a sentence, in `timeZone`: `<time data-zoned>`, which the page writes again in its viewer's
 * time zone (public/app.js), as a live entry is rendered once for every viewer.
 */
function Instant({ at, timeZone }: { at: number; timeZone: string }) {
  return (
    <time datetime={new Date(at).toISOString()} data-zoned>
      {formatInstant(at, timeZone)}
    </time>
  )
}

const weekdayFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * A time within the coming week in a sentence, "Mon 09:00" in `timeZone`: `<time data-zoned="weekday">`, which the
 * page writes again in its viewer's time zone (public/app.js), as `Instant`.
 */
function WeekdayTime({ at, timeZone }: { at: number; timeZone: string }) {
  let format = weekdayFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    })
    weekdayFormats.set(timeZone, format)
  }
  return (
    <time datetime={new Date(at).toISOString()} data-zoned="weekday">
      {format.format(at)}
    </time>
  )
}

/** A due date within a sentence: a calendar day as it is, a time as an `Instant`. */
function DueText({ due, timeZone }: { due: Due; timeZone: string }) {
  return due.date !== undefined ? <>{formatDue(due, timeZone)}</> : <Instant at={due.at} timeZone={timeZone} />
}

/** "email from a@x.com to b@x.com; phone from (empty) to 555" for `changes` (field → from/to). */
function describeChanges(changes: Record<string, Change>, timeZone: string): Child {
  const show = (field: string, v: unknown): Child => {
    if (field === 'occurredAt' && typeof v === 'number') return <Instant at={v} timeZone={timeZone} />
    if (field === 'kind') return COMMUNICATION_LABELS[String(v)] ?? String(v)
    return v === '' || v === null || v === undefined ? '(empty)' : `“${text(v)}”`
  }
  return Object.entries(changes).map(([field, c], i) => (
    <>
      {i > 0 && '; '}
      {FIELD_LABELS[field] ?? field} from {show(field, c.from)} to {show(field, c.to)}
    </>
  ))
}

/** A member routing passed over and why (leads/routing.ts `Skipped`, kept in `data.skipped`). */
type Skipped = { name: string; why: 'deactivated' | 'away' | 'outside_hours' | 'at_cap'; until?: number | null }

/**
 * The routing ledger: ": Bo away until 14 Dec 2026, 09:00 (UTC), Cy at cap, Di outside working hours (back Mon
 * 09:00)" for the members a routed lead passed over; nothing when it passed over nobody.
 */
function passedOver(skipped: unknown, timeZone: string): Child {
  const list = Array.isArray(skipped) ? (skipped as Skipped[]) : []
  if (list.length === 0) return ''
  const why = (s: Skipped): Child => {
    if (s.why === 'at_cap') return 'at cap'
    if (s.why === 'deactivated') return 'deactivated'
    if (s.why === 'outside_hours')
      return typeof s.until === 'number' ? (
        <>
          outside working hours (back <WeekdayTime at={s.until} timeZone={timeZone} />)
        </>
      ) : (
        'outside working hours'
      )
    return typeof s.until === 'number' ? (
      <>
        away until <Instant at={s.until} timeZone={timeZone} />
      </>
    ) : (
      'away until back'
    )
  }
  return (
    <span data-routing-ledger>
      {': '}
      {list.map((s, i) => (
        <>
          {i > 0 && ', '}
          {s.name} {why(s)}
        </>
      ))}
    </span>
  )
}

/**
 * Who sent a submission and how, around its verb: ["The web form", ""], ["Zapier", " through the API"] (the key's
 * name), or ["The API", ""] (no name kept).
 */
function sender(item: TimelineItem): [string, string] {
  if (item.data.via !== 'api') return ['The web form', '']
  return item.actorName ? [item.actorName, ' through the API'] : ['The API', '']
}

/** A routing rule as its activity names it (leads/routing.ts `ledgerData`: its id and name at the time). */
type RuleRef = { id: string; name: string }

/**
 * Which routing rule decided: " by rule 'Spanish web leads'", or, when a rule matched but none of its members could
 * take the lead, " by the fallback (rule 'Spanish web leads' had nobody free)"; nothing without a rule.
 */
function byRule(data: Record<string, unknown>): Child {
  const rule = data.rule as RuleRef | undefined
  const fell = data.fellThrough as RuleRef | undefined
  if (rule) return <span data-routing-rule={rule.id}>{` by rule '${rule.name}'`}</span>
  if (fell) return <span data-routing-rule={fell.id}>{` by the fallback (rule '${fell.name}' had nobody free)`}</span>
  return ''
}

/**
 * The routing ledger's sentence for a lead routing gave `to` a member, put in the `pool` or left `unassigned`, from
 * its activity's `data` (leads/routing.ts `ledgerData`): "Routed to Ana by rule 'Spanish web leads': Bo away until
 * 14 Dec 2026, 09:00 (UTC), Cy at cap". The lead page's timeline and the rules page's dry run both say it.
 */
export function routingSentence(
  to: { name: string } | 'pool' | 'unassigned',
  data: Record<string, unknown>,
  timeZone: string,
): Child {
  const opening =
    to === 'pool'
      ? 'Routing put this lead in the pool'
      : to === 'unassigned'
        ? 'Left unassigned'
        : `Routed to ${to.name}`
  return (
    <>
      {opening}
      {byRule(data)}
      {passedOver(data.skipped, timeZone)}
    </>
  )
}

/** What a sentence needs beyond the activity: the viewer's time zone. */
export type DescribeContext = { timeZone: string }

/** Human sentence for one activity, e.g. "Ana transferred this lead from Bo to Cy" (instants as `Instant`). */
export function describe(item: TimelineItem, { timeZone }: DescribeContext = { timeZone: 'UTC' }): Child {
  const who = item.actorName ?? 'Someone'
  const d = item.data
  switch (item.type) {
    case 'created':
      if (d.via === 'form') return 'The web form created this lead'
      if (d.via === 'api') return sender(item).join(' created this lead')
      if (d.via === 'email') return 'An email to the inbound address created this lead'
      return d.via === 'import' ? `${who} imported this lead from a CSV file` : `${who} created this lead`
    case 'submitted_again':
      if (d.via === 'email') return 'An email from this lead’s address arrived at the inbound address'
      return `${sender(item).join(' sent this lead again')}${d.message ? ' with a message' : ''}`
    case 'assigned':
      if (d.via !== 'routing') return `${who} assigned this lead to ${nameOf(d.to)}`
      return routingSentence({ name: nameOf(d.to) }, d, timeZone)
    case 'unassigned':
      return `${who} unassigned ${nameOf(d.from)}`
    case 'transferred':
      return `${who} transferred this lead from ${nameOf(d.from)} to ${nameOf(d.to)}`
    case 'claimed':
      return `${who} claimed this lead from the pool`
    case 'moved_to_pool':
      if (d.via !== 'routing') return `${who} put this lead in the pool`
      return routingSentence('pool', d, timeZone)
    case 'released':
      return `${who} released this lead back to the pool`
    case 'returned_to_pool':
      return d.reason === 'first_touch_missed'
        ? `This lead went back to the pool: ${nameOf(d.from)} had not touched it within the first-touch target of ${String(d.minutes)} min`
        : `This lead went back to the pool: ${nameOf(d.from)} had not touched it for ${String(d.days)} days`
    case 'removed_from_pool':
      return `${who} took this lead out of the pool`
    case 'status_changed':
      return `${who} changed the status from ${statusLabel(d.from)} to ${statusLabel(d.to)}${d.reason ? `: ${text(d.reason)}` : ''}`
    case 'collaborator_added':
      return `${who} added ${nameOf(d.collaborator)} as a collaborator`
    case 'collaborator_removed':
      return `${who} removed ${nameOf(d.collaborator)} as a collaborator`
    case 'handoff_acknowledged':
      return `${who} acknowledged the handoff from ${nameOf(d.from)}`
    case 'reassignment_requested':
      return `${who} asked an Owner or Admin to reassign this lead: “${typeof d.reason === 'string' ? d.reason : ''}”`
    case 'archived':
      return d.via === 'import-undo' ? `${who} undid the import of this lead (archived)` : `${who} archived this lead`
    case 'restored':
      if (d.via === 'form' || d.via === 'api')
        return `${sender(item).join(' restored this lead from the archive')}: its person wrote again`
      return `${who} restored this lead from the archive`
    case 'updated':
      return `${who} filled in ${Object.keys((d.changes as object | undefined) ?? {}).join(', ')} from a CSV import`
    case 'lead_edited':
      return (
        <>
          {who} edited {describeChanges(d.changes as Record<string, Change>, timeZone)}
        </>
      )
    case 'note_added':
      return `${who} added a note`
    case 'communication_logged':
      if (d.via === 'email')
        return (
          <>
            {d.direction === 'inbound' ? 'An email from this lead' : 'An email to this lead'} was logged by itself
            {item.actorName ? ` (${d.direction === 'inbound' ? 'forwarded' : 'sent'} by ${item.actorName})` : ''}, sent{' '}
            <Instant at={Number(d.occurredAt)} timeZone={timeZone} />
          </>
        )
      return (
        <>
          {who} logged {d.direction === 'inbound' ? 'an inbound' : 'an outbound'}{' '}
          {COMMUNICATION_LABELS[String(d.kind)] ?? 'communication'} on{' '}
          <Instant at={Number(d.occurredAt)} timeZone={timeZone} />
        </>
      )
    case 'communication_edited':
      return (
        <>
          {who} edited a logged {COMMUNICATION_LABELS[String(d.kind)] ?? 'communication'}:{' '}
          {describeChanges(d.changes as Record<string, Change>, timeZone)}
        </>
      )
    case 'communication_deleted':
      return `${who} deleted a logged ${COMMUNICATION_LABELS[String(d.kind)] ?? 'communication'} (“${String(d.summary)}”)`
    case 'task_created':
      return (
        <>
          {who} created the task “{String(d.title)}” for {nameOf(d.assignee)}
          {d.due ? (
            <>
              , due <DueText due={d.due as Due} timeZone={timeZone} />
            </>
          ) : (
            ''
          )}
        </>
      )
    case 'task_completed':
      return `${who} completed the task “${String(d.title)}”`
    case 'task_reopened':
      return `${who} reopened the task “${String(d.title)}”`
    default:
      return `${who}: ${item.type.replaceAll('_', ' ')}`
  }
}

const MENTION_TOKEN = /@\{([0-9a-f-]{36})\}/g

/** A note's body with each stored mention (`@{memberId}`) shown as `@` and the member's current name. */
export function NoteBody({ body, mentions, names }: { body: string; mentions: string[]; names: Map<string, string> }) {
  const parts: Child[] = []
  let last = 0
  for (const match of body.matchAll(MENTION_TOKEN)) {
    const id = match[1]!
    if (!mentions.includes(id)) continue
    parts.push(body.slice(last, match.index))
    parts.push(
      <strong class="mention" data-mention-id={id}>
        @{names.get(id) ?? 'former member'}
      </strong>,
    )
    last = match.index + match[0].length
  }
  parts.push(body.slice(last))
  return <blockquote class="note-body">{parts}</blockquote>
}

/** What rendering an entry needs: names of mentioned members, the viewer's time zone, and now (epoch ms). */
export type EntryContext = { names: Map<string, string>; timeZone: string; now: number }

/** How a note kept with an activity is introduced, when not "Handoff note" (assigned, transferred). */
const NOTE_LABELS: Record<string, string> = { released: 'Release note', unassigned: 'Note' }

/**
 * One activity of the timeline. Its `<time>` carries the activity's id (`data-activity-id`), so a
 * live copy of an entry already shown is dropped (public/app.js).
 */
export function TimelineEntry({ item, names, timeZone, now }: { item: TimelineItem } & EntryContext) {
  const d = item.data
  return (
    <li
      data-activity-type={item.type}
      data-filters={filtersOf(item).join(' ')}
      data-status-to={item.type === 'status_changed' ? text(d.to) : undefined}
    >
      <span>{describe(item, { timeZone })}</span>{' '}
      <When at={item.createdAt} now={now} timeZone={timeZone} data-activity-id={item.id} />
      {typeof d.note === 'string' && (
        <blockquote class="handoff-note" data-note>
          {NOTE_LABELS[item.type] ?? 'Handoff note'}: {d.note}
        </blockquote>
      )}
      {item.type === 'note_added' && typeof d.body === 'string' && (
        <NoteBody body={d.body} mentions={(d.mentions as string[] | undefined) ?? []} names={names} />
      )}
      {typeof d.message === 'string' && (
        <blockquote class="note-body" data-message>
          Message: {d.message}
        </blockquote>
      )}
      {item.type === 'communication_logged' && typeof d.summary === 'string' && (
        <blockquote class="note-body">{d.summary}</blockquote>
      )}
    </li>
  )
}

/** Ids of every member the notes among `items` mention (to look their names up once). */
export function mentionedIds(items: TimelineItem[]): string[] {
  return items.flatMap((i) => (i.type === 'note_added' ? ((i.data.mentions as string[] | undefined) ?? []) : []))
}

const FILTER_LABELS: Record<TimelineFilter, string> = {
  notes: 'Notes',
  communications: 'Communications',
  tasks: 'Tasks',
  changes: 'Changes',
}

export type TimelineProps = EntryContext & {
  page: TimelinePage
  /** The lead page's path, `/o/{slug}/leads/{leadId}`. */
  base: string
  filter?: TimelineFilter
  /** Set when this is an older page (not the newest). */
  before?: string
}

/**
 * The timeline section. Its newest page is live: new entries arrive over the lead's WebSocket into
 * `#timeline-items`, on a filtered page only those of its filter (`data-live-filter`: public/app.js drops the others
 * by their `data-filters`); an older page takes none (its `#timeline-items` is an empty hidden list). After a
 * reconnect the section reloads itself from D1 (`lead-catch-up`, public/app.js) so nothing is missed or shown twice.
 */
export function Timeline({ page, base, filter, before, ...context }: TimelineProps) {
  const query = (params: Record<string, string | undefined>) => {
    const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])))
    return q.size ? `?${q.toString()}` : ''
  }
  const fragment = `${base}/timeline${query({ type: filter, before })}`
  return (
    <section
      id="timeline"
      class="card"
      data-time-zone={context.timeZone}
      hx-get={fragment}
      hx-trigger="lead-catch-up"
      hx-swap="outerHTML"
    >
      <h2>Activity</h2>
      <nav class="timeline-filters" aria-label="Show activity">
        <a href={`${base}#timeline`} aria-current={!filter ? 'true' : undefined}>
          All
        </a>
        {(Object.keys(TIMELINE_FILTERS) as TimelineFilter[]).map((f) => (
          <a href={`${base}${query({ type: f })}#timeline`} aria-current={filter === f ? 'true' : undefined}>
            {FILTER_LABELS[f]}
          </a>
        ))}
      </nav>
      <ol class="timeline" id={before ? undefined : 'timeline-items'} data-live-filter={before ? undefined : filter}>
        {page.items.map((item) => (
          <TimelineEntry item={item} {...context} />
        ))}
      </ol>
      {before && <ol id="timeline-items" hidden data-live-filter="none" />}
      {page.items.length === 0 && <p class="muted">Nothing here yet.</p>}
      <p class="timeline-pages">
        {before && <a href={`${base}${query({ type: filter })}#timeline`}>Newest</a>}{' '}
        {page.olderCursor && (
          <a href={`${base}${query({ type: filter, before: page.olderCursor })}#timeline`} rel="next">
            Older activity
          </a>
        )}
      </p>
    </section>
  )
}
