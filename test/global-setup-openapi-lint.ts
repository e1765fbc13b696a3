/**
 * vitest globalSetup (runs in Node, once per run): a local server that lints an OpenAPI document with Redocly's
 * `recommended` rules (`@redocly/openapi-core`, no network), for test/api-description.test.ts, which runs inside
 * workerd and posts the API's document to it. Its URL is `inject('openapiLintUrl')`. Answers `[{ severity, ruleId,
 * message, pointer }]`, one per problem (empty: clean).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { lintFromString } from '@redocly/openapi-core'
import type { TestProject } from 'vitest/node'

/** Starts the linting server; @returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Loaded with the first document posted, so a run without test/api-description.test.ts never loads the linter.
  let linter: Promise<{ lint: (source: string) => ReturnType<typeof lintFromString> }> | undefined
  const loadLinter = () =>
    (linter ??= import('@redocly/openapi-core').then(async ({ createConfig, lintFromString }) => {
      const config = await createConfig({ extends: ['recommended'] })
      return { lint: (source: string) => lintFromString({ source, absoluteRef: 'openapi.json', config }) }
    }))
  const server = createServer((req, res) => {
    let source = ''
    req.setEncoding('utf8')
    req.on('data', (part: string) => (source += part))
    req.on('end', () => {
      loadLinter()
        .then(({ lint }) => lint(source))
        .then((problems) =>
          problems.map((p) => ({
            severity: p.severity,
            ruleId: p.ruleId,
            message: p.message,
            pointer: p.location[0]?.pointer ?? '',
          })),
        )
        .then(
          (found) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(found)),
          (error: unknown) => res.writeHead(500).end(String(error)),
        )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  project.provide('openapiLintUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  return () => new Promise((resolve) => server.close(() => resolve()))
}
