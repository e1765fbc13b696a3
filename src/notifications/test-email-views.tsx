/**
 * The preferences page's *Send me a test email* section (`<section id="test-email">`): the button, and
 * what became of the latest test email (`data-email-status`: queued, sent, failed, captured), with the
 * address and the provider's reason. While it is queued, htmx asks again every few seconds.
 */
import { Time } from '../views/time'
import type { TestEmail } from './test-email'

export function TestEmailSection({
  slug,
  address,
  latest,
  refused,
}: {
  slug: string
  address: string
  latest: TestEmail | null
  /** Why the last ask was refused (too soon after the previous one). */
  refused?: string
}) {
  const path = `/o/${slug}/preferences/test-email`
  const polling =
    latest?.status === 'queued' ? { 'hx-get': path, 'hx-trigger': 'every 3s', 'hx-swap': 'outerHTML' } : {}
  return (
    <section id="test-email" aria-labelledby="test-email-heading" {...polling}>
      <h2 id="test-email-heading">Not getting emails?</h2>
      <p>
        Send yourself a test email to <strong>{address}</strong>. If it shows <em>sent</em> but you cannot find it, look
        in your spam or junk folder; if that address is wrong, change it on your <a href="/account">account</a>.
      </p>
      {latest && <TestEmailStatus email={latest} />}
      {refused && (
        <p class="error" role="alert" data-error-for="test-email">
          {refused}
        </p>
      )}
      <form method="post" action={path} hx-boost="true" hx-disabled-elt="find button">
        <button type="submit" class="secondary">
          Send me a test email
        </button>
      </form>
    </section>
  )
}

function TestEmailStatus({ email }: { email: TestEmail }) {
  return (
    <p id="test-email-status" data-email-status={email.status} role="status">
      Test email to <strong>{email.to}</strong>, asked for <Time at={email.createdAt} />:{' '}
      {email.status === 'queued' && (
        <>
          <strong>queued</strong>, waiting to be sent
          {email.lastError && <> (the provider answered “{email.lastError}”; it will be tried again)</>}.
        </>
      )}
      {email.status === 'sent' && (
        <>
          <strong>sent</strong> <Time at={email.sentAt ?? email.updatedAt} />: the provider accepted it for delivery.
        </>
      )}
      {email.status === 'failed' && (
        <>
          <strong>failed</strong>: {email.lastError ?? 'the provider refused it'}. Check the address above.
        </>
      )}
      {email.status === 'captured' && (
        <>
          <strong>captured</strong>: no email provider is configured here, so emails are kept, not sent.
        </>
      )}
    </p>
  )
}
