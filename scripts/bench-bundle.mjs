// `npm run bench:bundle`: what the deployed Worker weighs and what its start-up costs (issue 25, goal 6). Bundles
// the Worker as `wrangler deploy` would (`--dry-run`, nothing uploaded) with esbuild's metafile, sums the bundle's
// bytes by package, then profiles the start-up phase locally (`wrangler check startup`) three times. Prints a
// Markdown table for BENCHMARKS.md ("Worker bundle and start-up"). Not part of `npm test`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
const dir = mkdtempSync(join(os.tmpdir(), 'leadpool-bundle-'))
const wrangler = (...args) => execFileSync('node_modules/.bin/wrangler', args, { env, encoding: 'utf8' })

wrangler('deploy', '--dry-run', '--outdir', dir, '--metafile', join(dir, 'meta.json'))
const bundle = join(dir, 'index.js')
const bytes = statSync(bundle).size
const gzip = gzipSync(readFileSync(bundle)).length
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('index.js'))[1]

/** The package a bundled file comes from (`zod`, `@hono/zod-openapi`), or `src` for Leadpool's own code. */
function packageOf(file) {
  const at = file.lastIndexOf('node_modules/')
  if (at < 0) return 'src (Leadpool)'
  const parts = file.slice(at + 'node_modules/'.length).split('/')
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
}
const byPackage = new Map()
let locales = 0
for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
  byPackage.set(packageOf(file), (byPackage.get(packageOf(file)) ?? 0) + bytesInOutput)
  if (file.includes('node_modules/zod/v4/locales/')) locales += bytesInOutput
}

const startups = []
for (let i = 0; i < 3; i++) {
  const text = wrangler('check', 'startup', '--outfile', join(dir, `startup-${i}.cpuprofile`))
  startups.push(Number(/Active: ([\d.]+) ms/.exec(text)?.[1]))
}
startups.sort((a, b) => a - b)
rmSync(dir, { recursive: true, force: true })

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`
console.log(`Bundle: ${kib(bytes)} (${kib(gzip)} gzip); local start-up CPU (median of 3): ${startups[1]} ms`)
console.log(`(runs: ${startups.join(', ')} ms)\n`)
console.log('| package | in the bundle |\n|---|---:|')
for (const [name, size] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`| ${name} | ${kib(size)}${name === 'zod' ? ` (locales: ${kib(locales)})` : ''} |`)
}
