/**
 * The run as an SVG chart, written as text: throughput (ops/s) per phase and size on top, latency
 * percentiles (p50, p90, p99, ms) below, one colour per endpoint so a compare run reads side by
 * side. Each bar carries a <title>, shown as a tooltip in a browser. No chart library: the file
 * must open anywhere, and be diffable.
 */
import { formatSize, type PhaseResult } from './phase.js'

export interface ChartRun {
  label: string
  results: PhaseResult[]
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728']
const PERCENTILES = [
  { key: 'p50ms', label: 'p50', opacity: 0.4 },
  { key: 'p90ms', label: 'p90', opacity: 0.7 },
  { key: 'p99ms', label: 'p99', opacity: 1 }
] as const
const LEFT = 80
const RIGHT = 20
const TOP = 70
const PANEL = 220
/** Room under each panel for the phase and size labels. */
const GAP = 70
const BAR = 9

function esc (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A round axis maximum (1, 2 or 5 times a power of ten) at or above `value`. */
export function niceMax (value: number): number {
  if (!(value > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

function number (n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)
}

interface Group { phase: string, size: number }

function groupsOf (runs: ChartRun[]): Group[] {
  const groups: Group[] = []
  for (const run of runs) {
    for (const r of run.results) {
      if (!groups.some((g) => g.phase === r.phase && g.size === r.size)) groups.push({ phase: r.phase, size: r.size })
    }
  }
  return groups
}

function resultOf (run: ChartRun, g: Group): PhaseResult | undefined {
  return run.results.find((r) => r.phase === g.phase && r.size === g.size)
}

/** Axis, grid lines and tick labels of one panel whose top edge is at y. */
function axis (y: number, width: number, max: number, title: string): string[] {
  const out = [`<text x="${LEFT - 60}" y="${y - 10}" class="axis-title">${esc(title)}</text>`]
  for (let i = 0; i <= 4; i++) {
    const value = max * i / 4
    const ty = y + PANEL - PANEL * i / 4
    out.push(`<line x1="${LEFT}" x2="${width - RIGHT}" y1="${ty}" y2="${ty}" class="grid"/>`,
      `<text x="${LEFT - 6}" y="${ty + 4}" text-anchor="end">${number(value)}</text>`)
  }
  return out
}

function groupLabels (y: number, groups: Group[], groupWidth: number): string[] {
  return groups.flatMap((g, i) => {
    const x = LEFT + groupWidth * i + groupWidth / 2
    return [`<text x="${x}" y="${y + PANEL + 18}" text-anchor="middle">${esc(g.phase)}</text>`,
      `<text x="${x}" y="${y + PANEL + 34}" text-anchor="middle" class="size">${esc(formatSize(g.size))}</text>`]
  })
}

function bar (x: number, panelTop: number, value: number, max: number, width: number, fill: string, opacity: number, tip: string): string {
  const h = max > 0 ? PANEL * Math.min(value, max) / max : 0
  return `<rect x="${x.toFixed(1)}" y="${(panelTop + PANEL - h).toFixed(1)}" width="${width}" height="${h.toFixed(1)}" fill="${fill}" fill-opacity="${opacity}"><title>${esc(tip)}</title></rect>`
}

export function renderChart (runs: ChartRun[], title: string): string {
  const groups = groupsOf(runs)
  const groupWidth = Math.max(80, runs.length * PERCENTILES.length * BAR + 24)
  const width = LEFT + RIGHT + groupWidth * Math.max(1, groups.length)
  const height = TOP + 2 * (PANEL + GAP)
  const all = runs.flatMap((r) => r.results)
  const opsMax = niceMax(Math.max(0, ...all.map((r) => r.opsPerSec)))
  const latMax = niceMax(Math.max(0, ...all.map((r) => r.p99ms)))
  const latTop = TOP + PANEL + GAP
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<style>.grid{stroke:#ddd;stroke-width:1}.axis-title{font-weight:bold}.size{fill:#666}</style>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...runs.map((run, i) => `<rect x="${LEFT + i * 160}" y="34" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/><text x="${LEFT + i * 160 + 18}" y="44">${esc(run.label)}</text>`),
    `<text x="${LEFT + runs.length * 160}" y="44" class="size">latency bars: p50, p90, p99 (lighter to darker)</text>`,
    ...axis(TOP, width, opsMax, 'throughput (ops/s)'),
    ...axis(latTop, width, latMax, 'latency (ms)'),
    ...groupLabels(TOP, groups, groupWidth),
    ...groupLabels(latTop, groups, groupWidth)
  ]
  groups.forEach((g, gi) => {
    const x0 = LEFT + groupWidth * gi + 12
    const opsBar = (groupWidth - 24) / runs.length
    runs.forEach((run, ri) => {
      const r = resultOf(run, g)
      if (r === undefined) return
      const colour = COLOURS[ri % COLOURS.length]
      const where = `${run.label} ${g.phase} ${formatSize(g.size)}`
      out.push(bar(x0 + ri * opsBar, TOP, r.opsPerSec, opsMax, Math.max(1, opsBar - 2), colour, 1,
        `${where}: ${number(r.opsPerSec)} ops/s, ${number(r.mbPerSec)} MB/s, ${r.errors} errors`))
      PERCENTILES.forEach((p, pi) => {
        const x = x0 + (ri * PERCENTILES.length + pi) * BAR
        out.push(bar(x, latTop, r[p.key], latMax, BAR - 1, colour, p.opacity, `${where}: ${p.label} ${number(r[p.key])} ms`))
      })
    })
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
