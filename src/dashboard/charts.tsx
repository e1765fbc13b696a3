/**
 * The dashboard's charts: server-rendered SVG columns (no client code), each with the table of its numbers behind it
 * (docs/ARCHITECTURE.md "Dashboard"). The SVG is hidden from assistive technology; a sentence says what it shows and
 * the table holds every number it draws (a zero is not drawn). Each drawn column part carries `data-category`, `data-series` and
 * `data-value`, each table row `data-category` and each number cell `data-series`, so a test can hold one to the other.
 */
import { html } from 'hono/html'

/** One coloured part of every column: its name (the legend, the table's column) and one value per category. */
export type Series = { name: string; values: number[] }

/** Colours of the series in order, dark enough to read against the page (WCAG 1.4.11: 3:1 for graphics). */
const COLOURS = ['#2456d6', '#b54708', '#067647', '#a11043', '#6941c6', '#475467', '#0e7090', '#93370d']

const WIDTH = 720
const HEIGHT = 220
const LEFT = 44
const BOTTOM = 24
const TOP = 8

/** One formatter for every count of a page (a `toLocaleString` per cell builds one each time). */
const counts = new Intl.NumberFormat('en-US')

/** "1,234". */
export const count = (n: number) => counts.format(n)

export type ColumnChartProps = {
  /** The id of the chart's section (its heading is `{id}-title`). */
  id: string
  title: string
  /** The sentence that says what the chart shows, read instead of the SVG. */
  summary: string
  /** What the rows of the table are (e.g. "Day"). */
  categoryLabel: string
  categories: string[]
  series: Series[]
  /** `stacked`: the series' parts one on another (a total per category); else side by side. */
  stacked?: boolean
  /** A value drawn as a dashed line across the chart (e.g. the first-touch target), with its name. */
  target?: { value: number; label: string }
  /** How a value reads in the table (default: a count). */
  format?: (value: number) => string
  /** More table columns after the series: a header and one cell per category. */
  extra?: { name: string; cells: string[] }[]
  /** Rows whose every number is 0 are left out of the table (the days of a long period without any), and it says so. */
  emptyRowsLeftOut?: boolean
  /** Shown instead of the chart when there is nothing to draw (`hasData` false; default: every value is 0). */
  empty: string
  hasData?: boolean
}

/** A column chart with its legend and, in a `<details>`, the table of its numbers. */
export function ColumnChart(props: ColumnChartProps) {
  const { id, categories, series, stacked = false, target, format = count } = props
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
  const highest = Math.max(target?.value ?? 0, ...(stacked ? totals : series.flatMap((s) => s.values)), 1)
  const nothing = props.hasData === undefined ? totals.every((t) => t === 0) : !props.hasData
  const plotWidth = WIDTH - LEFT
  const plotHeight = HEIGHT - BOTTOM - TOP
  const slot = plotWidth / Math.max(categories.length, 1)
  const gap = Math.min(slot * 0.2, 6)
  const y = (value: number) => TOP + plotHeight - (value / highest) * plotHeight
  // The drawn parts as one string of `<rect>`s (90 days × 6 series are hundreds of elements: written with hono's
  // escaping `html` template rather than as JSX nodes, the page's largest cost).
  const parts = html`${categories.flatMap((category, i) => {
    let base = 0
    return series.map((s, k) => {
      const value = s.values[i] ?? 0
      const width = stacked ? slot - gap : (slot - gap) / series.length
      const x = LEFT + i * slot + gap / 2 + (stacked ? 0 : k * width)
      const top = y(base + value)
      const height = y(base) - top
      if (stacked) base += value
      // Nothing is drawn for a zero (the table says it): a page of 90 days draws only the days that have numbers.
      if (value === 0) return ''
      // One line (prettier-ignore): the page carries no white space between attributes.
      // prettier-ignore
      return html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(width, 0.5).toFixed(1)}" height="${height.toFixed(1)}" fill="${COLOURS[k % COLOURS.length]}" data-category="${category}" data-series="${s.name}" data-value="${value}"></rect>`
    })
  })}`
  // The table's rows as one string, as the drawn parts.
  const rows = html`${categories.map((category, i) =>
    props.emptyRowsLeftOut && totals[i] === 0 && !props.extra?.some((e) => e.cells[i] !== '0')
      ? ''
      : // prettier-ignore
        html`<tr data-category="${category}"><th scope="row">${category}</th>${series.map((s) => html`<td data-series="${s.name}">${format(s.values[i] ?? 0)}</td>`)}${stacked && series.length > 1 ? html`<td data-total>${format(totals[i]!)}</td>` : ''}${(props.extra ?? []).map((e) => html`<td>${e.cells[i] ?? ''}</td>`)}</tr>`,
  )}`
  const labelled = categories.length <= 12 ? categories.map((_, i) => i) : [0, categories.length - 1]
  return (
    <section id={id} class="chart" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{props.title}</h2>
      <p class="chart-summary">{nothing ? props.empty : props.summary}</p>
      {!nothing && (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" focusable="false">
            <line x1={LEFT} y1={y(0)} x2={WIDTH} y2={y(0)} class="chart-axis" />
            <text x={LEFT - 6} y={y(highest) + 10} text-anchor="end" class="chart-tick">
              {format(highest)}
            </text>
            <text x={LEFT - 6} y={y(0)} text-anchor="end" class="chart-tick">
              0
            </text>
            {parts}
            {target && (
              <line
                x1={LEFT}
                x2={WIDTH}
                y1={y(target.value).toFixed(1)}
                y2={y(target.value).toFixed(1)}
                class="chart-target"
                data-target={target.value}
              />
            )}
            {labelled.map((i) => (
              <text
                x={(LEFT + i * slot + slot / 2).toFixed(1)}
                y={HEIGHT - 6}
                text-anchor={i === 0 && labelled.length > 1 ? 'start' : i === categories.length - 1 ? 'end' : 'middle'}
                class="chart-tick"
              >
                {categories[i]}
              </text>
            ))}
          </svg>
          <ul class="chart-legend">
            {series.map((s, k) => (
              <li>
                <svg class="chart-swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
                  <rect width="10" height="10" fill={COLOURS[k % COLOURS.length]} />
                </svg>
                {s.name}
              </li>
            ))}
            {target && (
              <li>
                <svg class="chart-swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
                  <line x1="0" y1="5" x2="10" y2="5" class="chart-target" />
                </svg>
                {target.label}
              </li>
            )}
          </ul>
        </>
      )}
      <details class="chart-table">
        <summary>{props.title}: the numbers</summary>
        {props.emptyRowsLeftOut && <p class="chart-summary">{props.categoryLabel}s without any are left out.</p>}
        <div class="table-scroll" role="region" aria-label={`${props.title}: the numbers`} tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{props.categoryLabel}</th>
                {series.map((s) => (
                  <th scope="col">{s.name}</th>
                ))}
                {stacked && series.length > 1 && <th scope="col">Total</th>}
                {props.extra?.map((e) => (
                  <th scope="col">{e.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>{rows}</tbody>
          </table>
        </div>
      </details>
    </section>
  )
}
