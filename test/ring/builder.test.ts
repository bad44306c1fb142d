import t, { type Test } from 'tap'
import { RingBuilder } from '../../src/ring/index.js'
import { assignmentOf, builderOf, hour, movesBetween } from './fixtures.js'

const twoRegions = { partPower: 10, regions: 2, zonesPerRegion: 2, nodesPerZone: 2, devicesPerNode: 2 }

t.test('the same operations and seed give the same ring', async (t) => {
  const build = (): Int32Array => {
    const b = builderOf(twoRegions)
    b.rebalance({ seed: 7 })
    b.setWeight(3, 50)
    b.addDevice({ region: 1, zone: 1, ip: '10.1.1.9', port: 6200, device: 'x', weight: 100 })
    b.rebalance({ seed: 8, now: Date.now() + 2 * hour })
    return assignmentOf(b)
  }
  t.same(build(), build())
  const other = builderOf(twoRegions)
  other.rebalance({ seed: 99 })
  const first = builderOf(twoRegions)
  first.rebalance({ seed: 7 })
  t.not(Buffer.from(assignmentOf(other).buffer).toString('hex'), Buffer.from(assignmentOf(first).buffer).toString('hex'), 'another seed, another ring')
})

t.test('three regions: no partition has two replicas in one region', async (t) => {
  // Devices differ in weight, regions do not: each region can hold exactly one replica by weight.
  const b = builderOf({ partPower: 10, regions: 3, zonesPerRegion: 2, nodesPerZone: 2, devicesPerNode: 2, weight: (i) => [100, 110, 120, 90][i % 4] })
  b.rebalance({ seed: 1 })
  const d = b.dispersionReport()
  t.equal(d.unplaced, 0)
  t.equal(d.levels.region.sharing, 0)
  t.equal(d.levels.zone.sharing, 0)
  t.equal(d.levels.device.maxReplicasInOneTier, 1)
  t.ok(b.balance() < 1, `balance ${b.balance()}`)
})

t.test('two regions: every partition in both, never three replicas in one, zones distinct', async (t) => {
  const b = builderOf(twoRegions)
  b.rebalance({ seed: 1 })
  const d = b.dispersionReport()
  t.equal(d.levels.region.maxReplicasInOneTier, 2)
  t.equal(d.levels.zone.sharing, 0, 'four zones, three replicas: all in distinct zones')
})

t.test('a small region gets one replica of every partition when overload allows it', async (t) => {
  // Region 2 has a tenth of the weight: by weight it holds 0.3 replicas per partition,
  // dispersion wants 1 of each.
  const shape = { partPower: 12, regions: 2, zonesPerRegion: 2, nodesPerZone: 1, devicesPerNode: 2, weight: (i: number) => (i < 4 ? 90 : 10) }
  const balanced = builderOf(shape)
  balanced.rebalance({ seed: 1 })
  t.equal(balanced.dispersionReport().levels.region.maxReplicasInOneTier, 3, 'overload 0: balance wins')
  t.ok(balanced.balance() < 1, `balance ${balanced.balance()}`)

  const dispersed = builderOf(shape)
  dispersed.setOverload(10)
  dispersed.rebalance({ seed: 1 })
  t.equal(dispersed.dispersionReport().levels.region.maxReplicasInOneTier, 2, 'large overload: dispersion wins')
})

t.test('balance within 1% on uneven weights', async (t) => {
  const b = builderOf({ partPower: 12, regions: 1, zonesPerRegion: 4, nodesPerZone: 2, devicesPerNode: 3, weight: (i) => [100, 150, 200, 300, 75, 120][i % 6] })
  const result = b.rebalance({ seed: 3 })
  t.ok(result.balance < 1, `balance ${result.balance}`)
  for (const u of b.usage()) t.ok(Math.abs(u.balance) < 1, `d${u.device.id} weight ${u.device.weight}: ${u.parts} of ${u.wantedParts.toFixed(1)}`)
  t.equal(b.dispersionReport().levels.node.sharing, 0)
})

t.test('adding one device moves close to w/(W+w) of the partition-replicas', async (t) => {
  for (const [zone, w] of [[1, 100], [2, 300]]) {
    const b = builderOf({ ...twoRegions, partPower: 12, nodesPerZone: 3, devicesPerNode: 4, weight: (i) => 100 + (i % 4) * 50 })
    b.rebalance({ seed: 1 })
    const before = assignmentOf(b)
    b.addDevice({ region: 1, zone, ip: '10.1.9.9', port: 6200, device: 'new', weight: w })
    const total = b.devices.reduce((s, d) => s + d.weight, 0)
    const result = b.rebalance({ seed: 2, now: Date.now() + 2 * hour })
    const { moved } = movesBetween(before, assignmentOf(b), 3)
    const expected = w / total * before.length
    t.equal(result.moved, moved, 'rebalance reports what moved')
    t.ok(Math.abs(moved - expected) <= 0.1 * expected, `weight ${w} in zone ${zone}: moved ${moved}, expected about ${expected.toFixed(0)}`)
    t.ok(result.balance < 1, `balance ${result.balance}`)
  }
})

t.test('removing a device moves only its partitions', async (t) => {
  for (const shape of [twoRegions, { partPower: 12, regions: 1, zonesPerRegion: 4, nodesPerZone: 2, devicesPerNode: 3, weight: (i: number) => [100, 150, 200, 300, 75, 120][i % 6] }]) {
    await t.test(`${shape.regions} regions`, async (t) => { removeOne(t, builderOf(shape)) })
  }
})

function removeOne (t: Test, b: RingBuilder): void {
  b.rebalance({ seed: 1 })
  const before = assignmentOf(b)
  b.removeDevice(5)
  const result = b.rebalance({ seed: 2 })
  const after = assignmentOf(b)
  let onRemoved = 0
  let othersChanged = 0
  for (let i = 0; i < before.length; i++) {
    if (before[i] === 5) onRemoved++
    else if (after[i] !== before[i]) othersChanged++
  }
  t.equal(othersChanged, 0, 'replicas on other devices stay where they are')
  t.equal(result.moved, onRemoved)
  t.notOk(after.includes(5))
  t.equal(b.dispersionReport().levels.zone.sharing, 0)
}

t.test('min_part_hours: at most one replica of a partition moves per rebalance within the window', async (t) => {
  const b = builderOf({ partPower: 9, minPartHours: 24, regions: 1, zonesPerRegion: 3, nodesPerZone: 1, devicesPerNode: 2 })
  const start = Date.now()
  b.rebalance({ seed: 1, now: start })
  let before = assignmentOf(b)
  // A new zone wants three quarters of the partitions: one replica of each of those must move.
  for (let d = 0; d < 2; d++) b.addDevice({ region: 1, zone: 4, ip: '10.1.4.0', port: 6200, device: `d${d}`, weight: 100 })
  b.rebalance({ seed: 2, now: start + hour })
  let moves = movesBetween(before, assignmentOf(b), 3)
  t.ok(moves.moved > 0)
  t.equal(moves.partsWithTwoMoves, 0, 'no partition moved two replicas')

  before = assignmentOf(b)
  const second = b.rebalance({ seed: 3, now: start + 2 * hour })
  moves = movesBetween(before, assignmentOf(b), 3)
  t.equal(second.moved, 0, 'partitions moved an hour ago stay put')

  before = assignmentOf(b)
  b.rebalance({ seed: 4, now: start + 30 * hour })
  moves = movesBetween(before, assignmentOf(b), 3)
  t.equal(moves.partsWithTwoMoves, 0)
  t.ok(b.balance() < 1, `after the window the ring balances: ${b.balance()}`)
})

t.test('moves wanted within min_part_hours are held and counted', async (t) => {
  const b = builderOf({ partPower: 8, minPartHours: 24, regions: 1, zonesPerRegion: 3, nodesPerZone: 1, devicesPerNode: 2 })
  const start = Date.now()
  b.rebalance({ seed: 1, now: start })
  const added = [0, 1].map((d) => b.addDevice({ region: 1, zone: 4, ip: '10.1.4.0', port: 6200, device: `d${d}`, weight: 100 }).id)
  t.ok(b.rebalance({ seed: 2, now: start + 25 * hour }).moved > 0, 'the new zone takes partitions')
  for (const id of added) b.setWeight(id, 0)
  const held = b.rebalance({ seed: 3, now: start + 26 * hour })
  t.ok(held.heldByMinPartHours > 0, `partitions that moved an hour ago are held: ${held.heldByMinPartHours}`)
  t.ok(b.usage().filter((u) => added.includes(u.device.id)).some((u) => u.parts > 0), 'so the drained zone still holds some')
  b.rebalance({ seed: 4, now: start + 60 * hour })
  t.same(b.usage().filter((u) => added.includes(u.device.id)).map((u) => u.parts), [0, 0], 'after the window it is drained')
})

t.test('a device of weight 0 is drained', async (t) => {
  const b = builderOf(twoRegions)
  b.rebalance({ seed: 1 })
  b.setWeight(2, 0)
  b.rebalance({ seed: 2, now: Date.now() + hour })
  t.equal(b.usage().find((u) => u.device.id === 2)?.parts, 0)
})

t.test('save and load round trip keeps devices, settings and the assignment', async (t) => {
  const { tempDir } = await import('../helpers/process.js')
  const dir = await tempDir(t)
  const b = builderOf(twoRegions)
  b.setOverload(0.1)
  b.rebalance({ seed: 1 })
  b.removeDevice(0)
  await b.save(`${dir}/object.builder`)
  const loaded = await RingBuilder.load(`${dir}/object.builder`)
  t.same(loaded.devices, b.devices)
  t.equal(loaded.overload, 0.1)
  t.equal(loaded.dirty, true)
  const added = loaded.addDevice({ region: 1, zone: 1, ip: '10.9.9.9', port: 6200, device: 'x', weight: 1 })
  t.equal(added.id, 16, 'ids of removed devices are not reused')
  loaded.rebalance({ seed: 2 })
  t.doesNotThrow(() => { loaded.validate() })
})

t.test('builder errors name the problem', async (t) => {
  t.throws(() => RingBuilder.create(0, 3, 1), /part power must be an integer from 1 to 32, got 0/)
  t.throws(() => RingBuilder.create(33, 3, 1), /part power .* got 33/)
  t.throws(() => RingBuilder.create(8, 0, 1), /replicas must be a positive integer/)
  t.throws(() => RingBuilder.create(8, 3, -1), /min_part_hours/)
  const b = RingBuilder.create(8, 3, 1)
  const dev = { region: 1, zone: 1, ip: '10.0.0.1', port: 6200, device: 'a', weight: 100 }
  t.throws(() => b.addDevice({ ...dev, weight: -1 }), /weight must be a non-negative number, got -1/)
  t.throws(() => b.addDevice({ ...dev, port: 70000 }), /port must be 1\.\.65535/)
  b.addDevice(dev)
  t.throws(() => b.addDevice(dev), /already in the ring as d0/)
  t.throws(() => { b.setWeight(7, 1) }, /unknown device d7/)
  t.throws(() => { b.removeDevice(7) }, { code: 'RS_ERR_RING_BUILDER' })
  t.throws(() => { b.setOverload(-0.5) }, /overload/)
  t.throws(() => b.rebalance(), /3 replicas need at least 3 devices of positive weight, the builder has 1/)
  t.throws(() => { b.validate() }, /never rebalanced/)
})
