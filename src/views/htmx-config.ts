/**
 * htmx 2 settings, given to htmx once through `<meta name="htmx-config">` in the layout (read when htmx starts,
 * before it touches the page):
 * - no inline `<style>` for indicators (the Content-Security-Policy allows no inline style; public/app.css holds
 *   the indicator rules), no `eval` and no `<script>` from swapped content (the policy allows neither);
 * - answers are swapped by status: refusals (403, 404, 409, 410, 422, 429) are swapped without counting as an
 *   error, other 4xx/5xx are swapped and reported as errors. The one error renderer (views/render-error.tsx)
 *   retargets its fragment into the page's alert region (`#page-alert`), so a refused click never does nothing.
 *   A signed-out htmx request gets `HX-Redirect` to the log-in page (auth/login-redirect.ts), handled by htmx
 *   before this table.
 */
export const HTMX_CONFIG = {
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '(403|404|409|410|422|429)', swap: true, error: false },
    { code: '[45]..', swap: true, error: true },
  ],
}

/** The id of the page-level alert region every page has (layout.tsx) and error fragments replace. */
export const PAGE_ALERT_ID = 'page-alert'
