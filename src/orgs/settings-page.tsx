/** The organization settings page (`GET /o/{slug}/settings`): the lead rules, and links to the other settings. */
import { Field, ticked } from '../views/forms'
import { useShell } from '../views/layout'

/**
 * The settings form, showing the organization's settings as the shell has them (or, after a refusal, `values` as
 * sent), with `errors` per field; `saved` says the last save went through.
 */
export function SettingsPage({
  saved,
  values,
  errors,
  alert,
}: {
  saved: boolean
  /** The fields of a refused save, shown as sent (boxes ticked or not, the hours). */
  values?: Record<string, string>
  errors?: Record<string, string>
  /** A refusal of the whole form (e.g. a body that is not UTF-8), shown above it. */
  alert?: string
}) {
  const shell = useShell()
  return (
    <>
      <section class="card narrow">
        <h1>Settings</h1>
        {saved && (
          <p class="notice notice-success" role="status">
            Settings saved.
          </p>
        )}
        {alert && (
          <p class="notice notice-error" role="alert" data-error-for="form">
            {alert}
          </p>
        )}
        <form
          id="settings-form"
          method="post"
          action={`/o/${shell.org.slug}/settings`}
          hx-boost="true"
          hx-disabled-elt="find button"
        >
          <label class="checkbox">
            <input
              type="checkbox"
              name="poolEnabled"
              value="1"
              checked={ticked(values, 'poolEnabled', shell.org.poolEnabled)}
            />
            <span>
              <strong>Agents can see and claim the unassigned pool.</strong> Owners and Admins put leads into the pool;
              any Agent can claim one, and the first claim wins. When off, only Owners and Admins see pool leads.
            </span>
          </label>
          <label class="checkbox">
            <input
              type="checkbox"
              name="multipleAssignees"
              value="1"
              checked={ticked(values, 'multipleAssignees', shell.org.multipleAssignees)}
            />
            <span>
              <strong>Multiple assignees.</strong> A lead keeps one primary owner and may have collaborators, who see
              it, count it as theirs and work it. Turning this off keeps existing collaborators, read-only.
            </span>
          </label>
          <label class="checkbox">
            <input
              type="checkbox"
              name="handoffNoteRequired"
              value="1"
              checked={ticked(values, 'handoffNoteRequired', shell.org.handoffNoteRequired)}
            />
            <span>
              <strong>Require a handoff note</strong> when a lead changes hands: reassigned from one person to another,
              or unassigned and assigned to someone else within an hour.
            </span>
          </label>
          <label class="checkbox">
            <input
              type="checkbox"
              name="agentsMayHandOff"
              value="1"
              checked={ticked(values, 'agentsMayHandOff', shell.org.agentsMayHandOff)}
            />
            <span>
              <strong>Agents may hand their own leads to a teammate.</strong> When off, an Agent asks the Owners and
              Admins to reassign the lead instead.
            </span>
          </label>
          <Field
            label="Hours a new owner has to acknowledge a handoff (“Got it”) before they are reminded once and it is listed under Handoffs waiting"
            name="handoffAckHours"
            type="number"
            value={values?.handoffAckHours ?? String(shell.org.handoffAckHours)}
            errors={errors}
            required
          />
          <button type="submit">Save settings</button>
        </form>
      </section>
      <section class="card narrow">
        <h2>More settings</h2>
        <ul>
          <li>
            <a href={`/o/${shell.org.slug}/settings/pool`}>Pool and routing</a>: claim cap, oldest leads shown, aging,
            where new leads go
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/settings/speed`}>Speed to lead</a>: business hours, the first-touch target
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/settings/intake`}>Web form</a>: the form key, its HTML snippet, the thank-you
            page
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/settings/api-keys`}>API keys</a> for the JSON API
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/settings/email`}>Inbound email</a>: the address your team BCCs, unknown
            senders, <a href={`/o/${shell.org.slug}/inbox`}>Unmatched email</a>
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/settings/webhooks`}>Webhooks</a>: endpoints other systems hear of lead
            changes at, and their deliveries
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/preferences`}>Your notification preferences</a>: what you are told about, in
            the app and by email
          </li>
        </ul>
      </section>
    </>
  )
}
