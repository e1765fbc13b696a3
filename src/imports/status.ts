/**
 * Maps lead status values of other CRMs onto Leadpool's statuses (docs/ARCHITECTURE.md).
 * Sources: Salesforce's default Lead Status picklist ("Open - Not Contacted", "Working - Contacted",
 * "Closed - Converted", "Closed - Not Converted"), HubSpot's `hs_lead_status` internal values (NEW,
 * OPEN, IN_PROGRESS, OPEN_DEAL, UNQUALIFIED, ATTEMPTED_TO_CONTACT, CONNECTED, BAD_TIMING) and
 * Pipedrive's lead/deal words (won, lost).
 */
import { LEAD_STATUSES, type LeadStatus } from '../db/schema'

const ALIASES: Record<string, LeadStatus> = {
  'open not contacted': 'new',
  'not contacted': 'new',
  unworked: 'new',
  'working contacted': 'contacted',
  working: 'contacted',
  open: 'contacted',
  'in progress': 'contacted',
  connected: 'contacted',
  'attempted to contact': 'contacted',
  attempted: 'contacted',
  nurturing: 'contacted',
  'open deal': 'qualified',
  'sales qualified': 'qualified',
  'marketing qualified': 'qualified',
  mql: 'qualified',
  sql: 'qualified',
  'bad timing': 'unqualified',
  disqualified: 'unqualified',
  junk: 'unqualified',
  'closed converted': 'won',
  'closed won': 'won',
  converted: 'won',
  customer: 'won',
  'closed not converted': 'lost',
  'closed lost': 'lost',
  dead: 'lost',
}

/**
 * The Leadpool status for a CRM status value, compared case- and punctuation-insensitively.
 * @returns `{ status, known }`; an empty value is `new` and known, an unrecognised one `new` and not
 */
export function mapStatus(value: string): { status: LeadStatus; known: boolean } {
  const key = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
  if (key === '') return { status: 'new', known: true }
  if ((LEAD_STATUSES as readonly string[]).includes(key)) return { status: key as LeadStatus, known: true }
  const status = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined
  return status ? { status, known: true } : { status: 'new', known: false }
}
