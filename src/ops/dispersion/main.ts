/**
 * `ringstore dispersion --config FILE | --data DIR [--populate] [--json]`: Swift's
 * swift-dispersion-populate and swift-dispersion-report in one command. The first run places
 * probe objects and containers over `ops.dispersion_coverage` percent of the partitions (through
 * the proxy, as the `ops.auth_user` account); every run then asks each primary directly whether
 * it holds its copy, and reports per ring and per region. `--populate` places the probes again
 * (after changing the coverage). Exit code: 0 every copy found, 1 some missing, 2 a probe with
 * no copy on any primary, 3 the report could not run.
 */
import { parseArgs } from 'node:util'
import { defaultPolicy, objectRingName } from '../../common/config.js'
import { findTarget, loadRings, targetOptions } from '../cluster.js'
import { checkDispersion, type RingDispersion } from './check.js'
import { placedCounts, populate, type PlacedCounts } from './populate.js'
import { probeCount, probes } from './probes.js'
import { renderDispersion, verdict } from './render.js'
import { SwiftSession } from './swift-session.js'

const UNKNOWN = 3

async function report (argv: string[]): Promise<{ reports: RingDispersion[], placed: PlacedCounts, populated: boolean }> {
  const { values } = parseArgs({ args: argv, options: { ...targetOptions, populate: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } })
  const target = await findTarget(values)
  const rings = await loadRings(target.cluster)
  const policy = defaultPolicy(target.cluster.policies)
  const objectRingFile = objectRingName(policy.index)
  const objectRing = rings.get(objectRingFile)
  const containerRing = rings.get('container')
  if (objectRing === undefined || containerRing === undefined) throw new Error('the object and container rings are needed')
  const session = await SwiftSession.login(target.ops)
  const coverage = target.ops.dispersion_coverage
  const wanted = { objects: probeCount(objectRing, coverage), containers: probeCount(containerRing, coverage) }
  let placed = values.populate === true ? undefined : await placedCounts(session)
  const populated = placed === undefined
  if (placed === undefined) {
    placed = await populate(session, {
      objects: probes(objectRing, 'object', session.account, wanted.objects),
      containers: probes(containerRing, 'container', session.account, wanted.containers)
    }, target.ops.dispersion_concurrency)
  }
  const common = { account: session.account, timeoutMs: target.ops.timeout * 1000, concurrency: target.ops.dispersion_concurrency }
  const reports = [
    await checkDispersion(objectRing, probes(objectRing, 'object', session.account, placed.objects),
      { ...common, ringName: `${objectRingFile} (policy ${policy.name})`, policyIndex: policy.index }),
    await checkDispersion(containerRing, probes(containerRing, 'container', session.account, placed.containers),
      { ...common, ringName: 'container' })
  ]
  return { reports, placed, populated }
}

export async function main (argv: string[]): Promise<void> {
  const json = argv.includes('--json')
  try {
    const { reports, populated } = await report(argv)
    const v = verdict(reports)
    process.stdout.write(json
      ? `${JSON.stringify({ status: v.status, exitCode: v.exitCode, summary: v.summary, populated, rings: reports }, null, 2)}\n`
      : `${populated ? 'placed the dispersion probes\n' : ''}${renderDispersion(reports, v)}`)
    process.exitCode = v.exitCode
  } catch (err) {
    const message = (err as Error).message
    process.stdout.write(json ? `${JSON.stringify({ status: 'UNKNOWN', exitCode: UNKNOWN, summary: message })}\n` : `RINGSTORE DISPERSION UNKNOWN: ${message}\n`)
    process.exitCode = UNKNOWN
  }
}
