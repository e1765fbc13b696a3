/**
 * Which Leadpool field each column of an imported file goes to: the fields, the header aliases of
 * other CRMs, and object-prefixed headers such as `Person - Email`, `Company / Account` or
 * `E-mail Address`. The mapping step (src/imports/routes.tsx) preselects what `suggestColumns`
 * finds; the importer may change it.
 */

/** The Leadpool fields a column can feed, in the order the mapping step offers them. */
export const IMPORT_FIELDS = ['name', 'firstName', 'lastName', 'email', 'phone', 'company', 'source', 'status'] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]

/** A column's target: a field, or `''` (not imported). */
export type ColumnTarget = ImportField | ''

export const FIELD_LABELS: Record<ImportField, string> = {
  name: 'Name',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  source: 'Source',
  status: 'Status',
}

/** Whether `value` is one of the targets (a field or `''`). */
export function isColumnTarget(value: string): value is ColumnTarget {
  return value === '' || (IMPORT_FIELDS as readonly string[]).includes(value)
}

/** Header aliases, compared after lower-casing and removing everything but letters and digits. */
const HEADER_ALIASES: Record<ImportField, string[]> = {
  name: ['name', 'fullname', 'leadname', 'contactname', 'contact', 'personname'],
  firstName: ['firstname', 'first', 'givenname', 'forename'],
  lastName: ['lastname', 'last', 'surname', 'familyname'],
  email: ['email', 'emailaddress', 'email1', 'primaryemail', 'workemail', 'businessemail', 'mail', 'emails'],
  phone: [
    'phone',
    'phonenumber',
    'mobile',
    'mobilephone',
    'mobilephonenumber',
    'telephone',
    'workphone',
    'businessphone',
    'phone1',
    'cell',
    'phones',
  ],
  company: [
    'company',
    'companyname',
    'organization',
    'organisation',
    'organizationname',
    'organisationname',
    'account',
    'accountname',
  ],
  status: ['status', 'leadstatus', 'hsleadstatus'],
  source: ['source', 'leadsource', 'originalsource', 'hsanalyticssource', 'channel'],
}

/** Objects whose "name" is the company's name (`Organization - Name`). */
const COMPANY_OBJECTS = new Set(HEADER_ALIASES.company)

const normalize = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

function byAlias(key: string): ImportField | null {
  for (const [field, aliases] of Object.entries(HEADER_ALIASES) as [ImportField, string[]][]) {
    if (aliases.includes(key)) return field
  }
  return null
}

/**
 * The field a header names, or null. Tries the whole header (`E-mail Address` → email), then an
 * object-prefixed label (`Person - Email`, `Person - Email - Work`, `Company / Account`,
 * `Organization - Name` → company): the parts after the object first, then the object itself.
 */
export function fieldForHeader(header: string): ImportField | null {
  const whole = byAlias(normalize(header))
  if (whole) return whole
  const parts = header
    .split(/\s+[-–—/|:]\s+|\s*[/|:]\s*/)
    .map(normalize)
    .filter(Boolean)
  if (parts.length < 2) return null
  const [object, ...rest] = parts as [string, ...string[]]
  for (const part of rest) {
    const field = byAlias(part)
    if (field === 'name' && COMPANY_OBJECTS.has(object)) return 'company'
    if (field) return field
  }
  return byAlias(object)
}

/** The preselected target of each column: by header, each field for the first column naming it. */
export function suggestColumns(headers: string[]): ColumnTarget[] {
  const taken = new Set<ImportField>()
  return headers.map((header) => {
    const field = fieldForHeader(header)
    if (!field || taken.has(field)) return ''
    taken.add(field)
    return field
  })
}
