// Prepares public/ for serving: copies the pinned htmx files from node_modules into public/vendor/
// (self-hosted, never a CDN), then writes a fingerprinted copy of every file the pages link into
// public/assets/ (`app.css` → `assets/app.{sha256 prefix}.css`) with public/assets/manifest.json mapping
// each plain path to its copy. public/_headers serves /assets/* as immutable (cached for a year), and the
// Worker links the copies (src/views/assets.ts), so a changed file gets a new name and repeat visits fetch
// only the HTML. Our own app.css and app.js are minified in their copies (esbuild), the files under public/
// stay as written. Runs before `npm start`, the browser tests and `npm run deploy`; public/vendor/ and
// public/assets/ are not committed. After editing public/app.css or app.js, restart `npm start`.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { extname } from 'node:path'
import { transformSync } from 'esbuild'

const vendored = [
  ['node_modules/htmx.org/dist/htmx.min.js', 'public/vendor/htmx.min.js'],
  ['node_modules/htmx-ext-ws/dist/ws.min.js', 'public/vendor/htmx-ext-ws.min.js'],
]
mkdirSync('public/vendor', { recursive: true })
for (const [from, to] of vendored) copyFileSync(from, to)

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
rmSync('public/assets', { recursive: true, force: true })
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
  writeFileSync(`public${copy}`, bytes)
  manifest[path] = copy
}
writeFileSync('public/assets/manifest.json', JSON.stringify(manifest, null, 2) + '\n')
