// Copies the pinned htmx files from node_modules into public/vendor/ (self-hosted, never a CDN).
// Runs before `npm start`, `npm test` and `npm run deploy`; public/vendor/ is not committed.
import { copyFileSync, mkdirSync } from 'node:fs'

const files = [
  ['node_modules/htmx.org/dist/htmx.min.js', 'public/vendor/htmx.min.js'],
  ['node_modules/htmx-ext-ws/dist/ws.min.js', 'public/vendor/htmx-ext-ws.min.js'],
]
mkdirSync('public/vendor', { recursive: true })
for (const [from, to] of files) copyFileSync(from, to)
