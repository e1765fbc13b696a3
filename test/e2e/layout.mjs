// What the browser tests check of a page's layout and accessibility (README "Test it"): the two windows every page must
// fit (a 1280 px laptop and a 390 px phone), sideways scrolling, an action kept on screen, and axe-core's serious and
// critical violations of WCAG 2.1 A and AA (axe's script ships inside @axe-core/playwright; nothing is fetched).
import AxeBuilder from '@axe-core/playwright'

/** The windows every page is checked in: a laptop and a phone (CSS px). */
export const VIEWPORTS = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
]

/** Serious and critical axe-core violations (WCAG 2.1 A and AA) of the page as it is now, one line each. */
export async function seriousViolations(page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}

/**
 * Failures of the page as it is now at `viewport` (one of `VIEWPORTS`), each a line naming it: the page scrolls
 * sideways, or `target` (a locator, optional), once scrolled to, is not inside the window — across only, or across
 * and down with `{ whole: true }`.
 */
export async function fits(page, viewport, target, { whole = false } = {}) {
  const failures = []
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }))
  if (scrollWidth > innerWidth) failures.push(`${viewport.name}: ${scrollWidth} px wide in a ${innerWidth} px window`)
  if (!target) return failures
  await target.scrollIntoViewIfNeeded()
  const box = await target.boundingBox()
  const across = box && box.x >= 0 && box.x + box.width <= viewport.width
  const down = box && box.y >= 0 && box.y + box.height <= viewport.height
  if (!across || (whole && !down))
    failures.push(`${viewport.name}: ${(await target.textContent())?.trim()} is off screen (${JSON.stringify(box)})`)
  return failures
}
