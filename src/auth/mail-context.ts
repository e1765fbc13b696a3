/** Where emailed account links point and the queue that sends them, read from a request's bindings. */
import type { Context } from 'hono'
import type { App } from '../env'
import type { EmailMessage } from '../lib/queue-messages'

/** Where emailed links point (env.APP_URL) and the queue that sends the outbox rows. */
export type MailContext = { appUrl: string; queue: Queue<EmailMessage> }

/** The mail context of the request `c` (its APP_URL and EMAIL_QUEUE bindings). */
export function mailContext(c: Context<App>): MailContext {
  return { appUrl: c.env.APP_URL, queue: c.env.EMAIL_QUEUE }
}
