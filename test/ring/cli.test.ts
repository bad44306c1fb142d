import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { access, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync, gzipSync } from 'node:zlib'
import { loadRingFile } from '../../src/ring/index.js'
import { repoRoot, tempDir } from '../helpers/process.js'

const execFileAsync = promisify(execFile)
const cli = join(repoRoot, 'bin', 'ringbuilder.js')

interface Result { code: number, stdout: string, stderr: string }

async function ringbuilder (...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args])
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** A builder with four devices in 2 regions x 2 zones. */
async function builderFile (t: Test): Promise<string> {
  const file = join(await tempDir(t), 'object.builder')
  t.equal((await ringbuilder(file, 'create', '8', '3', '1')).code, 0)
  const added = await ringbuilder(file, 'add', 'r1z1-10.0.0.1:6200/sdb1', '100', 'r1z2-10.0.0.2:6200/sdb1', '100',
    'r2z1-10.0.1.1:6200R10.0.2.1:6300/sdb1_fast', '100')
  t.equal(added.code, 0, added.stderr)
  const flags = await ringbuilder(file, 'add', '--region', '2', '--zone', '2', '--ip', '10.0.1.2', '--port', '6200', '--device', 'sdb1', '--weight', '100')
  t.equal(flags.code, 0, flags.stderr)
  t.match(flags.stdout, /d3r2z2-10\.0\.1\.2:6200\/sdb1 with weight 100 added as id 3/)
  return file
}

t.test('build, rebalance, show and write a ring', async (t) => {
  const file = await builderFile(t)
  const first = await ringbuilder(file, 'rebalance', '--seed', '1')
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, /Reassigned 768 \(100\.00%\) partition-replicas of 256 partitions\. Balance is now/)
  const ring = await loadRingFile(file.replace(/\.builder$/, '.ring.gz'), { prefix: '', suffix: 'x' })
  t.equal(ring.devices.length, 4, 'rebalance wrote object.ring.gz')
  t.equal(ring.devices[2].replicationPort, 6300)
  t.equal(ring.devices[2].meta, 'fast')

  const again = await ringbuilder(file, 'rebalance')
  t.equal(again.code, 1, 'nothing to move is a warning')
  t.match(again.stdout, /No partitions could be reassigned/)

  const show = await ringbuilder(file)
  t.equal(show.code, 0)
  t.match(show.stdout, /256 partitions, 3 replicas, 2 regions, 4 zones, 4 devices/)
  t.match(show.stdout, /10\.0\.1\.1:6200\s+10\.0\.2\.1:6300\s+sdb1\s+100\s+192/)
  t.match((await ringbuilder(file, 'show', 'd2')).stdout, /d2r2z1-10\.0\.1\.1:6200R10\.0\.2\.1:6300\/sdb1_fast weight 100/)
  t.match((await ringbuilder(file, 'dispersion')).stdout, /zone\s+0\s+0\.00%\s+1/)
  t.match((await ringbuilder(file, 'validate')).stdout, /valid/)

  const ringFile = file.replace(/\.builder$/, '.ring.gz')
  const written = await ringbuilder(file, 'write_ring')
  t.equal(written.code, 0)
  await access(ringFile)
  t.match(written.stdout, /object\.ring\.gz/)

  t.equal((await ringbuilder(file, 'set_overload', '10%')).code, 0)
  t.equal((await ringbuilder(file, 'set_weight', 'r1z1-10.0.0.1:6200/sdb1', '50')).code, 0)
  t.equal((await ringbuilder(file, 'remove', '10.0.0.2')).code, 0)
  t.equal((await ringbuilder(file, 'add', 'r1z2-10.0.0.3:6200/sdb2', '100')).code, 0)
  const moved = await ringbuilder(file, 'rebalance')
  t.equal(moved.code, 0, moved.stdout + moved.stderr)
  t.match((await ringbuilder(file)).stdout, /overload 10\.00%/)
})

t.test('every bad input exits 2 naming the problem', async (t) => {
  const file = await builderFile(t)
  const dir = join(file, '..')
  const few = join(dir, 'few.builder')
  await ringbuilder(few, 'create', '8', '3', '1')
  await ringbuilder(few, 'add', 'r1z1-10.0.0.1:6200/sdb1', '100', 'r1z1-10.0.0.2:6200/sdb1', '100')
  const raw = gunzipSync(await readFile(file))
  const newer = Buffer.from(raw)
  newer.writeUInt16LE(2, 4)
  await writeFile(join(dir, 'newer.builder'), gzipSync(newer))
  await writeFile(join(dir, 'corrupt.builder'), 'garbage')
  await writeFile(join(dir, 'truncated.builder'), gzipSync(raw.subarray(0, 20)))

  // None of these changes a file, so they run side by side.
  const cases: Array<[string[], RegExp]> = [
    [[], /usage: ringbuilder/],
    [[file, 'frobnicate'], /unknown verb "frobnicate"/],
    [[join(dir, 'a.builder'), 'create', '40', '3', '1'], /part power must be an integer from 1 to 32, got 40/],
    [[join(dir, 'b.builder'), 'create', '0', '3', '1'], /part power must be an integer from 1 to 32, got 0/],
    [[join(dir, 'c.builder'), 'create', 'ten', '3', '1'], /part_power must be an integer/],
    [[join(dir, 'd.builder'), 'create', '8', '3'], /usage: create/],
    [[file, 'create', '8', '3', '1'], /already exists/],
    [[file, 'add', 'r1z1-10.0.0.9:6200/sdb1', '-5'], /weight must not be negative, got -5/],
    [[file, 'add', 'r1z1-10.0.0.9:6200/sdb1', 'heavy'], /weight must be a number/],
    [[file, 'add', 'r1z1-10.0.0.9/sdb1', '100'], /missing port/],
    [[file, 'add', 'r1z1-10.0.0.1:6200/sdb1', '100'], /already in the ring as d0/],
    [[file, 'add', '--zone', '1', '--port', '6200', '--device', 'x', '--weight', '1'], /missing --ip/],
    [[file, 'add', '--zone', '1', '--colour', 'red'], /Unknown option '--colour'/],
    [[file, 'set_weight', 'd99', '10'], /unknown device: no device matches "d99"/],
    [[file, 'set_weight', 'd1', '-1'], /weight must not be negative/],
    [[file, 'remove', '10.9.9.9'], /unknown device/],
    [[file, 'set_overload', 'lots'], /overload must be a non-negative number/],
    [[file, 'write_ring'], /never rebalanced/],
    [[join(dir, 'missing.builder'), 'show'], /cannot read builder file/],
    [[few, 'rebalance'], /3 replicas need at least 3 devices of positive weight, the builder has 2/],
    [[join(dir, 'newer.builder'), 'show'], /builder file format 2 is newer than this Ringstore reads/],
    [[join(dir, 'corrupt.builder'), 'rebalance'], /not a valid builder file/],
    [[join(dir, 'truncated.builder'), 'show'], /truncated/]
  ]
  const results = await Promise.all(cases.map(async ([args]) => await ringbuilder(...args)))
  cases.forEach(([args, message], i) => {
    t.equal(results[i].code, 2, `${args.slice(1).join(' ')}: exit code 2`)
    t.match(results[i].stderr, message)
  })
})
