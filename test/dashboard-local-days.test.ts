/**
 * The dashboard counts days in the viewer's own time zone (docs/ARCHITECTURE.md "Dashboard",
 * src/dashboard/local-days.ts): a lead that arrived late in the evening counts on that evening's day for a viewer
 * there and on their own day for a viewer elsewhere; the days of a daylight-saving change (23 and 25 hours) hold
 * their own leads; zones at +05:30 and +05:45 split their days at their own midnights.
 */
import { describe, expect, it } from 'vitest'
import type { Viewer } from '../src/access/viewer'
import { dashboardNumbers } from '../src/dashboard/numbers'
import { DashboardPage } from '../src/dashboard/views'
import { createDb } from '../src/db/client'
import { localDate, zonedToUtc } from '../src/lib/zoned-time'
import { addLead, rows } from './concurrency'
import { dom, textOf, type Page } from './dom'
import { env, signUp } from './helpers'
import { orgIdOf, signedInMembers } from './pool-fixtures'

const DAY = 86_400_000

/** "7 Dec": calendar day `date` (`YYYY-MM-DD`) as the dashboard's rows name it. */
const rowName = (date: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  )

/** Leads of `slug` from source Website that arrived at each instant of `at` (epoch ms). */
async function arrivedAt(slug: string, at: number[]) {
  for (const instant of at) {
    const id = await addLead(slug, 'Late lead')
    await env.DB.prepare("UPDATE leads SET source = 'Website', created_at = ? WHERE id = ?").bind(instant, id).run()
  }
}

const setZone = (userId: string, zone: string) =>
  env.DB.prepare('UPDATE users SET time_zone = ? WHERE id = ?').bind(zone, userId).run()

/** Every day row of the arrivals table with its Website count: `{ "7 Dec": "2" }`. */
function arrivalsByDay(page: Page): Record<string, string> {
  return Object.fromEntries(
    [...page.querySelectorAll('#chart-arrivals tr[data-category]')].map((row) => [
      row.getAttribute('data-category')!,
      textOf(row.querySelector('td[data-series="Website"]')),
    ]),
  )
}

async function ownerOf(slug: string) {
  const [owner] = await rows<{ user_id: string }>(
    "SELECT user_id FROM memberships WHERE org_id = ? AND role = 'owner'",
    await orgIdOf(slug),
  )
  return owner!.user_id
}

describe("dashboard days in the viewer's time zone", () => {
  it('counts a lead that arrived at 20:30 in New York on that day there, and on the next day in Tokyo', async () => {
    const { client: owner, slug } = await signUp('Evening Org')
    const [admin] = await signedInMembers(slug, 1, 'admin')
    await setZone(await ownerOf(slug), 'America/New_York')
    await setZone(admin!.userId, 'Asia/Tokyo')
    const yesterday = localDate(Date.now() - DAY, 'America/New_York')
    const evening = zonedToUtc(`${yesterday}T20:30`, 'America/New_York')!
    await arrivedAt(slug, [evening])
    const tokyoDay = localDate(evening, 'Asia/Tokyo')
    expect(tokyoDay).not.toBe(yesterday)

    const seenInNewYork = dom(await owner.html(`/o/${slug}/dashboard?period=7`))
    expect(arrivalsByDay(seenInNewYork)).toEqual({ [rowName(yesterday)]: '1' })
    expect(textOf(seenInNewYork.querySelector('main p.muted'))).toContain('America/New_York')
    const seenInTokyo = dom(await admin!.client.html(`/o/${slug}/dashboard?period=7`))
    expect(arrivalsByDay(seenInTokyo)).toEqual({ [rowName(tokyoDay)]: '1' })
  })

  it('splits the days of +05:30 (Kolkata) and +05:45 (Kathmandu) at their own midnights', async () => {
    const { client: owner, slug } = await signUp('Half Hour Org')
    const ownerId = await ownerOf(slug)
    const utcDay = Math.floor(Date.now() / DAY) * DAY - 3 * DAY
    // 23:59 and 00:00 in Kolkata (18:29 and 18:30 UTC); 23:59 and 00:00 in Kathmandu (18:14 and 18:15 UTC).
    await arrivedAt(slug, [
      utcDay + 18 * 3_600_000 + 29 * 60_000,
      utcDay + 18 * 3_600_000 + 30 * 60_000,
      utcDay + 18 * 3_600_000 + 14 * 60_000,
      utcDay + 18 * 3_600_000 + 15 * 60_000,
    ])
    const day = new Date(utcDay).toISOString().slice(0, 10)
    const next = new Date(utcDay + DAY).toISOString().slice(0, 10)
    // Kolkata: 23:44, 23:45, 23:59 on the day, 00:00 the next; Kathmandu: 23:59 on the day, 00:00, 00:14, 00:15 the next.
    await setZone(ownerId, 'Asia/Kolkata')
    expect(arrivalsByDay(dom(await owner.html(`/o/${slug}/dashboard?period=7`)))).toEqual({
      [rowName(day)]: '3',
      [rowName(next)]: '1',
    })
    await setZone(ownerId, 'Asia/Kathmandu')
    expect(arrivalsByDay(dom(await owner.html(`/o/${slug}/dashboard?period=7`)))).toEqual({
      [rowName(day)]: '1',
      [rowName(next)]: '3',
    })
    await setZone(ownerId, 'UTC')
    expect(arrivalsByDay(dom(await owner.html(`/o/${slug}/dashboard?period=7`)))).toEqual({ [rowName(day)]: '4' })
  })

  it('counts the leads of a 23-hour and a 25-hour day (New York, March and November 2026) on their own days', async () => {
    const { slug } = await signUp('Daylight Org')
    const orgId = await orgIdOf(slug)
    const viewer: Viewer = {
      orgId,
      userId: await ownerOf(slug),
      role: 'owner',
      poolEnabled: true,
      multipleAssignees: false,
    }
    const at = (iso: string) => Date.parse(iso)
    await arrivedAt(slug, [
      // 8 March 2026 has 23 hours: 05:00 UTC (00:00 EST) to 04:00 UTC the next day (00:00 EDT).
      at('2026-03-08T04:59:00Z'), // 7 Mar, 23:59 EST
      at('2026-03-08T05:00:00Z'), // 8 Mar, 00:00 EST
      at('2026-03-09T03:59:00Z'), // 8 Mar, 23:59 EDT
      at('2026-03-09T04:00:00Z'), // 9 Mar, 00:00 EDT
      // 1 November 2026 has 25 hours: 04:00 UTC (00:00 EDT) to 05:00 UTC the next day (00:00 EST).
      at('2026-11-01T03:59:00Z'), // 31 Oct, 23:59 EDT
      at('2026-11-01T04:00:00Z'), // 1 Nov, 00:00 EDT
      at('2026-11-02T04:30:00Z'), // 1 Nov, 23:30 EST: its 25th hour
      at('2026-11-02T05:00:00Z'), // 2 Nov, 00:00 EST
    ])
    const page = async (now: number) => {
      const numbers = await dashboardNumbers(
        { db: createDb(env.DB), org: { id: orgId, name: 'Daylight Org', slug, database: 'DB' }, viewer, now },
        { days: 7, source: null, member: null },
        { timeZone: 'America/New_York' },
      )
      const query = { filters: { days: 7, source: null, member: null }, problems: [] }
      return dom(String(await DashboardPage({ numbers, query, manager: true, targetMinutes: 0, now })))
    }
    expect(arrivalsByDay(await page(at('2026-03-10T12:00:00Z')))).toEqual({ '7 Mar': '1', '8 Mar': '2', '9 Mar': '1' })
    expect(arrivalsByDay(await page(at('2026-11-03T12:00:00Z')))).toEqual({
      '31 Oct': '1',
      '1 Nov': '2',
      '2 Nov': '1',
    })
  })
})
