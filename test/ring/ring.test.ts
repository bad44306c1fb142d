import t, { type Test } from 'tap'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { hashPath, initHashing } from '../../src/common/hash.js'
import { loadRingFile, openRing } from '../../src/ring/index.js'
import { StaticRing } from '../../src/ring/ring.js'
import { encodeRingFile } from '../../src/ring/ring-file.js'
import { tempDir } from '../helpers/process.js'
import { until } from '../helpers/until.js'
import { assignmentOf, builderOf, tierOf } from './fixtures.js'

const secrets = { prefix: 'pre', suffix: 'suf' }
const shape = { partPower: 8, regions: 2, zonesPerRegion: 2, nodesPerZone: 2, devicesPerNode: 2 }

async function writtenRing (t: Test, s = shape): Promise<{ file: string, b: ReturnType<typeof builderOf> }> {
  const dir = await tempDir(t)
  const b = builderOf(s)
  b.rebalance({ seed: 1 })
  const file = join(dir, 'object.ring.gz')
  await b.writeRing(file)
  return { file, b }
}

t.test('a written ring loads with the builder\'s assignment', async (t) => {
  const { file, b } = await writtenRing(t)
  const ring = await loadRingFile(file, secrets)
  t.equal(ring.partPower, 8)
  t.equal(ring.partCount, 256)
  t.equal(ring.replicaCount, 3)
  t.same(ring.devices, b.devices)
  t.equal(ring.version, b.ringData().version)
  const slots = assignmentOf(b)
  for (let part = 0; part < ring.partCount; part++) {
    const ids = ring.getPartNodes(part).map((d) => d.id)
    if (ids.join() !== Array.from(slots.subarray(part * 3, part * 3 + 3)).join()) t.fail(`partition ${part}: ${ids.join()}`)
  }
  t.throws(() => ring.getPartNodes(256), RangeError)
  t.throws(() => ring.getPartNodes(-1), RangeError)
})

t.test('the partition is the top partPower bits of hashPath', async (t) => {
  const { file } = await writtenRing(t)
  const ring = await loadRingFile(file, secrets)
  await initHashing()
  const names: Array<[string, string?, string?]> = [['AUTH_test'], ['AUTH_test', 'photos'], ['AUTH_test', 'photos', 'cat.jpg'], ['AUTH_é', 'ü', 'a/b/c']]
  for (const name of names) {
    const expected = Number(hashPath(secrets, ...name) >> 56n)
    t.equal(ring.getPart(...name), expected, name.join('/'))
    const lookup = ring.getNodes(...name)
    t.equal(lookup.part, expected)
    t.same(lookup.nodes, ring.getPartNodes(expected))
  }
})

t.test('handoffs keep replicas apart: new regions first, then zones, then nodes', async (t) => {
  // Four regions of two zones, two replicas: the first two handoffs can still take new regions.
  const { file } = await writtenRing(t, { partPower: 6, replicas: 2, regions: 4, zonesPerRegion: 2, nodesPerZone: 2, devicesPerNode: 1 } as typeof shape)
  const ring = await loadRingFile(file, secrets)
  const again = await loadRingFile(file, secrets)
  for (const part of [0, 17, 63]) {
    const primaries = ring.getPartNodes(part)
    const handoffs = [...ring.getMoreNodes(part)]
    t.equal(handoffs.length, ring.devices.length - primaries.length, 'every other device, once')
    t.equal(new Set(handoffs.map((d) => d.id)).size, handoffs.length)
    t.notOk(handoffs.some((d) => primaries.some((p) => p.id === d.id)), 'no primary among the handoffs')
    const used = new Set(primaries.map((d) => tierOf(d, 'region')))
    for (const d of handoffs.slice(0, 2)) {
      t.notOk(used.has(tierOf(d, 'region')), `partition ${part}: handoff d${d.id} in an unused region`)
      used.add(tierOf(d, 'region'))
    }
    const zonesSoFar = new Set([...primaries, ...handoffs.slice(0, 2)].map((d) => tierOf(d, 'zone')))
    for (const d of handoffs.slice(2, 6)) t.notOk(zonesSoFar.has(tierOf(d, 'zone')), 'then unused zones')
    t.same([...again.getMoreNodes(part)].map((d) => d.id), handoffs.map((d) => d.id), 'the same order in every load')
  }
})

t.test('rings of 65536 devices and more find every replica\'s device (16- and 32-bit device indexes)', async (t) => {
  for (const count of [65536, 65537, 70000]) {
    // Ids with gaps, so that index and id differ; the tables use the highest ids.
    const devices = Array.from({ length: count }, (_, i) => ({
      id: i * 2 + 1, region: 1, zone: 1, ip: '10.0.0.1', port: 6200, replicationIp: '10.0.0.1', replicationPort: 6200, device: `d${i}`, weight: 1, meta: ''
    }))
    const replicaTables = Array.from({ length: 3 }, (_, r) => Uint32Array.from({ length: 16 }, (_, part) => devices[count - 1 - part * 3 - r].id))
    const ring = new StaticRing({ partPower: 4, replicaCount: 3, version: 'v', devices, replicaTables }, secrets)
    for (let part = 0; part < 16; part++) {
      const ids = ring.getPartNodes(part).map((d) => d.id)
      if (ids.join() !== replicaTables.map((table) => table[part]).join()) t.fail(`${count} devices, partition ${part}: ${ids.join()}`)
    }
    t.equal(ring.getPartNodes(0)[0].id, (count - 1) * 2 + 1, `${count} devices: the last device is reached`)
  }
})

t.test('a part power 18 ring of 1000 devices loads (its time is bench/ring.ts\'s figure, printed here)', async (t) => {
  // The file is made directly (random assignment): this measures loading, not rebalancing.
  const dir = await tempDir(t)
  const file = join(dir, 'big.ring.gz')
  const devices = Array.from({ length: 1000 }, (_, id) => ({
    id, region: 1 + (id % 2), zone: 1 + (id % 8), ip: `10.0.${id % 200}.1`, port: 6200, replicationIp: `10.0.${id % 200}.1`, replicationPort: 6200, device: `d${id}`, weight: 100, meta: ''
  }))
  const replicaTables = Array.from({ length: 3 }, (_, r) => Uint32Array.from({ length: 2 ** 18 }, (_, part) => (part * 7 + r * 333) % 1000))
  await writeFile(file, await encodeRingFile({ partPower: 18, replicaCount: 3, version: 'big', devices, replicaTables }))
  const start = performance.now()
  const ring = await loadRingFile(file, secrets)
  t.comment(`loaded in ${(performance.now() - start).toFixed(0)} ms`)
  t.equal(ring.devices.length, 1000)
  t.equal(ring.partCount, 2 ** 18)
  t.same(ring.getPartNodes(12345).map((d) => d.id), [0, 1, 2].map((r) => (12345 * 7 + r * 333) % 1000), 'the tables come back as written')
})

t.test('openRing follows a rewritten ring file', async (t) => {
  const { file, b } = await writtenRing(t)
  const errors: Error[] = []
  const ring = await openRing(file, secrets, { reloadIntervalMs: 20, onError: (err) => errors.push(err) })
  t.teardown(() => { ring.close() })
  const firstVersion = ring.version
  t.equal(await ring.checkForUpdate(), false, 'unchanged file: no reload')

  b.addDevice({ region: 1, zone: 1, ip: '10.1.1.9', port: 6200, device: 'new', weight: 100 })
  b.rebalance({ seed: 2 })
  await b.writeRing(file)
  await until('the rewritten ring', () => ring.version !== firstVersion || undefined, 5000, 10)
  t.equal(ring.devices.length, 17, 'the new ring answers')
  t.same(ring.getPartNodes(0).map((d) => d.id), Array.from(assignmentOf(b).subarray(0, 3)))

  const reloadedVersion = ring.version
  await writeFile(file, 'not a ring')
  await until('an error about the bad file', () => errors[0], 5000, 10)
  t.match(errors[0].message, /not a valid ring file/)
  t.equal(ring.version, reloadedVersion, 'a bad file leaves the last good ring in use')
})

t.test('unreadable ring files give clear errors', async (t) => {
  const { file } = await writtenRing(t)
  await t.rejects(loadRingFile(join(file, '..', 'missing.ring.gz'), secrets), /cannot read ring file/)
  const raw = gunzipSync(await readFile(file))
  const newer = Buffer.from(raw)
  newer.writeUInt16LE(9, 4)
  await writeFile(file, gzipSync(newer))
  await t.rejects(loadRingFile(file, secrets), /format 9 is newer than this Ringstore reads/)
  await writeFile(file, gzipSync(raw.subarray(0, raw.length - 10)))
  await t.rejects(loadRingFile(file, secrets), /truncated/)
  await writeFile(file, gzipSync(Buffer.from('RSBDxxxxxxxx')))
  await t.rejects(loadRingFile(file, secrets), /not a ring file/)
})


