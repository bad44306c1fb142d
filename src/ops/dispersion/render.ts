/** The dispersion report as text, per ring and per region, and its Nagios-style verdict. */
import type { RingDispersion } from './check.js'

export interface Verdict {
  status: 'OK' | 'WARNING' | 'CRITICAL'
  exitCode: number
  summary: string
}

function pct (part: number, whole: number): string {
  return `${(whole === 0 ? 100 : 100 * part / whole).toFixed(2)}%`
}

function totals (r: RingDispersion): { expected: number, found: number } {
  const all = Object.values(r.regions)
  return { expected: all.reduce((s, x) => s + x.expected, 0), found: all.reduce((s, x) => s + x.found, 0) }
}

/** CRITICAL when a probe has no copy left where the ring says; WARNING when any copy is not found. */
export function verdict (reports: RingDispersion[]): Verdict {
  let expected = 0
  let found = 0
  let lost = 0
  for (const r of reports) {
    const t = totals(r)
    expected += t.expected
    found += t.found
    const replicas = t.expected / Math.max(1, r.probes)
    lost += r.probesLacking[String(replicas)] ?? 0
  }
  const summary = `${found} of ${expected} copies where the rings say (${pct(found, expected)})`
  if (lost > 0) return { status: 'CRITICAL', exitCode: 2, summary: `${summary}; ${lost} probes have no copy on their primaries` }
  return found === expected ? { status: 'OK', exitCode: 0, summary } : { status: 'WARNING', exitCode: 1, summary }
}

export function renderDispersion (reports: RingDispersion[], v: Verdict): string {
  const lines = [`RINGSTORE DISPERSION ${v.status}: ${v.summary}`]
  for (const r of reports) {
    const t = totals(r)
    lines.push('', `${r.ring} ring: ${r.probes} probes on ${r.probes} of ${r.partitions} partitions (${pct(r.probes, r.partitions)})`)
    for (const [region, c] of Object.entries(r.regions).sort(([a], [b]) => Number(a) - Number(b))) {
      const extra = [c.missing > 0 ? `${c.missing} missing` : '', c.unreachable > 0 ? `${c.unreachable} unreachable` : ''].filter((s) => s !== '').join(', ')
      lines.push(`  region ${region}: ${c.found}/${c.expected} copies found (${pct(c.found, c.expected)})${extra === '' ? '' : `, ${extra}`}`)
    }
    const lacking = Object.entries(r.probesLacking).filter(([n]) => n !== '0').map(([n, probes]) => `${probes} lacking ${n}`)
    lines.push(`  all regions: ${t.found}/${t.expected} copies found (${pct(t.found, t.expected)})${lacking.length > 0 ? `; probes ${lacking.join(', ')}` : ''}`)
  }
  return `${lines.join('\n')}\n`
}
