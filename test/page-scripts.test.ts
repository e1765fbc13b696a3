/**
 * Page weight: only the pages that keep a WebSocket open (the lead page, the pool) load the htmx ws
 * extension; the lead list and the other pages do not (src/views/layout.tsx `live`).
 */
import { describe, expect, it } from 'vitest'
import { createLead, signUp } from './helpers'

/** The ws extension's script: its plain copy, or its fingerprinted one once scripts/vendor.mjs has run. */
const WS_EXTENSION = /<script src="\/(?:vendor|assets)\/htmx-ext-ws\.min(?:\.[0-9a-f]{12})?\.js"/

describe('page scripts', () => {
  it('loads the ws extension on the lead page and the pool, not on the list', async () => {
    const { client, slug } = await signUp()
    const leadId = await createLead(client, slug, {
      name: 'Zoë Lee',
      email: '',
      phone: '',
      company: '',
      source: '',
      status: 'new',
    })
    const page = async (path: string) => {
      const res = await client.get(path)
      expect(res.status).toBe(200)
      return res.text()
    }
    expect(await page(`/o/${slug}/leads`)).not.toMatch(WS_EXTENSION)
    expect(await page(`/o/${slug}/team`)).not.toMatch(WS_EXTENSION)
    expect(await page(`/o/${slug}/leads/${leadId}`)).toMatch(WS_EXTENSION)
    expect(await page(`/o/${slug}/pool`)).toMatch(WS_EXTENSION)
  })
})
