/**
 * The webhook endpoint form (`POST /o/{slug}/settings/webhooks` and `…/webhooks/{id}`): `url`, `description`, one
 * `event_{type}` checkbox per event (`WEBHOOK_EVENTS`) and `active`, each ticked box sending `1`.
 */
import { z } from 'zod'
import { WEBHOOK_EVENTS } from '../db/schema'
import { optionalSingleLine, singleLine } from '../lib/text'
import type { EndpointInput } from './endpoints'
import { targetProblem } from './targets'

/** A checkbox: ticked sends `1`, unticked sends nothing. */
const box = z
  .string()
  .optional()
  .transform((v) => v === '1')

/**
 * The form's schema; `production` (APP_ENV is not `development`) refuses targets targets.ts `targetProblem` names.
 * Gives an `EndpointInput`; at least one event.
 */
export function endpointSchema(production: boolean) {
  const url = singleLine('URL', 2000, 'Enter the address events are sent to').superRefine((value, ctx) => {
    const problem = targetProblem(value, production)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  const events = Object.fromEntries(WEBHOOK_EVENTS.map((e) => [`event_${e}`, box])) as Record<
    `event_${(typeof WEBHOOK_EVENTS)[number]}`,
    typeof box
  >
  return z
    .object({ url, description: optionalSingleLine('description', 200), active: box, ...events })
    .transform((v): EndpointInput => ({
      url: v.url,
      description: v.description,
      active: v.active,
      events: WEBHOOK_EVENTS.filter((e) => v[`event_${e}`]),
    }))
    .refine((v) => v.events.length > 0, { path: ['events'], message: 'Choose at least one event to send' })
}
