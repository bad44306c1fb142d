/**
 * `ringstore status --config FILE | --data DIR [--json]`: the cluster at a glance, and an exit
 * code a monitoring system reads: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the check itself could
 * not run: bad config, no rings), as Nagios plugins do.
 */
import { parseArgs } from 'node:util'
import { findTarget, targetOptions } from '../cluster.js'
import { assess } from './assess.js'
import { collect } from './collect.js'
import { renderStatus } from './render.js'

const UNKNOWN = 3

export async function main (argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { ...targetOptions, json: { type: 'boolean', default: false } } })
  let output: string
  try {
    const target = await findTarget(values)
    const reading = await collect(target)
    const assessment = assess(reading, target.ops)
    output = values.json === true
      ? `${JSON.stringify({ ...assessment, ...reading }, null, 2)}\n`
      : renderStatus(reading, assessment)
    process.exitCode = assessment.exitCode
  } catch (err) {
    const message = (err as Error).message
    output = values.json === true
      ? `${JSON.stringify({ status: 'UNKNOWN', exitCode: UNKNOWN, problems: [{ severity: 'UNKNOWN', message }] })}\n`
      : `RINGSTORE UNKNOWN: ${message}\n`
    process.exitCode = UNKNOWN
  }
  process.stdout.write(output)
}
