/** Full pages of collaboration: editing a lead, editing a communication. */
import type { FormValues } from '../lib/validation'
import { Field, FormAlert, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'
import { EditCommunicationForm } from './views'

/** `GET /o/{slug}/leads/{leadId}/edit`: the lead's name, email, phone, company and source. */
export function EditLeadPage({
  lead,
  values,
  errors,
  alert,
}: {
  /** The lead as stored now. */
  lead: { id: string; name: string; email: string; phone: string; company: string; source: string }
  values: FormValues
  errors?: FieldErrors
  alert?: string
}) {
  const base = `/o/${useShell().org.slug}/leads/${lead.id}`
  return (
    <section class="card narrow">
      <p>
        <a href={base}>← {lead.name}</a>
      </p>
      <h1>Edit lead</h1>
      <FormAlert message={alert} />
      <form id="edit-lead" method="post" action={`${base}/edit`} novalidate>
        {/* What the form was opened with: a field someone else changes meanwhile is not overwritten unseen. */}
        {(['name', 'email', 'phone', 'company', 'source'] as const).map((f) => (
          <input type="hidden" name={`shown_${f}`} value={lead[f]} />
        ))}
        <Field label="Name" name="name" value={values.name} errors={errors} required />
        <Field label="Email" name="email" type="email" value={values.email} errors={errors} />
        <Field label="Phone" name="phone" type="tel" value={values.phone} errors={errors} />
        <Field label="Company" name="company" value={values.company} errors={errors} />
        <Field label="Source" name="source" value={values.source} errors={errors} />
        <button type="submit">Save changes</button>
      </form>
    </section>
  )
}

/** `GET /o/{slug}/leads/{leadId}/communications/{id}/edit`. */
export function EditCommunicationPage(props: {
  lead: { id: string; name: string }
  communicationId: string
  values: Record<string, string>
  /** The communication as stored now, as the form's text (communications.ts `communicationShown`). */
  shown: Record<string, string>
  /** The longest summary this edit may save (inputs.ts `summaryMax`). */
  summaryMax: number
  errors?: FieldErrors
  alert?: string
  timeZone: string
}) {
  const base = `/o/${useShell().org.slug}/leads/${props.lead.id}`
  return (
    <section class="narrow">
      <p>
        <a href={base}>← {props.lead.name}</a>
      </p>
      <h1>Edit communication</h1>
      <FormAlert message={props.alert} />
      <EditCommunicationForm
        action={`${base}/communications/${props.communicationId}`}
        values={props.values}
        shown={props.shown}
        summaryMax={props.summaryMax}
        errors={props.errors}
        timeZone={props.timeZone}
      />
    </section>
  )
}
