/**
 * The event-type registry: the one place where each notification event type has its label (the
 * preferences page), its default channels, its sentence (feed, email subject and body) and how its
 * recipients are chosen. Adding an event type is adding one entry to `EVENTS` (and, for a new kind of
 * recipient, one source in `RecipientSources`); the fan-out (fan-out.ts), the feed, the preferences
 * page, the digest and the unsubscribe link all read it from here. docs/ARCHITECTURE.md "Notifications".
 */
import type { PersonRef } from '../access/unit'
import { STATUS_LABELS } from '../views/labels'

/** A person as named in a notification (the name as it was then): the unit's `PersonRef`. */
export type { PersonRef }

/** A lead as named in a notification. */
export type LeadRef = { id: string; name: string }

/**
 * What a producer says happened, for `fanOut`. `leads`: the one lead, or every lead of a bulk action
 * (one notification per recipient for the lot). The other fields are what the type's sentence and
 * recipients need (see each entry of `EVENTS`).
 */
export type NotificationEvent = {
  type: EventType
  leads: LeadRef[]
  /** The member the leads went to (assigned, transferred). */
  to?: PersonRef
  /** The member the leads came from (transferred). */
  from?: PersonRef
  /** Other members the event names (the collaborator added or removed; mentioned members). */
  people?: PersonRef[]
  /** A handoff note, or another text the person should read in the email. */
  note?: string
  /** How the email introduces `note` instead of the type's `noteLabel` "… from {actor}" (a visitor's message). */
  noteLabel?: string
  /** A status change: the statuses before and after (LEAD_STATUSES values). */
  status?: { from: string; to: string }
  /** An email logged by itself (email_received): from the lead (`inbound`) or to them (`outbound`). */
  direction?: 'inbound' | 'outbound'
}

/**
 * What a stored notification holds (`notifications.data`) and a sentence is made of: the event's
 * fields, who acted (null for Leadpool itself), and how many leads (`leads` keeps the first
 * `MAX_LEADS_KEPT`).
 */
export type NotificationData = Omit<NotificationEvent, 'type'> & { actor: PersonRef | null; count: number }

/** At most this many leads are named in one notification (the count says how many there were). */
export const MAX_LEADS_KEPT = 25

/** Where recipients come from, read by the fan-out before the change is written. */
export type RecipientSources = {
  /** The current primary assignees and collaborators of these leads (user ids). */
  team(leadIds: string[]): Promise<string[]>
  /** The organization's active Owners and Admins (user ids). */
  managers(): Promise<string[]>
}

/** A piece of a sentence: text, or the place where the lead (or "12 leads") goes. */
export type SentencePart = string | { lead: true }

/** The lead (or leads) slot of a sentence. */
export const LEADS: SentencePart = { lead: true }

export type EventDefinition = {
  /** How the preferences page names it. */
  label: string
  /** Channels of a member who has not chosen. */
  defaults: { inApp: boolean; email: boolean }
  /** Offered only to Owners and Admins (pool events). */
  managersOnly?: boolean
  /** The user ids to tell (before dropping the actor, non-members, those who cannot see the lead). */
  recipients(event: NotificationEvent, from: RecipientSources): string[] | Promise<string[]>
  /**
   * The change itself makes the recipients assignees of the leads, so the visibility policy lets them
   * see the leads once it is written (the fan-out reads the state before it).
   */
  makesAssignee?: boolean
  /** The sentence, e.g. ["Dana", " assigned you ", LEADS]. */
  sentence(d: NotificationData): SentencePart[]
  /** Where an email about several leads links: a path under /o/{slug} (default: the person's leads). */
  listPath?: string
  /** How the email introduces the event's `note` (default "Note"). */
  noteLabel?: string
}

const ids = (people: (PersonRef | undefined)[]) => people.flatMap((p) => (p ? [p.id] : []))
const actor = (d: NotificationData) => d.actor?.name ?? 'Leadpool'
const status = (value: string | undefined) => STATUS_LABELS[value as keyof typeof STATUS_LABELS] ?? value ?? ''

/**
 * Every event type, highest priority first: when one request gives a person several events about the
 * same leads (an assignment and a status change), only the first of them becomes a notification.
 */
export const EVENTS = {
  assigned: {
    label: 'A lead is assigned to you',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.to]),
    makesAssignee: true,
    noteLabel: 'Handoff note',
    sentence: (d) =>
      d.count > 1 ? [LEADS, ' were assigned to you by ', actor(d)] : [actor(d), ' assigned you ', LEADS],
    listPath: '/leads?assignee=me',
  },
  transferred_to: {
    label: 'A lead is transferred to you',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.to]),
    makesAssignee: true,
    noteLabel: 'Handoff note',
    // An Agent handing off their own lead is both the actor and `from`: named once.
    sentence: (d) => [
      actor(d),
      ' transferred ',
      LEADS,
      ' to you',
      d.from && d.from.id !== d.actor?.id ? ` from ${d.from.name}` : '',
    ],
    listPath: '/leads?assignee=me',
  },
  transferred_away: {
    label: 'Your lead is transferred to someone else or unassigned',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.from]),
    sentence: (d) =>
      d.to
        ? [actor(d), ' transferred ', LEADS, ` from you to ${d.to.name}`]
        : [actor(d), ' unassigned you from ', LEADS],
  },
  handoff_reminder: {
    label: 'A reminder of a handoff you have not acknowledged',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.to]),
    sentence: (d) => [
      'Reminder: ',
      LEADS,
      d.count > 1 ? ' were' : ' was',
      ' handed to you',
      d.from ? ` by ${d.from.name}` : '',
      '. Open it and press Got it once you have taken it over',
    ],
  },
  handoff_acknowledged: {
    label: 'Someone acknowledges a lead you handed over',
    defaults: { inApp: true, email: false },
    recipients: (e) => ids([e.from]),
    sentence: (d) => [actor(d), ' acknowledged the handoff of ', LEADS],
  },
  reassignment_requested: {
    label: 'An Agent asks for a lead to be reassigned',
    defaults: { inApp: true, email: true },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    noteLabel: 'Their note',
    sentence: (d) => [actor(d), ' asks for ', LEADS, ' to be reassigned'],
    listPath: '/leads?attention=reassignment-requested',
  },
  collaborator_added: {
    label: 'You are added as a collaborator',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids(e.people ?? []),
    makesAssignee: true,
    sentence: (d) => [actor(d), ' added you as a collaborator on ', LEADS],
  },
  collaborator_removed: {
    label: 'You are removed as a collaborator',
    defaults: { inApp: true, email: false },
    recipients: (e) => ids(e.people ?? []),
    sentence: (d) => [actor(d), ' removed you as a collaborator on ', LEADS],
  },
  status_changed: {
    label: 'The status of your lead changes',
    defaults: { inApp: true, email: false },
    recipients: (e, from) => from.team(e.leads.map((l) => l.id)),
    sentence: (d) => [actor(d), ' changed the status of ', LEADS, ` to ${status(d.status?.to)}`],
  },
  claimed: {
    label: 'A lead is claimed from the pool',
    defaults: { inApp: false, email: false },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    sentence: (d) => [actor(d), ' claimed ', LEADS, ' from the pool'],
  },
  // Before pool_new_lead: the same leads, and this one must not be merged away (fan-out.ts `mergeForPerson`).
  routing_no_one: {
    label: 'Nobody in the routing could take a new lead',
    defaults: { inApp: true, email: true },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    sentence: () => [
      'Nobody in the routing could take ',
      LEADS,
      ' (away or at their cap): it went to the pool. You are told again after someone takes a routed lead',
    ],
    listPath: '/pool',
  },
  pool_new_lead: {
    label: 'New leads arrive in the pool',
    defaults: { inApp: false, email: false },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    sentence: (d) => [
      LEADS,
      d.count > 1 ? ' were' : ' was',
      ' added to the pool',
      d.actor ? ` by ${d.actor.name}` : '',
    ],
    listPath: '/pool',
  },
  mentioned: {
    label: 'You are mentioned in a note',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids(e.people ?? []),
    noteLabel: 'Note',
    sentence: (d) => [actor(d), ' mentioned you in a note on ', LEADS],
  },
  task_assigned: {
    label: 'A task is assigned to you',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.to]),
    noteLabel: 'Task',
    sentence: (d) => [actor(d), ' gave you a task on ', LEADS, d.note ? `: ${d.note}` : ''],
    listPath: '/tasks',
  },
  task_created: {
    label: 'A task is created on your lead for someone else',
    defaults: { inApp: true, email: false },
    // The task's assignee is told by `task_assigned`; the actor is dropped by the fan-out.
    recipients: async (e, from) => (await from.team(e.leads.map((l) => l.id))).filter((id) => id !== e.to?.id),
    noteLabel: 'Task',
    sentence: (d) => [actor(d), ` added the task “${d.note ?? ''}” for ${d.to?.name ?? 'someone'} on `, LEADS],
  },
  task_due: {
    label: 'Your tasks due today (in the morning)',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.to]),
    noteLabel: 'Task',
    sentence: (d) => ['Due today on ', LEADS, d.note ? `: ${d.note}` : ''],
    listPath: '/tasks',
  },
  task_completed: {
    label: 'A task you gave or were given is completed',
    defaults: { inApp: true, email: false },
    recipients: (e) => ids(e.people ?? []),
    noteLabel: 'Task',
    sentence: (d) => [actor(d), ' completed a task on ', LEADS, d.note ? `: ${d.note}` : ''],
  },
  note_added: {
    label: 'A note is added to your lead',
    defaults: { inApp: true, email: false },
    recipients: (e, from) => from.team(e.leads.map((l) => l.id)),
    noteLabel: 'Note',
    sentence: (d) => [actor(d), ' added a note on ', LEADS],
  },
  communication_logged: {
    label: 'A call, email or meeting is logged on your lead',
    defaults: { inApp: true, email: false },
    recipients: (e, from) => from.team(e.leads.map((l) => l.id)),
    noteLabel: 'Summary',
    sentence: (d) => [actor(d), ' logged a communication on ', LEADS],
  },
  email_received: {
    label: 'An email to or from your lead arrives at the inbound address',
    defaults: { inApp: true, email: false },
    recipients: (e, from) => from.team(e.leads.map((l) => l.id)),
    noteLabel: 'Subject',
    sentence: (d) =>
      d.direction === 'outbound'
        ? ['Email received from ', actor(d), ' to ', LEADS]
        : ['Email received from ', LEADS, d.actor ? ` (forwarded by ${d.actor.name})` : ''],
  },
  released: {
    label: 'A lead is released back to the pool',
    defaults: { inApp: false, email: false },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    noteLabel: 'Release note',
    sentence: (d) => [actor(d), ' released ', LEADS, ' back to the pool'],
    listPath: '/pool',
  },
  pool_stale: {
    label: 'Daily digest of leads waiting too long in the pool',
    defaults: { inApp: true, email: true },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    sentence: (d) => [LEADS, d.count > 1 ? ' have' : ' has', ' waited in the pool longer than the warning time'],
    listPath: '/pool',
  },
  unassigned_waiting: {
    label: 'Daily digest of unassigned leads waiting too long',
    defaults: { inApp: true, email: true },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    sentence: (d) => [LEADS, d.count > 1 ? ' have' : ' has', ' waited unassigned longer than the warning time'],
    listPath: '/leads?assignee=unassigned',
  },
  return_warning: {
    label: 'Your untouched lead goes back to the pool tomorrow',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.to]),
    sentence: (d) => [
      LEADS,
      d.count > 1 ? ' go' : ' goes',
      ' back to the pool tomorrow unless you work on ',
      d.count > 1 ? 'them' : 'it',
    ],
    listPath: '/leads?assignee=me',
  },
  first_touch_due: {
    label: 'Your lead is about to miss its first-touch target',
    defaults: { inApp: true, email: true },
    recipients: (e) => ids([e.to]),
    sentence: (d) => [
      LEADS,
      d.count > 1 ? ' are' : ' is',
      ' about to miss the first-touch target: work ',
      d.count > 1 ? 'them' : 'it',
      ' now',
    ],
    listPath: '/leads?assignee=me',
  },
  first_touch_missed: {
    label: 'A lead missed its first-touch target',
    defaults: { inApp: true, email: true },
    managersOnly: true,
    recipients: (_e, from) => from.managers(),
    sentence: (d) => [
      LEADS,
      ' missed the first-touch target, not touched since ',
      d.count > 1 ? 'they were' : 'it was',
      ' assigned',
    ],
    listPath: '/leads?sort=-first-touch',
  },
} satisfies Record<string, EventDefinition>

/** An event type: a key of the registry. */
export type EventType = keyof typeof EVENTS

/** The event types, in priority order. */
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[]

/** True when `type` is a registered event type (e.g. one read back from the database or a form). */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENTS, type)
}

/** The definition of `type`. */
export function eventOf(type: EventType): EventDefinition {
  return EVENTS[type]
}

/** "Grace Hopper" for one lead, "12 leads" for several. */
export function leadsPhrase(d: Pick<NotificationData, 'leads' | 'count'>): string {
  return d.count === 1 && d.leads[0] ? d.leads[0].name : `${d.count} leads`
}

/** What the feed and the digest say instead of the name of a lead the reader can no longer see. */
export const HIDDEN_LEAD = 'a lead you can no longer see'

/**
 * The sentence of `type` about `d` as plain text (feed fallback, email subject, digest line). `maySee(leadId)` says
 * whether the reader may see the lead now (default: yes); a single lead they may not is named `HIDDEN_LEAD`.
 */
export function sentenceText(type: EventType, d: NotificationData, maySee: (leadId: string) => boolean = () => true) {
  const one = d.count === 1 ? d.leads[0] : undefined
  const phrase = one && !maySee(one.id) ? HIDDEN_LEAD : leadsPhrase(d)
  return eventOf(type)
    .sentence(d)
    .map((part) => (typeof part === 'string' ? part : phrase))
    .join('')
}
