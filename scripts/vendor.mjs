// Prepares public/ for serving: copies the pinned htmx files from node_modules into public/vendor/
// (self-hosted, never a CDN), then writes a fingerprinted copy of every file the pages link into
// public/assets/ (`app.css` → `assets/app.{sha256 prefix}.css`) with public/assets/manifest.json mapping
// each plain path to its copy. public/_headers serves /assets/* as immutable (cached for a year), and the
// Worker links the copies (src/views/assets.ts), so a changed file gets a new name and repeat visits fetch
// only the HTML. Our own app.css and app.js are minified in their copies (esbuild), the files under public/
// stay as written. Runs before `npm start`, the browser tests and `npm run deploy`; public/vendor/ and
// public/assets/ are not committed. After editing public/app.css or app.js, restart `npm start`.
// It writes only what changed, each file whole (a temporary file renamed), the manifest last, and removes stale copies
// after it: a server already serving this folder (another `npm start` in the same checkout, as the first-run browser
// test starts one) never sees a missing or half-written manifest, and sees no change at all when nothing changed.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { extname } from 'node:path'
import { transformSync } from 'esbuild'

const vendored = [
  ['node_modules/htmx.org/dist/htmx.min.js', 'public/vendor/htmx.min.js'],
  ['node_modules/htmx-ext-ws/dist/ws.min.js', 'public/vendor/htmx-ext-ws.min.js'],
]
/** Writes `bytes` to `file` whole (a temporary file renamed over it), unless it already holds exactly them. */
function writeIfChanged(file, bytes) {
  if (existsSync(file) && readFileSync(file).equals(bytes)) return
  writeFileSync(`${file}.tmp`, bytes)
  renameSync(`${file}.tmp`, file)
}
mkdirSync('public/vendor', { recursive: true })
for (const [from, to] of vendored) writeIfChanged(to, readFileSync(from))

/** The files the pages link, as URL paths under public/. */
const linked = [
  '/app.css',
  '/app.js',
  '/live-lists.js',
  '/favicon.svg',
  '/vendor/htmx.min.js',
  '/vendor/htmx-ext-ws.min.js',
]

/** Ours, minified in their copies (the vendored files come minified). */
const minified = { '/app.css': 'css', '/app.js': 'js', '/live-lists.js': 'js' }
mkdirSync('public/assets', { recursive: true })
const manifest = {}
for (const path of linked) {
  const source = readFileSync(`public${path}`)
  const loader = minified[path]
  const bytes = loader ? Buffer.from(transformSync(source.toString('utf8'), { loader, minify: true }).code) : source
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12)
  const ext = extname(path)
  const name = path.slice(path.lastIndexOf('/') + 1, -ext.length)
  const copy = `/assets/${name}.${hash}${ext}`
  writeIfChanged(`public${copy}`, bytes)
  manifest[path] = copy
}
writeIfChanged('public/assets/manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'))
const current = new Set(Object.values(manifest).map((copy) => copy.slice('/assets/'.length)))
for (const file of readdirSync('public/assets'))
  if (file !== 'manifest.json' && !current.has(file)) rmSync(`public/assets/${file}`)
