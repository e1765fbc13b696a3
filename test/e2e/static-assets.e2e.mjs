// Browser test: the static files a page links are fingerprinted copies served as immutable, so a
// repeat visit fetches only the HTML (scripts/vendor.mjs, public/_headers, src/views/assets.ts).
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newPage, useBrowser } from './browser.mjs'

useBrowser()

test('pages link fingerprinted files cached for a year, and a second visit fetches only the page', async (t) => {
  const { page } = await newPage(t)
  const fetched = []
  page.on('response', (res) => fetched.push({ url: new URL(res.url()).pathname, res }))
  await page.goto('/login')
  const linked = await page.evaluate(() =>
    [...document.querySelectorAll('link[href], script[src]')].map(
      (e) => e.getAttribute('href') ?? e.getAttribute('src'),
    ),
  )
  assert.ok(linked.length >= 4, `linked files: ${linked.join(', ')}`)
  for (const path of linked) {
    assert.match(path, /^\/assets\/[\w.-]+\.[0-9a-f]{12}\.(css|js|svg)$/, `${path} is fingerprinted`)
    const res = fetched.find((f) => f.url === path)?.res ?? (await page.request.get(path))
    assert.equal(res.status(), 200, `${path} answers 200`)
    assert.equal(res.headers()['cache-control'], 'public, max-age=31536000, immutable', `${path} is immutable`)
  }

  fetched.length = 0
  await page.goto('/login')
  const fromNetwork = fetched.filter((f) => f.url.startsWith('/assets/'))
  // Chromium answers immutable files from its cache: a response may be reported, but never a 304 revalidation.
  assert.deepEqual(
    fromNetwork.filter((f) => f.res.status() === 304).map((f) => f.url),
    [],
    'no linked file is revalidated on the second visit',
  )
})
