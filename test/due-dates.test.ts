/** Task due dates across time zones (src/lib/due.ts, src/lib/zoned-time.ts). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dueBucket, formatDue, parseDue } from '../src/lib/due'
import { localDate, localDateTime, zonedToUtc } from '../src/lib/zoned-time'

const LA = 'America/Los_Angeles'
const BERLIN = 'Europe/Berlin'

describe('date-only due dates', () => {
  it('a member in Los Angeles at 17:30 on 2025-03-14 creates a task due 2025-03-14: today, not overdue; 14 March in Berlin', () => {
    const now = zonedToUtc('2025-03-14T17:30', LA)!
    // 17:30 in Los Angeles is already 15 March in UTC and in Berlin.
    expect(localDate(now, 'UTC')).toBe('2025-03-15')
    const due = parseDue('2025-03-14', LA)!
    expect(dueBucket(due, now, LA)).toBe('today')
    expect(formatDue(due, BERLIN)).toBe('14 March 2025')
    expect(formatDue(due, LA)).toBe('14 March 2025')
  })

  it('is overdue only once the day has ended in the assignee’s time zone', () => {
    const due = parseDue('2025-03-14', LA)!
    expect(dueBucket(due, zonedToUtc('2025-03-14T23:59', LA)!, LA)).toBe('today')
    expect(dueBucket(due, zonedToUtc('2025-03-15T00:00', LA)!, LA)).toBe('overdue')
    // The same instant, for an assignee in Berlin, whose 14 March ended hours before.
    expect(dueBucket(due, zonedToUtc('2025-03-14T23:59', LA)!, BERLIN)).toBe('overdue')
    expect(dueBucket(due, zonedToUtc('2025-03-13T12:00', LA)!, LA)).toBe('upcoming')
  })

  it('is shown as the same calendar day in every time zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        fc.constantFrom('UTC', LA, BERLIN, 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata'),
        (date, zone) => {
          const day = date.toISOString().slice(0, 10)
          const shown = formatDue({ date: day }, zone)
          expect(shown).toBe(formatDue({ date: day }, 'UTC'))
          expect(shown).toContain(String(date.getUTCFullYear()))
        },
      ),
    )
  })
})

describe('due dates with a time', () => {
  it('are typed in the creator’s time zone and stored as one instant', () => {
    const due = parseDue('2025-03-14T09:00', BERLIN)!
    expect(due.at).toBe(Date.UTC(2025, 2, 14, 8, 0))
    expect(formatDue(due, LA)).toContain('01:00')
    expect(dueBucket(due, Date.UTC(2025, 2, 14, 8, 1), BERLIN)).toBe('overdue')
    expect(dueBucket(due, Date.UTC(2025, 2, 14, 7, 0), BERLIN)).toBe('today')
  })

  it('round-trips wall-clock times through daylight-saving changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(LA, BERLIN),
        (at, zone) => {
          const minute = Math.floor(at / 60_000) * 60_000
          const wall = localDateTime(minute, zone)
          const back = zonedToUtc(wall, zone)!
          // An hour repeated by a change back resolves to one of its two instants.
          expect(localDateTime(back, zone)).toBe(wall)
        },
      ),
    )
  })

  it('refuses what is not a date or a time', () => {
    for (const bad of ['', 'tomorrow', '2025-02-30', '2025-03-14T25:00', '2025-03-14 09:00']) {
      expect(parseDue(bad, 'UTC'), bad).toBeNull()
    }
  })
})
