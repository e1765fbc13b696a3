/**
 * The lead page's handoff section (`<section id="handoff">`, with its heading, below the lead's facts and
 * assignment): the handoff waiting for the new owner
 * with its note and *Got it*, its state for everyone else, a pending reassignment request, and the
 * owner's *Hand off* or *Ask for reassignment* form (assignment/handoffs.ts).
 */
import type { Member } from '../orgs/members'
import { encodeHolders, SHOWN_HOLDERS } from '../leads/holders'
import { Time } from '../views/time'
import type { HandoffView } from './handoffs'

/** What a refused *Hand off* (teammate, note) or *Ask for reassignment* (`request`) had typed. */
export type HandoffKept = { assigneeId?: string; note?: string; request?: string }

export type HandoffPanelProps = {
  base: string
  viewerId: string
  handoff: HandoffView | null
  request: { requestedBy: string; name: string; note: string; at: number } | null
  /** The viewer may hand the lead on (an Agent who owns it, with the setting on): teammates to choose. */
  handOffTo: Member[] | null
  /** The viewer may ask the Owners/Admins to reassign it (an Agent who owns it, with hand-offs off). */
  canRequest: boolean
  noteRequired: boolean
  /** The lead's holders (sorted user ids) as shown: a hand-off after someone else's change is refused (409). */
  holders: string[]
  /** Shown again as typed after a refusal. */
  kept?: HandoffKept
}

export function HandoffPanel(p: HandoffPanelProps) {
  const h = p.handoff
  const forViewer = h && h.toUserId === p.viewerId && h.acknowledgedAt === null
  const who = h ? (h.byUserId === h.fromUserId ? h.fromName : `${h.byName} (from ${h.fromName})`) : ''
  if (!h && !p.request && !p.handOffTo && !p.canRequest) return null
  const formHeading = p.handOffTo ? 'Hand off to a teammate' : p.canRequest && !p.request ? 'Reassignment' : null
  // A handoff waiting for the viewer is what the section is about; their own forms then get headings of their own.
  const heading = forViewer ? 'Handed to you' : (formHeading ?? 'Handoff')
  const subheading = forViewer && formHeading ? <h3>{formHeading}</h3> : null
  return (
    <section id="handoff" class="handoff" aria-labelledby="handoff-heading">
      <h2 id="handoff-heading">{heading}</h2>
      {forViewer && (
        <div class="notice" data-handoff="waiting-for-you">
          <p>
            <strong>{who}</strong> handed this lead to you on <Time at={h.createdAt} />.
          </p>
          {h.note && <blockquote class="handoff-note">Handoff note: {h.note}</blockquote>}
          <form method="post" action={`${p.base}/acknowledge`} hx-boost="true" hx-disabled-elt="find button">
            <button type="submit">Got it</button>
          </form>
        </div>
      )}
      {h && !forViewer && h.acknowledgedAt === null && (
        <p class="muted" data-handoff="waiting">
          Handed to {h.toName} by {who} on <Time at={h.createdAt} />; not acknowledged yet.
        </p>
      )}
      {h && h.acknowledgedAt !== null && (
        <p class="muted" data-handoff="acknowledged">
          {h.toName} acknowledged the handoff from {h.fromName} on <Time at={h.acknowledgedAt} />.
        </p>
      )}
      {p.request && (
        <p class="notice" data-reassignment-requested>
          {p.request.requestedBy === p.viewerId ? 'You' : p.request.name} asked for this lead to be reassigned on{' '}
          <Time at={p.request.at} />: “{p.request.note}”
          {p.request.requestedBy === p.viewerId && ' An Owner or Admin will reassign it.'}
        </p>
      )}
      {subheading}
      {p.handOffTo && (
        <form
          method="post"
          action={`${p.base}/handoff`}
          class="stack-form"
          hx-boost="true"
          hx-disabled-elt="find button"
        >
          <input type="hidden" name={SHOWN_HOLDERS} value={encodeHolders(p.holders)} />
          <label>
            Hand off to{' '}
            <select name="assigneeId" required>
              <option value="">Choose a teammate…</option>
              {p.handOffTo.map((m) => (
                <option value={m.userId} selected={p.kept?.assigneeId === m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Handoff note{p.noteRequired ? ' (required)' : ''}
            <textarea name="note" rows={2} placeholder="Why, and what the new owner needs to know">
              {p.kept?.note ?? ''}
            </textarea>
          </label>
          <button type="submit">Hand off</button>
          <span class="muted"> You keep read access to this lead.</span>
        </form>
      )}
      {p.canRequest && !p.request && (
        <form
          method="post"
          action={`${p.base}/reassignment-request`}
          class="stack-form"
          hx-boost="true"
          hx-disabled-elt="find button"
        >
          <label>
            Note to the Owners and Admins
            <textarea name="note" rows={2} required placeholder="Why, and to whom if you know">
              {p.kept?.request ?? ''}
            </textarea>
          </label>
          <button type="submit" class="secondary">
            Ask for reassignment
          </button>
        </form>
      )}
    </section>
  )
}
