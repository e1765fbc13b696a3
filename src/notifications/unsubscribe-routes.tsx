/**
 * `/unsubscribe/{token}`, public (no session): GET asks to confirm (a link scanner's GET changes
 * nothing), POST unsubscribes; mail providers POST `List-Unsubscribe=One-Click` (RFC 8058) from their
 * own servers, so app.ts exempts this path from the same-origin check (the token is the authority).
 */
import { findAcross } from '../access/databases'
import { Hono } from 'hono'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { findUnsubscription, unsubscribe, type Unsubscription } from './unsubscribe'

export const unsubscribeRoutes = new Hono<App>()

/** An unknown or expired link: what still works. */
const linkGone = () =>
  new Refusal(
    404,
    'This unsubscribe link is not valid any more (each works for a year after its email). Log in and choose what you are emailed about in your notification preferences.',
    { details: { heading: 'Link expired' } },
  )

function UnsubscribePage({ what, done, token }: { what: Unsubscription; done: boolean; token: string }) {
  const preferences = `/o/${what.orgSlug}/preferences`
  return (
    <section class="card narrow">
      {done ? (
        <>
          <h1>You are unsubscribed</h1>
          <p role="status">
            No more “{what.label}” emails from {what.orgName}. The app still tells you; change it any time in your{' '}
            <a href={preferences}>notification preferences</a>.
          </p>
        </>
      ) : (
        <>
          <h1>Unsubscribe</h1>
          <p>
            Stop “{what.label}” emails from {what.orgName}? Other emails and the app are not affected.
          </p>
          <form method="post" action={`/unsubscribe/${token}`}>
            <button type="submit">Unsubscribe</button>
          </form>
          <p>
            Or choose in your <a href={preferences}>notification preferences</a>.
          </p>
        </>
      )}
    </section>
  )
}

unsubscribeRoutes.get('/:token', async (c) => {
  const token = c.req.param('token')
  const what = await findAcross(c.env, (binding) => findUnsubscription(c.var.sessionOf(binding), token))
  if (!what) throw linkGone()
  return c.render(<UnsubscribePage what={what} done={false} token={token} />, {
    title: 'Unsubscribe',
    chrome: 'anonymous',
  })
})

unsubscribeRoutes.post('/:token', async (c) => {
  const token = c.req.param('token')
  const what = await findAcross(c.env, (binding) => unsubscribe(c.var.sessionOf(binding), token, Date.now()))
  if (!what) throw linkGone()
  return c.render(<UnsubscribePage what={what} done token={token} />, { title: 'Unsubscribe', chrome: 'anonymous' })
})
