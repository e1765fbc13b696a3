/** Error pages for the shared onError / notFound handlers. */
import { PAGE_ALERT_ID } from './htmx-config'

/** Explanation under the heading, by status. */
export function explain(status: number): string {
  if (status === 404) return 'This page does not exist, or you do not have access to it.'
  if (status === 503) return 'Leadpool could not reach its database or one of its services just now.'
  if (status >= 500) return 'Something went wrong on our side. Nothing you saved was lost; please try again.'
  if (status === 429) return 'This limit protects accounts and mailboxes from abuse; it resets by itself.'
  // The message says why (a concurrent change says so itself: db/errors.ts CONCURRENT_CHANGE); this only says what to do.
  if (status === 409) return 'Reload the page to see where things stand.'
  return 'Go back, reload the page and try again.'
}

/** A link that gets the person going again after a refusal, e.g. `{ href: '/forgot-password', label: 'Ask for a new link' }`. */
export type WayForward = { href: string; label: string }

/**
 * A form as it was posted, to show and send again: `action` (path and query), `fields` as `[name, value]` in the
 * order sent (a name once per value).
 */
export type SentForm = { action: string; fields: [string, string][] }

/**
 * What was sent, as text to copy (each value under its field's name, line breaks kept), and "Send it again": a form
 * with the same method (post), action and values as hidden inputs. `formToken` is sent again but not shown (it is no
 * one's typing).
 */
function SentAgain({ sent }: { sent: SentForm }) {
  const shown = sent.fields.filter(([name]) => name !== 'formToken')
  return (
    <>
      {shown.length > 0 && (
        <>
          <h2>What you sent</h2>
          <p>Copy it from here, or send it again.</p>
          <dl data-sent>
            {shown.map(([name, value]) => (
              <>
                <dt>{name}</dt>
                <dd>
                  <pre>{value}</pre>
                </dd>
              </>
            ))}
          </dl>
        </>
      )}
      <form method="post" action={sent.action} data-send-again>
        {sent.fields.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit">Send it again</button>
      </form>
    </>
  )
}

/**
 * An error page's content, rendered by `renderError` (render-error.tsx) with the layout's `chrome: 'user'`:
 * the top bar shows the signed-in person, never an organization's navigation. With a `heading`, the
 * message is the page's one sentence under it (no generic explanation). With `sent`, the form that was not
 * saved, to copy or send again (`SentAgain`).
 */
export function ErrorPage({
  status,
  message,
  next,
  explanation,
  heading,
  sent,
}: {
  status: number
  message: string
  next?: WayForward
  /** What the person should know instead of the status's general explanation (`explain`). */
  explanation?: string
  /** A short heading above the message; without one the message is the heading. */
  heading?: string
  /** The form whose change was not saved (503), as it was sent. */
  sent?: SentForm
}) {
  return (
    <section class="card narrow">
      <h1>{heading ?? message}</h1>
      {heading && <p>{message}</p>}
      {explanation ? <p data-explanation>{explanation}</p> : !next && !heading && <p>{explain(status)}</p>}
      {sent && <SentAgain sent={sent} />}
      <p>
        {next && (
          <>
            <a href={next.href}>{next.label}</a> ·{' '}
          </>
        )}
        <a href="/">Go to Leadpool</a>
      </p>
    </section>
  )
}

/**
 * The error as an htmx fragment: it replaces the page's alert region (`#page-alert`, see layout.tsx), so the
 * person sees the message on the page they are on. The Dismiss button is wired by public/app.js.
 */
export function PageAlert({
  status,
  message,
  explanation,
  oob = false,
}: {
  status: number
  message: string
  explanation?: string
  /** Sent as an htmx out-of-band swap of the page's alert region. */
  oob?: boolean
}) {
  return (
    <div
      id={PAGE_ALERT_ID}
      class="page-alert"
      aria-live="assertive"
      data-status={status}
      hx-swap-oob={oob ? 'outerHTML' : undefined}
    >
      <p class="alert" role="alert">
        <strong>{message}</strong> {explanation ?? explain(status)}{' '}
        <button type="button" class="secondary" data-dismiss-alert>
          Dismiss
        </button>
      </p>
    </div>
  )
}
