import t from 'tap'
import { formatDevice, parseDeviceSpec, searchDevices, type Device } from '../../src/ring/index.js'

t.test('parses swift-ring-builder device specs', async (t) => {
  t.same(parseDeviceSpec('r1z1-127.0.0.1:6200/d1'), {
    region: 1, zone: 1, ip: '127.0.0.1', port: 6200, replicationIp: '127.0.0.1', replicationPort: 6200, device: 'd1', meta: ''
  })
  t.same(parseDeviceSpec('r2z3-10.0.0.1:6200R10.0.1.1:6300/sdb1_meta data'), {
    region: 2, zone: 3, ip: '10.0.0.1', port: 6200, replicationIp: '10.0.1.1', replicationPort: 6300, device: 'sdb1', meta: 'meta data'
  })
  t.equal(parseDeviceSpec('z2-10.0.0.1:6200/sdb1').region, 1, 'region defaults to 1')
  t.equal(parseDeviceSpec('r1z1-[::1]:6200/sdb1').ip, '::1', 'IPv6 in brackets')
  t.equal(parseDeviceSpec('r1z1-storage1.example.com:6200/sdb1').ip, 'storage1.example.com')
})

t.test('a bad spec names what is wrong', async (t) => {
  t.throws(() => parseDeviceSpec('r1z1-10.0.0.1/sdb1'), /missing port/)
  t.throws(() => parseDeviceSpec('r1-10.0.0.1:6200/sdb1'), /missing zone/)
  t.throws(() => parseDeviceSpec('r1z1-10.0.0.1:6200'), /missing device/)
  t.throws(() => parseDeviceSpec('r1z1-10.0.0.1:6200/sdb1 extra'), /cannot parse/)
  t.throws(() => parseDeviceSpec('d1r1z1-10.0.0.1:6200/sdb1'), /cannot name its id/)
  t.throws(() => parseDeviceSpec('r1z1-:6200/sdb1'), /expected an ip address/)
})

t.test('searches pick devices by any part of the spec', async (t) => {
  const base = { replicationIp: '', replicationPort: 0, weight: 1, meta: '' }
  const devices: Device[] = [
    { ...base, id: 0, region: 1, zone: 1, ip: '127.0.0.1', port: 6200, device: 'd1' },
    { ...base, id: 1, region: 1, zone: 2, ip: '127.0.0.1', port: 6201, device: 'd2' },
    { ...base, id: 3, region: 2, zone: 1, ip: '127.0.0.2', port: 6200, device: 'd1' }
  ]
  const ids = (search: string): number[] => searchDevices(devices, search).map((d) => d.id)
  t.same(ids('d3'), [3])
  t.same(ids('r1z1-127.0.0.1:6200/d1'), [0])
  t.same(ids('127.0.0.1'), [0, 1])
  t.same(ids('r1'), [0, 1])
  t.same(ids('z1'), [0, 3])
  t.same(ids('127.0.0.2:6200/d1'), [3])
  t.same(ids('d9'), [])
  t.throws(() => searchDevices(devices, ''), /empty device search/)
  t.throws(() => searchDevices(devices, 'x?y'), /cannot parse/)
})

t.test('formatDevice writes a spec that parses back', async (t) => {
  const spec = parseDeviceSpec('r2z3-10.0.0.1:6200R10.0.1.1:6300/sdb1_ssd')
  const text = formatDevice({ ...spec, id: 4, weight: 1 })
  t.equal(text, 'd4r2z3-10.0.0.1:6200R10.0.1.1:6300/sdb1_ssd')
  t.same(parseDeviceSpec(text.replace(/^d4/, '')), spec)
})
