/**
 * What every resource of the JSON API (`/api/v1`, docs/ARCHITECTURE.md "Intake and routing") is built on: a router
 * whose invalid input is a 422 `Refusal` with a message per field (answered as problem JSON by app.ts), the key
 * check that turns `Authorization: Bearer {key}` into the request's unit of work, and the scope check.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { findAcross } from '../access/databases'
import { unitFor, type Unit } from '../access/unit'
import type { Viewer } from '../access/viewer'
import type { ApiScope } from '../db/schema'
import type { Env, Variables } from '../env'
import { Refusal } from '../lib/errors'
import { fieldErrors } from '../lib/validation'
import { callerOfApiKey, type ApiCaller } from '../intake/api-keys'
import { readJson, sentJson } from '../intake/input'

/** The API's request context: the key's caller (`apiCaller`) and the unit it acts in (`apiUnit`). */
export type ApiEnv = { Bindings: Env; Variables: Variables & { apiCaller: ApiCaller; apiUnit: Unit } }

/** A router of API operations; invalid input (params, query, headers, body) is refused with 422 and one message per field. */
export function apiRouter() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.error) as Record<string, string>
        throw new Refusal(422, result.error.issues[0]?.message ?? 'Check the request and try again.', { errors })
      }
    },
  })
}

/**
 * The unit a key acts in: the key's integration (its id and name, api-keys.ts) as actor and as a viewer who sees
 * every lead of the organization like an Admin, within the key's scopes (`needs`), at the request's clock.
 */
function keyUnit(env: Env, caller: ApiCaller, db: Unit['db'], directory: Unit['directory']): Unit {
  const { org, settings, key } = caller
  const viewer: Viewer = {
    orgId: org.id,
    userId: key.id,
    role: 'admin',
    poolEnabled: settings.poolEnabled,
    multipleAssignees: settings.multipleAssignees,
    agentsMayHandOff: settings.agentsMayHandOff,
  }
  return unitFor(env, org, { actor: { id: key.id, name: key.name }, viewer, db, directory })
}

/**
 * Middleware: the request must carry a live API key; who it is goes on `c.var.apiCaller` and its unit on
 * `c.var.apiUnit`.
 * @throws Refusal 401 (with `WWW-Authenticate: Bearer`)
 */
export const requireApiKey: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '')
  const key = match?.[1]
  // The key's organization may live in any database (access/databases.ts): each is asked.
  const caller = key ? await findAcross(c.env, (binding) => callerOfApiKey(c.var.sessionOf(binding), key)) : null
  if (!caller) {
    c.header('WWW-Authenticate', 'Bearer')
    throw new Refusal(401, 'Send a valid API key: Authorization: Bearer {key}.')
  }
  c.set('apiCaller', caller)
  c.set('apiUnit', keyUnit(c.env, caller, c.var.sessionOf(caller.org.database), c.var.db))
  await next()
}

/**
 * Middleware: the key must have `scope`, chosen when it was created (Settings → API keys).
 * @throws Refusal 403 naming the scope
 */
export function needs(scope: ApiScope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!c.var.apiCaller.key.scopes.includes(scope))
      throw new Refusal(403, `This key may not do this: it needs the “${scope}” scope. Create a key that has it.`)
    await next()
  }
}

/** The largest body an operation reads (bytes): a lead's longest fields, each character escaped as `\uXXXX`. */
export const MAX_API_BODY = 64 * 1024

/**
 * Middlewares of an operation with a JSON body, before its validators: a body over MAX_API_BODY is refused unread
 * (413); one not sent as `Content-Type: application/json` (or `…+json`) 415, not UTF-8 422, not JSON (empty,
 * truncated) 400, so a body that is not JSON answers its own status instead of a zod message.
 * @throws Refusal 400, 413, 415, 422
 */
export const jsonBody = [
  bodyLimit({
    maxSize: MAX_API_BODY,
    onError: () => {
      throw new Refusal(413, `The body is over ${MAX_API_BODY / 1024} KiB, so nothing was saved.`)
    },
  }),
  (async (c, next) => {
    if (!sentJson(c)) throw new Refusal(415, 'Send the body as JSON, with Content-Type: application/json.')
    await readJson(c)
    await next()
  }) satisfies MiddlewareHandler<ApiEnv>,
] as const
