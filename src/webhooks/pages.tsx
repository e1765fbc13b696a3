/**
 * The webhook settings pages (Owners and Admins): `GET /o/{slug}/settings/webhooks` (the endpoints and the form that
 * adds one) and `GET /o/{slug}/settings/webhooks/{id}` (an endpoint's settings, its secret's rotation and its
 * delivery log with Redeliver).
 */
import { WEBHOOK_EVENTS, type WebhookEvent } from '../db/schema'
import { Field, FieldError, Notice, ticked, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'
import { Time } from '../views/time'
import type { DeliveryLogRow, EndpointListed } from './endpoints'

/** Each event as the pages name it. */
const EVENT_LABELS: Record<WebhookEvent, string> = {
  'lead.created': 'A lead is created',
  'lead.assigned': 'A lead is assigned',
  'lead.status_changed': 'A lead’s status changes',
  'note.added': 'A note is added',
  'communication.logged': 'A communication is logged',
  'lead.claimed': 'A lead is claimed from the pool',
  'lead.released': 'A lead is released to the pool',
}

/** What a form shows: the saved endpoint (none: a new one) or the values typed. */
type FormProps = { endpoint?: EndpointListed; values?: Record<string, string>; errors?: FieldErrors }

function EndpointFields({ endpoint, values, errors }: FormProps) {
  const saved = (e: WebhookEvent) => (endpoint ? endpoint.events.includes(e) : true)
  return (
    <>
      <Field
        label="URL (https://…)"
        name="url"
        type="url"
        value={values?.url ?? endpoint?.url}
        errors={errors}
        required
      />
      <Field
        label="Description"
        name="description"
        value={values?.description ?? endpoint?.description}
        errors={errors}
      />
      <fieldset>
        <legend>Send these events</legend>
        {WEBHOOK_EVENTS.map((e) => (
          <label class="checkbox">
            <input type="checkbox" name={`event_${e}`} value="1" checked={ticked(values, `event_${e}`, saved(e))} />
            <span>
              {EVENT_LABELS[e]} (<code>{e}</code>)
            </span>
          </label>
        ))}
        <FieldError errors={errors} name="events" />
      </fieldset>
      <label class="checkbox">
        <input type="checkbox" name="active" value="1" checked={ticked(values, 'active', endpoint?.active ?? true)} />
        <span>Active (untick to pause: events are kept and sent when it is active again)</span>
      </label>
    </>
  )
}

function Secret({ secret }: { secret: string }) {
  return (
    <div class="notice notice-success" role="status">
      <p>This endpoint’s signing secret. Copy it now: it is not shown again.</p>
      <p>
        <code data-webhook-secret>{secret}</code>
      </p>
    </div>
  )
}

function endpointState(e: EndpointListed): string {
  if (e.active) return e.failingSince ? 'active, failing' : 'active'
  return e.pausedForFailures ? 'paused after failing for a day' : 'paused'
}

/** The endpoints page; `created`: the endpoint just added and its secret (shown once). */
export function WebhooksPage(props: {
  endpoints: EndpointListed[]
  created?: { url: string; secret: string }
  values?: Record<string, string>
  errors?: FieldErrors
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/settings/webhooks`
  return (
    <>
      <section class="card narrow">
        <p>
          <a href={`/o/${shell.org.slug}/settings`}>← Settings</a>
        </p>
        <h1>Webhooks</h1>
        <p>
          Leadpool sends an HTTPS POST to each endpoint when one of its events happens, signed by the Standard Webhooks
          scheme with the endpoint’s secret. Failed deliveries are retried for a day.
        </p>
        {props.created && (
          <>
            <Notice kind="success" text={`The endpoint ${props.created.url} was added.`} />
            <Secret secret={props.created.secret} />
          </>
        )}
        <h2>Add an endpoint</h2>
        <form method="post" action={base} id="webhook-form">
          <EndpointFields values={props.values} errors={props.errors} />
          <button type="submit">Add the endpoint</button>
        </form>
      </section>
      <section class="card narrow">
        <h2>Endpoints</h2>
        {props.endpoints.length === 0 ? (
          <p class="empty">No endpoints yet.</p>
        ) : (
          <table id="webhook-list" class="cards">
            <thead>
              <tr>
                <th>URL</th>
                <th>Events</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {props.endpoints.map((e) => (
                <tr data-endpoint-id={e.id}>
                  <td data-label="URL">
                    <a href={`${base}/${e.id}`}>{e.url}</a>
                    {e.description && <div>{e.description}</div>}
                  </td>
                  <td data-label="Events">{e.events.join(', ')}</td>
                  <td data-label="State" data-endpoint-state>
                    {endpointState(e)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

/** An endpoint's page; `secret`: its new secret after a rotation (shown once); `done`: what the last post did. */
export function EndpointPage(props: {
  endpoint: EndpointListed
  log: DeliveryLogRow[]
  secret?: string
  done?: string
  values?: Record<string, string>
  errors?: FieldErrors
}) {
  const shell = useShell()
  const { endpoint } = props
  const base = `/o/${shell.org.slug}/settings/webhooks/${endpoint.id}`
  return (
    <>
      <section class="card narrow">
        <p>
          <a href={`/o/${shell.org.slug}/settings/webhooks`}>← Webhooks</a>
        </p>
        <h1>Webhook endpoint</h1>
        <p data-endpoint-state>State: {endpointState(endpoint)}</p>
        {props.done && <Notice kind="success" text={props.done} />}
        {props.secret && <Secret secret={props.secret} />}
        <form method="post" action={base} id="webhook-form">
          <EndpointFields endpoint={endpoint} values={props.values} errors={props.errors} />
          <button type="submit">Save the endpoint</button>
        </form>
        <form
          method="post"
          action={`${base}/rotate`}
          hx-boost="true"
          hx-confirm="Rotate the signing secret? Signatures made with the old one stop verifying at once."
        >
          <p>A new secret replaces the old one at once: the receiver must verify with the new one.</p>
          <button type="submit" class="secondary">
            Rotate the signing secret
          </button>
        </form>
        <form
          method="post"
          action={`${base}/delete`}
          hx-boost="true"
          hx-confirm="Delete this endpoint? Its delivery log and the events not yet delivered to it are deleted too."
        >
          <button type="submit" class="secondary">
            Delete the endpoint
          </button>
        </form>
      </section>
      <section class="card narrow">
        <h2>Deliveries</h2>
        {props.log.length === 0 ? (
          <p class="empty">No deliveries yet.</p>
        ) : (
          <table id="delivery-log" class="cards">
            <thead>
              <tr>
                <th>Event</th>
                <th>Status</th>
                <th>Response</th>
                <th>Latency</th>
                <th>Time</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.log.map((d) => (
                <tr data-delivery-id={d.id} data-delivery-status={d.status}>
                  <td data-label="Event">
                    <code>{d.type}</code> #{d.seq}
                  </td>
                  <td data-label="Status">
                    {d.status === 'delivered'
                      ? 'delivered'
                      : d.attempts === 0
                        ? 'waiting'
                        : `failed ${d.attempts}×, retrying`}
                  </td>
                  <td data-label="Response">{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                  <td data-label="Latency">{d.lastLatencyMs === null ? '—' : `${d.lastLatencyMs} ms`}</td>
                  <td data-label="Time">
                    <Time at={d.lastAttemptAt ?? d.createdAt} />
                  </td>
                  <td>
                    <form method="post" action={`${base}/deliveries/${d.id}/redeliver`}>
                      <button type="submit" class="secondary" aria-label={`Redeliver ${d.type} #${d.seq}`}>
                        Redeliver
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
