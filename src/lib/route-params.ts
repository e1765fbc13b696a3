/**
 * URL parameters are checked for their shape before anything uses them: an id, token or slug that
 * is not well-formed (a line break, NUL, the wrong shape, too long) answers 404 at once, so it never
 * reaches a query, a log line or a response header (where a CR/LF made the runtime answer 500).
 *
 * Shapes by parameter name:
 * - `slug`: an organization slug as `slugify` makes it (`acme`, `acme-2`), at most 60 characters;
 * - `token`: a token from `newToken` (43 base64url characters);
 * - `id` and every name ending in `Id` (`leadId`, `userId`, `jobId`): an id (`isId`, UUID text);
 * - any other name (e.g. `:action{assign|claim}`, already constrained by its route): at most 100
 *   characters, none of them a control character.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { isId } from './ids'
import { notFound } from './errors'
import { isWellFormedToken } from './tokens'

/** True for an organization slug: lower-case ASCII letters and digits in dash-separated words. */
export function isSlug(value: string): boolean {
  return value.length <= 60 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value)
}

/** True when URL parameter `name` holds a value of its shape (see the module comment). */
export function wellFormedParam(name: string, value: string): boolean {
  if (name === 'slug') return isSlug(value)
  if (name === 'token') return isWellFormedToken(value)
  if (name === 'id' || name.endsWith('Id')) return isId(value)
  // eslint-disable-next-line no-control-regex
  return value.length <= 100 && !/[\u0000-\u001f\u007f]/.test(value)
}

/** The decoded parameters of the matched route at `index` (Hono reads them per route). */
function paramsAt(c: Context, index: number): Record<string, string> {
  const current = c.req.routeIndex
  try {
    c.req.routeIndex = index
    return c.req.param()
  } finally {
    c.req.routeIndex = current
  }
}

/**
 * Middleware (mount once, for `*`, before anything reads a parameter) answering 404 when a
 * parameter of the request's route is not well-formed. The route is the first matched method route
 * that names parameters (Hono runs routes in order, so `/leads/new` is not taken for
 * `/leads/:leadId`; a method route without parameters, such as a rate limit on `/invite/*`, is
 * passed over). Its parameters include those of the prefix it is mounted under (`/o/:slug`). The
 * parameters of middleware on the way (`app.use('/o/:slug/leads/:leadId/*')`, which also matches
 * `/leads/new`) are checked only when no such route matched: the request is then a 404 anyway, and
 * a malformed value still never reaches the middleware.
 * @throws Refusal 404
 */
export function validParams(): MiddlewareHandler {
  return async (c, next) => {
    const routes = matchedRoutes(c)
    const params = routes.map((_, index) => paramsAt(c, index))
    const answering = routes.findIndex((route, index) => route.method !== 'ALL' && Object.keys(params[index]!).length)
    const checked = answering >= 0 ? [params[answering]!] : params
    for (const values of checked) {
      for (const [name, value] of Object.entries(values)) {
        if (!wellFormedParam(name, value)) throw notFound()
      }
    }
    await next()
  }
}
