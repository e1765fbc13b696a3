/**
 * `/_dev/mail`: the local mailbox. Lists the latest 100 outbox emails, newest first, whatever their
 * status (captured ones are what Leadpool would have sent without RESEND_API_KEY), with their HTML
 * shown inline so their links can be followed. Exists only when APP_ENV is `development` and the request's
 * `Host` is `localhost` or `127.0.0.1` (any port), so a page on another site that points its own name at this
 * machine (DNS rebinding) cannot read it; anywhere else it answers 404. It shows every organization's email, so
 * it must never run in production.
 *
 * Its Content-Security-Policy alone allows inline style attributes (lib/csp.ts): the emails' HTML carries them and
 * is shown in the page itself, so its links stay ordinary `<a href>` of the page (docs/ARCHITECTURE.md, "The URL and HTML-hook contract")
 * rather than inside a sandboxed iframe.
 */
import { desc } from 'drizzle-orm'
import { Hono } from 'hono'
import { raw } from 'hono/html'
import { orgDatabases } from '../access/unit'
import { emailOutbox, type OutboxEmail } from '../db/schema'
import type { App } from '../env'
import { DEV_MAIL_CONTENT_SECURITY_POLICY } from '../lib/csp'
import { pageRenderer } from '../views/renderer'
import { Time } from '../views/time'
import { BODIES_KEPT_DAYS } from './outbox-prune'

/** How many emails the page lists. */
const PAGE_SIZE = 100

function EmailCard({ email }: { email: OutboxEmail }) {
  return (
    <article class="card" data-email-to={email.to} data-email-id={email.id} data-status={email.status}>
      <h2>{email.subject}</h2>
      <dl class="facts">
        <dt>To</dt>
        <dd>{email.to}</dd>
        <dt>Status</dt>
        <dd>
          {email.status}
          {email.attempts > 0 && ` after ${email.attempts} attempt${email.attempts === 1 ? '' : 's'}`}
        </dd>
        {email.lastError && (
          <>
            <dt>Last error</dt>
            <dd>{email.lastError}</dd>
          </>
        )}
        <dt>Kind</dt>
        <dd>{email.kind}</dd>
        <dt>Written</dt>
        <dd>
          <Time at={email.createdAt} />
        </dd>
      </dl>
      {email.bodiesPrunedAt !== null ? (
        <p class="empty" data-bodies-pruned>
          Its text was removed <Time at={email.bodiesPrunedAt} />, {BODIES_KEPT_DAYS} days after it was last handled;
          what is above is kept.
        </p>
      ) : (
        <>
          {/* Markup generated (and escaped) by templates.tsx when the email was written. */}
          <div class="email-html">{raw(email.html)}</div>
          <details>
            <summary>Plain text</summary>
            <pre>{email.text}</pre>
          </details>
        </>
      )}
    </article>
  )
}

/**
 * Routes to mount at `/_dev/mail` (`app.route('/_dev/mail', devMailRoutes)`): `GET /` answers the
 * mailbox page (200, HTML) when `APP_ENV === 'development'`, otherwise the app's 404.
 */
export const devMailRoutes = new Hono<App>()
// The mailbox page renders through the page renderer also when mounted on its own (tests).
devMailRoutes.use('*', pageRenderer())

/** True for a `Host` of `localhost` or `127.0.0.1`, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  return /^(localhost|127\.0\.0\.1)(:\d{1,5})?$/i.test(host ?? '')
}

devMailRoutes.get('/', async (c) => {
  if (c.env.APP_ENV !== 'development' || !isLoopbackHost(c.req.header('Host') ?? new URL(c.req.url).host))
    return c.notFound()
  c.header('Content-Security-Policy', DEV_MAIL_CONTENT_SECURITY_POLICY)
  // Every database's outbox (account emails are in the directory's, an organization's in its own: src/access/unit.ts).
  const each = await Promise.all(
    orgDatabases(c.env).map(({ db }) =>
      db.select().from(emailOutbox).orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id)).limit(PAGE_SIZE).all(),
    ),
  )
  const emails = each
    .flat()
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .slice(0, PAGE_SIZE)
  return c.render(
    <>
      <h1>Dev mailbox</h1>
      <p class="notice">
        Development only. Every email Leadpool wrote to its outbox, newest first (latest {PAGE_SIZE}). Without
        RESEND_API_KEY nothing is sent: emails are <em>captured</em> here instead.
      </p>
      {emails.length === 0 ? <p class="empty">No email yet.</p> : emails.map((email) => <EmailCard email={email} />)}
    </>,
    { title: 'Dev mailbox' },
  )
})
