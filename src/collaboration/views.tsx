/**
 * The lead page's collaboration sections (composed by pages/lead-page.tsx): who else is here (live),
 * notes (the prospect's messages first) with @mention suggestions, communications and tasks, each with its form;
 * every date in the one style of views/when.tsx. Every form also
 * works without JavaScript; a refused post re-renders the page with the typed values and messages.
 */
import { Presence } from './presence'
import { COMMUNICATION_LABELS, NoteBody } from '../activity/timeline'
import { COMMUNICATION_KINDS, DIRECTIONS, type Communication } from '../db/schema'
import { localDateTime } from '../lib/zoned-time'
import { FieldError, FormAlert, type FieldErrors } from '../views/forms'
import { EmailFacts } from '../views/email-facts'
import { When } from '../views/when'
import type { CommunicationView } from './communications'
import type { NoteView } from './notes'
import { SUMMARY_MAX } from './inputs'
import type { TaskView } from '../tasks/tasks'
import { TaskLine } from '../tasks/views'

/** A refused form of these sections, shown again with what was typed and why it was refused. */
export type RefusedForm = {
  form: 'note' | 'communication' | 'task'
  values: Record<string, string>
  errors: FieldErrors
  message: string
}

export type CollaborationProps = {
  /** The lead page's path, `/o/{slug}/leads/{leadId}`. */
  base: string
  /** The organization's path, `/o/{slug}`. */
  orgBase: string
  viewerId: string
  /** May the viewer edit or delete others' communications (Owner/Admin)? */
  manager: boolean
  /** May the viewer edit the lead's fields? */
  canEdit: boolean
  timeZone: string
  now: number
  tasks: TaskView[]
  communications: CommunicationView[]
  /** The notes listed (collaboration/notes.ts `notesOf`), and whether there are more than those. */
  notes: { notes: NoteView[]; more: boolean }
  /** Members who can see the lead: the choices of a task's assignee. */
  people: { userId: string; name: string }[]
  refused?: RefusedForm
}

const DIRECTION_LABELS = { inbound: 'Inbound', outbound: 'Outbound' } as const
const KIND_LABELS = { call: 'Call', email: 'Email', meeting: 'Meeting', sms: 'SMS', other: 'Other' } as const

/**
 * The lead's WebSocket (`ws-connect`, htmx ws extension): the presence list, and `#live-refresh`, where the room
 * puts the requests that reload a changed list (collaboration/live.tsx).
 */
export function LiveLead({ base }: { base: string }) {
  return (
    <div class="live" hx-ext="ws" ws-connect={`${base}/live`}>
      <Presence viewers={[]} />
      <div id="live-refresh" hidden />
    </div>
  )
}

function refusedValues(refused: RefusedForm | undefined, form: RefusedForm['form']) {
  return refused?.form === form ? refused : undefined
}

/** One note of the Notes section: a prospect's message marked as theirs, else its author; when; the text in full. */
function NoteItem({ note, now, timeZone }: { note: NoteView; now: number; timeZone: string }) {
  const prospect = note.authorName === null
  return (
    <li data-note-id={note.id} data-from-prospect={prospect ? 'true' : undefined}>
      <strong data-note-author>{prospect ? 'Message from the prospect' : note.authorName}</strong>{' '}
      <When at={note.createdAt} now={now} timeZone={timeZone} />
      <NoteBody body={note.body} mentions={note.mentions} names={new Map(Object.entries(note.mentionNames))} />
    </li>
  )
}

/**
 * The lead's notes (collaboration/notes.ts `notesOf`: `more` when some are not listed), a live list like the tasks
 * (`#notes-items`): a note added by anyone appears without a reload, and the note form beside it is left as it is.
 */
export function NoteItems(
  props: Pick<ListProps, 'base' | 'now' | 'timeZone'> & { notes: CollaborationProps['notes'] },
) {
  const { base, now, timeZone } = props
  const { notes, more } = props.notes
  return (
    <div {...liveList(base, 'notes')}>
      {notes.length > 0 ? (
        <ul class="notes">
          {notes.map((note) => (
            <NoteItem note={note} now={now} timeZone={timeZone} />
          ))}
        </ul>
      ) : (
        <p class="muted">No notes yet.</p>
      )}
      {more && (
        <p>
          <a href={`${base}?type=notes#timeline`}>Every note, in the activity</a>
        </p>
      )}
    </div>
  )
}

/**
 * The Notes section: the lead's notes (collaboration/notes.ts `notesOf`), then the note form (`body`), with
 * suggestions of members who can see the lead while an `@` word is typed.
 */
export function NotesSection(props: CollaborationProps) {
  const { base, refused, now, timeZone } = props
  const mine = refusedValues(refused, 'note')
  return (
    <section id="notes" class="card">
      <h2>Notes</h2>
      <NoteItems base={base} now={now} timeZone={timeZone} notes={props.notes} />
      <h3>Add a note</h3>
      <form
        method="post"
        action={`${base}/notes`}
        class="stack-form"
        hx-boost="true"
        hx-disabled-elt="find button"
        // The suggestions request of the textarea inside does not disable the button.
        hx-disinherit="hx-disabled-elt"
      >
        <FormAlert message={mine && !mine.errors.body ? mine.message : undefined} />
        <label for="note-body">Note (type @ to mention someone who can see this lead)</label>
        <textarea
          id="note-body"
          name="body"
          rows={3}
          required
          maxlength={5000}
          aria-invalid={mine?.errors.body ? 'true' : undefined}
          aria-describedby="mention-suggestions"
          hx-get={`${base}/mentions`}
          hx-trigger="input changed delay:150ms"
          hx-target="#mention-suggestions"
          hx-swap="outerHTML"
          hx-sync="this:replace"
        >
          {mine?.values.body ?? ''}
        </textarea>
        <FieldError errors={mine?.errors} name="body" />
        {mine?.errors.asText && (
          <label for="note-as-text" class="checkbox">
            <input type="checkbox" id="note-as-text" name="asText" value="1" />
            {mine.errors.asText}
          </label>
        )}
        <MentionSuggestions people={[]} />
        <button type="submit">Add note</button>
      </form>
    </section>
  )
}

/** Members to mention for the `@` word being typed (`<ul id="mention-suggestions">`); picking one completes it (public/app.js). */
export function MentionSuggestions({ people }: { people: { userId: string; name: string }[] }) {
  return (
    <ul id="mention-suggestions" class="mention-suggestions" aria-label="Members you can mention">
      {people.map((p) => (
        <li>
          <button type="button" class="link" data-mention={p.name} data-user-id={p.userId}>
            @{p.name}
          </button>
        </li>
      ))}
    </ul>
  )
}

function CommunicationFields({
  values,
  errors,
  timeZone,
  summaryMax = SUMMARY_MAX,
}: {
  values: Record<string, string>
  errors?: FieldErrors
  timeZone: string
  /** The summary's maxlength (inputs.ts `SUMMARY_MAX`, or `summaryMax` when editing). */
  summaryMax?: number
}) {
  return (
    <>
      <label>
        Kind{' '}
        <select name="kind">
          {COMMUNICATION_KINDS.map((k) => (
            <option value={k} selected={values.kind === k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <FieldError errors={errors} name="kind" />
      <label>
        Direction{' '}
        <select name="direction">
          {DIRECTIONS.map((d) => (
            <option value={d} selected={values.direction === d}>
              {DIRECTION_LABELS[d]}
            </option>
          ))}
        </select>
      </label>
      <FieldError errors={errors} name="direction" />
      <label>
        When ({timeZone}) <input type="datetime-local" name="occurredAt" value={values.occurredAt ?? ''} required />
      </label>
      <FieldError errors={errors} name="occurredAt" />
      <label>
        Summary{' '}
        <textarea name="summary" rows={2} required maxlength={summaryMax}>
          {values.summary ?? ''}
        </textarea>
      </label>
      <FieldError errors={errors} name="summary" />
    </>
  )
}

/** The communication form's values for `c` (editing) in `timeZone`. */
export function communicationValues(c: Communication, timeZone: string): Record<string, string> {
  return { kind: c.kind, direction: c.direction, summary: c.summary, occurredAt: localDateTime(c.occurredAt, timeZone) }
}

/** What the lists of logged communications and tasks need (CollaborationProps, or a live reload's). */
export type ListProps = Pick<CollaborationProps, 'base' | 'orgBase' | 'timeZone' | 'now' | 'viewerId' | 'manager'>

/**
 * The self-reloading attributes of a live list (`#{section}-items`): it loads itself again from `{base}/{section}`
 * on reconnect (`lead-catch-up`, public/app.js) and when the lead's room says it changed (collaboration/live.tsx).
 */
const liveList = (base: string, section: 'tasks' | 'communications' | 'notes') => ({
  id: `${section}-items`,
  'hx-get': `${base}/${section}`,
  'hx-trigger': 'lead-catch-up',
  'hx-swap': 'outerHTML',
})

/** The logged communications, newest first, each with who logged it; edit and delete for their author or an Owner/Admin. */
export function CommunicationItems({ communications, ...props }: ListProps & { communications: CommunicationView[] }) {
  const { base, timeZone, now, viewerId, manager } = props
  return (
    <ul class="communications" {...liveList(base, 'communications')}>
      {communications.map((c) => (
        <li data-communication-id={c.id}>
          <strong>
            {DIRECTION_LABELS[c.direction]} {COMMUNICATION_LABELS[c.kind]}
          </strong>{' '}
          <span class="muted">
            <When at={c.occurredAt} now={now} timeZone={timeZone} />
            {c.email ? ', logged by email' : ', logged by '}
            {c.email && c.authorName ? (c.direction === 'inbound' ? ', forwarded by ' : ', sent by ') : ''}
            {c.authorName && <span data-communication-author>{c.authorName}</span>}
          </span>
          <p class="note-body">{c.summary}</p>
          {c.email && <EmailFacts {...c.email} />}
          {(c.authorId === viewerId || manager) && (
            <p class="inline-form">
              <a href={`${base}/communications/${c.id}/edit`}>Edit</a>
              <form method="post" action={`${base}/communications/${c.id}/delete`} class="inline" hx-boost="true">
                <button type="submit" class="link">
                  Delete
                </button>
              </form>
            </p>
          )}
        </li>
      ))}
    </ul>
  )
}

/** Logged communications and the form to log one. */
export function CommunicationsSection(props: CollaborationProps) {
  const { base, timeZone, now } = props
  const mine = refusedValues(props.refused, 'communication')
  const values = mine?.values ?? { occurredAt: localDateTime(now, timeZone), direction: 'outbound', kind: 'call' }
  return (
    <section id="communications" class="card">
      <h2>Communications</h2>
      <CommunicationItems {...props} />
      <details open={Boolean(mine)}>
        <summary>Log a communication</summary>
        <form
          method="post"
          action={`${base}/communications`}
          class="stack-form"
          hx-boost="true"
          hx-disabled-elt="find button"
        >
          <FormAlert message={mine && Object.keys(mine.errors).length === 0 ? mine.message : undefined} />
          <CommunicationFields values={values} errors={mine?.errors} timeZone={timeZone} />
          <button type="submit">Log it</button>
        </form>
      </details>
    </section>
  )
}

/** The page editing one communication. */
export function EditCommunicationForm({
  action,
  values,
  shown,
  summaryMax,
  errors,
  timeZone,
}: {
  action: string
  values: Record<string, string>
  /** The communication as stored now (communications.ts `communicationShown`), sent back for the merge. */
  shown: Record<string, string>
  /** The longest summary this edit may save (inputs.ts `summaryMax`). */
  summaryMax: number
  errors?: FieldErrors
  timeZone: string
}) {
  return (
    <form id="edit-communication" method="post" action={action} class="stack-form card">
      {Object.entries(shown).map(([field, value]) => (
        <input type="hidden" name={`shown_${field}`} value={value} />
      ))}
      <CommunicationFields values={values} errors={errors} timeZone={timeZone} summaryMax={summaryMax} />
      <button type="submit">Save</button>
    </form>
  )
}

/** The lead's tasks, with their complete / reopen buttons. */
export function TaskItems({ tasks, base, orgBase, timeZone }: ListProps & { tasks: TaskView[] }) {
  return (
    <ul class="tasks" {...liveList(base, 'tasks')}>
      {tasks.map((t) => (
        <TaskLine task={t} orgBase={orgBase} timeZone={timeZone} />
      ))}
    </ul>
  )
}

/** The lead's tasks and the form to add one. */
export function TasksSection(props: CollaborationProps) {
  const { base, timeZone, people, viewerId } = props
  const mine = refusedValues(props.refused, 'task')
  const values = mine?.values ?? { assigneeId: viewerId }
  return (
    <section id="tasks" class="card">
      <h2>Tasks</h2>
      <TaskItems {...props} />
      <details open={Boolean(mine)}>
        <summary>Add a task</summary>
        <form method="post" action={`${base}/tasks`} class="stack-form" hx-boost="true" hx-disabled-elt="find button">
          <FormAlert message={mine && Object.keys(mine.errors).length === 0 ? mine.message : undefined} />
          <label>
            Title <input name="title" required maxlength={200} value={values.title ?? ''} />
          </label>
          <FieldError errors={mine?.errors} name="title" />
          <label>
            Due date <input type="date" name="dueDate" required value={values.dueDate ?? ''} />
          </label>
          <label>
            Time ({timeZone}; leave empty for the whole day){' '}
            <input type="time" name="dueTime" value={values.dueTime ?? ''} />
          </label>
          <FieldError errors={mine?.errors} name="dueAt" />
          <label>
            For{' '}
            <select name="assigneeId">
              {people.map((p) => (
                <option value={p.userId} selected={values.assigneeId === p.userId}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <FieldError errors={mine?.errors} name="assigneeId" />
          <button type="submit">Add task</button>
        </form>
      </details>
    </section>
  )
}

/** Every collaboration section of the lead page, in order. */
export function CollaborationSections(props: CollaborationProps) {
  return (
    <div class="collaboration">
      <LiveLead base={props.base} />
      {props.canEdit && (
        <p>
          <a href={`${props.base}/edit`}>Edit lead details</a>
        </p>
      )}
      <NotesSection {...props} />
      <TasksSection {...props} />
      <CommunicationsSection {...props} />
    </div>
  )
}

/**
 * The optional reason sent with a status change (inside the lead page's status form); `value`: the reason as sent,
 * when the change was refused.
 */
export function StatusReasonField({ value }: { value?: string | undefined } = {}) {
  return (
    <input
      name="reason"
      value={value}
      maxlength={500}
      placeholder="Reason (optional)"
      aria-label="Reason for the status change"
    />
  )
}
