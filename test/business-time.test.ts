/** Business time (src/lib/business-time.ts): working hours only, across weekends and daylight-saving changes. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { businessTime, closedUntil, workingWait, type BusinessHours } from '../src/lib/business-time'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const WEEKDAYS = [1, 2, 3, 4, 5]
const berlin: BusinessHours = { timeZone: 'Europe/Berlin', days: WEEKDAYS, start: '09:00', end: '17:00' }
const newYork: BusinessHours = { timeZone: 'America/New_York', days: WEEKDAYS, start: '09:00', end: '17:00' }

describe('business time', () => {
  it('a lead arriving Friday 16:50 and touched Monday 09:05 waited 15 minutes', () => {
    // Friday 5 and Monday 8 December 2025, Berlin (UTC+1).
    expect(businessTime(Date.parse('2025-12-05T16:50:00+01:00'), Date.parse('2025-12-08T09:05:00+01:00'), berlin)).toBe(
      15 * MINUTE,
    )
    // Arriving on Saturday, touched on Sunday: no business time at all.
    expect(businessTime(Date.parse('2025-12-06T10:00:00+01:00'), Date.parse('2025-12-07T12:00:00+01:00'), berlin)).toBe(
      0,
    )
  })

  it('counts the hours a day really has across a daylight-saving change (Berlin, New York)', () => {
    const allDay: BusinessHours = { ...berlin, days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' }
    // Sunday 30 March 2025 in Berlin has 23 hours: 02:00 became 03:00.
    expect(businessTime(Date.parse('2025-03-30T00:00:00+01:00'), Date.parse('2025-03-31T00:00:00+02:00'), allDay)).toBe(
      23 * HOUR,
    )
    // Friday 16:00 before the change (UTC+1) to Monday 10:00 after it (UTC+2): 1 h + 1 h.
    expect(businessTime(Date.parse('2025-03-28T16:00:00+01:00'), Date.parse('2025-03-31T10:00:00+02:00'), berlin)).toBe(
      2 * HOUR,
    )
    // New York leaves daylight time on Sunday 2 November 2025: Friday 16:30 (UTC−4) to Monday 09:30 (UTC−5).
    expect(
      businessTime(Date.parse('2025-10-31T16:30:00-04:00'), Date.parse('2025-11-03T09:30:00-05:00'), newYork),
    ).toBe(HOUR)
    const nightShift: BusinessHours = { ...newYork, days: [0], start: '00:00', end: '24:00' }
    // That Sunday has 25 hours.
    expect(
      businessTime(Date.parse('2025-11-02T00:00:00-04:00'), Date.parse('2025-11-03T00:00:00-05:00'), nightShift),
    ).toBe(25 * HOUR)
  })

  it('is never negative, never more than the wall clock, and the wall clock when open 24/7', () => {
    const instant = fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2026-12-31') })
    const hours = fc.record({
      timeZone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'),
      days: fc.subarray([0, 1, 2, 3, 4, 5, 6]),
      start: fc.constantFrom('00:00', '08:30', '09:00'),
      end: fc.constantFrom('12:00', '17:00', '24:00'),
    })
    fc.assert(
      fc.property(instant, fc.integer({ min: -HOUR, max: 20 * 24 * HOUR }), hours, (from, length, open) => {
        const to = from + length
        const time = businessTime(from, to, open)
        expect(time).toBeGreaterThanOrEqual(0)
        expect(time).toBeLessThanOrEqual(Math.max(0, to - from))
        const always = { ...open, days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' }
        expect(businessTime(from, to, always)).toBe(Math.max(0, to - from))
      }),
      { numRuns: 300 },
    )
  })

  it('says when working hours start again: none of the time until then is in them, the minute after is', () => {
    const instant = fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2026-12-31') })
    const hours = fc.record({
      timeZone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'),
      days: fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }),
      start: fc.constantFrom('00:00', '08:30', '09:00'),
      end: fc.constantFrom('12:00', '17:00', '24:00'),
    })
    fc.assert(
      fc.property(instant, hours, (at, open) => {
        const opens = closedUntil(at, open)
        if (opens === null) {
          expect(businessTime(at, at + 1, open), 'inside the hours').toBe(1)
          return
        }
        expect(opens).toBeGreaterThan(at)
        expect(opens - at).toBeLessThanOrEqual(8 * 24 * HOUR)
        expect(businessTime(at, opens, open), 'closed until then').toBe(0)
        expect(businessTime(opens, opens + MINUTE, open), 'open from then').toBe(MINUTE)
      }),
      { numRuns: 300 },
    )
  })

  describe('the working wait (the clock paused while the holder is away)', () => {
    const instant = fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2026-12-31') })
    const hours = fc.option(
      fc.record({
        timeZone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'),
        days: fc.subarray([0, 1, 2, 3, 4, 5, 6]),
        start: fc.constantFrom('00:00', '08:30', '09:00'),
        end: fc.constantFrom('12:00', '17:00', '24:00'),
      }),
    )
    /** Away periods around `from`: some overlapping, some open-ended (`Infinity`: not back yet). */
    const awayNear = (from: number) =>
      fc.array(
        fc
          .tuple(
            fc.integer({ min: -5 * 24 * HOUR, max: 15 * 24 * HOUR }),
            fc.option(fc.integer({ min: 1, max: 6 * 24 * HOUR })),
          )
          .map(([offset, length]) => ({
            start: from + offset,
            end: length === null ? Infinity : from + offset + length,
          })),
        { maxLength: 4 },
      )
    const stretch = instant.chain((from) =>
      fc.record({
        from: fc.constant(from),
        a: fc.integer({ min: 0, max: 10 * 24 * HOUR }),
        b: fc.integer({ min: 0, max: 10 * 24 * HOUR }),
        away: awayNear(from),
      }),
    )

    it('is never negative, never more than the wall clock, and businessTime without away periods', () => {
      fc.assert(
        fc.property(stretch, hours, ({ from, a, away }, open) => {
          const wait = workingWait(from, from + a, open, away)
          expect(wait).toBeGreaterThanOrEqual(0)
          expect(wait).toBeLessThanOrEqual(a)
          expect(wait).toBeLessThanOrEqual(businessTime(from, from + a, open))
          expect(workingWait(from, from + a, open, [])).toBe(businessTime(from, from + a, open))
        }),
        { numRuns: 200 },
      )
    })

    it('adds up over adjacent stretches', () => {
      fc.assert(
        fc.property(stretch, hours, ({ from, a, b, away }, open) => {
          const mid = from + a
          const to = mid + b
          expect(workingWait(from, mid, open, away) + workingWait(mid, to, open, away)).toBe(
            workingWait(from, to, open, away),
          )
        }),
        { numRuns: 200 },
      )
    })

    it('stands still inside an away period, and one period given twice is taken out once', () => {
      fc.assert(
        fc.property(stretch, hours, ({ from, a, b, away }, open) => {
          const period = { start: from, end: from + a + b }
          expect(workingWait(from, from + a, open, [...away, period])).toBe(0)
          expect(workingWait(from - b, from + a, open, [period, period])).toBe(
            workingWait(from - b, from + a, open, [period]),
          )
        }),
        { numRuns: 200 },
      )
    })

    it('a lead arriving Friday 16:50, its assignee away Monday 09:00–11:00, touched Monday 11:05, waited 15 minutes', () => {
      const away = [{ start: Date.parse('2025-12-08T09:00:00+01:00'), end: Date.parse('2025-12-08T11:00:00+01:00') }]
      expect(
        workingWait(Date.parse('2025-12-05T16:50:00+01:00'), Date.parse('2025-12-08T11:05:00+01:00'), berlin, away),
      ).toBe(15 * MINUTE)
    })
  })
})
