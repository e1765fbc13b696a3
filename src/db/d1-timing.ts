/**
 * What a request spends in D1, for the `Server-Timing` header of local development (src/app.ts): the
 * statements it sends (each `all`/`run`/`raw`/`first`, and a batch as one) and the time at least one of them is
 * in flight, so statements sent together count once. `npm run bench` reads the header to say what part of a
 * page's time is D1 (BENCHMARKS.md).
 */

/** A request's D1 use so far: `statements` (count) and `busyMs` (ms with a statement in flight). */
export type D1Use = { statements: number; busyMs: number }

const REAL = Symbol('the D1 statement')
type Timed = D1PreparedStatement & { [REAL]: D1PreparedStatement }

/**
 * `session` with every statement it prepares counted and timed into `use` (a fresh `D1Use` per request).
 * Batches get the real statements back, as D1 requires.
 */
export function timedD1(session: D1DatabaseSession, use: D1Use): D1DatabaseSession {
  let inFlight = 0
  let since = 0
  async function timed<T>(work: () => Promise<T>): Promise<T> {
    use.statements++
    if (inFlight++ === 0) since = performance.now()
    try {
      return await work()
    } finally {
      if (--inFlight === 0) use.busyMs += performance.now() - since
    }
  }
  const wrap = (real: D1PreparedStatement): Timed =>
    Object.assign(Object.create(real) as D1PreparedStatement, {
      [REAL]: real,
      bind: (...values: unknown[]) => wrap(real.bind(...values)),
      all: () => timed(() => real.all()),
      run: () => timed(() => real.run()),
      raw: (options?: { columnNames?: boolean }) => timed(() => real.raw(options as { columnNames: true })),
      first: (column?: string) => timed(() => (column === undefined ? real.first() : real.first(column))),
    })
  return Object.assign(Object.create(session) as D1DatabaseSession, {
    prepare: (query: string) => wrap(session.prepare(query)),
    batch: (statements: D1PreparedStatement[]) =>
      timed(() => session.batch(statements.map((s) => (s as Partial<Timed>)[REAL] ?? s))),
    getBookmark: () => session.getBookmark(),
  })
}
