import { createHash } from 'node:crypto'
import t from 'tap'
import { call, startObjectd, ts } from './helpers.js'

t.test('partition hashes change exactly when content changes', async (t) => {
  const od = await startObjectd(t)
  const { base } = od
  const hashes = async (part: number, role = 'object', policy = '0'): Promise<Record<string, string>> =>
    JSON.parse((await call(base, 'GET', `/sda/${part}?hashes&role=${role}`, { 'x-backend-storage-policy-index': policy })).text) as Record<string, string>

  t.same(await hashes(5), {}, 'empty partition')
  const t1 = ts()
  await call(base, 'PUT', '/sda/5/a/c/one', { 'x-timestamp': t1 }, 'one')
  const h1 = await hashes(5)
  t.equal(Object.keys(h1).length, 1)
  const [suffix] = Object.keys(h1)
  t.match(suffix, /^[0-9a-f]{3}$/)

  t.equal((await call(base, 'PUT', '/sda/5/a/c/one', { 'x-timestamp': '1600000000.00000' }, 'stale')).status, 409)
  t.same(await hashes(5), h1, 'a rejected write changes nothing')
  await call(base, 'GET', '/sda/5/a/c/one')
  t.same(await hashes(5), h1, 'reads change nothing')

  const t2 = ts()
  await call(base, 'POST', '/sda/5/a/c/one', { 'x-timestamp': t2, 'x-object-meta-a': 'b' })
  const h2 = await hashes(5)
  t.not(h2[suffix], h1[suffix], 'POST changes the hash')

  await call(base, 'PUT', '/sda/5/a/c/two', { 'x-timestamp': ts() }, 'two')
  const h3 = await hashes(5)
  t.ok(Object.keys(h3).length >= 1)
  t.same(await hashes(6), {}, 'other partitions untouched')
  t.same(await hashes(5, 'object', '1'), {}, 'other policy untouched')

  const entries = JSON.parse((await call(base, 'GET', `/sda/5?suffix=${suffix}&role=object`)).text) as Array<{ hash: string, name: string, timestamp: string, deleted: boolean }>
  const one = entries.find((e) => e.name === 'a/c/one')
  t.ok(one !== undefined)
  t.equal(one?.timestamp, t2)
  t.equal(one?.deleted, false)
  t.equal(one?.hash.slice(-3), suffix)

  // The same content reached in another order on another device gives the same hashes.
  const od2 = await startObjectd(t)
  await call(od2.base, 'PUT', '/sda/5/a/c/two', { 'x-timestamp': '1700000999.00000' }, 'two')
  await call(od2.base, 'PUT', '/sda/5/a/c/one', { 'x-timestamp': t1 }, 'one')
  await call(od2.base, 'POST', '/sda/5/a/c/one', { 'x-timestamp': t2, 'x-object-meta-a': 'b' })
  const other = JSON.parse((await call(od2.base, 'GET', '/sda/5?hashes&role=object')).text) as Record<string, string>
  // od2 holds 'two' at a newer timestamp than od1: the suffix of 'two' differs, the other agrees.
  const differing = Object.keys(h3).filter((s) => h3[s] !== other[s])
  t.equal(differing.length, 1, 'exactly the suffix that differs')
  // Once od2 also holds 'two' at od1's timestamp... it cannot (older is 409): od1 takes od2's instead.
  await call(base, 'PUT', '/sda/5/a/c/two', { 'x-timestamp': '1700000999.00000', 'x-backend-replication': 'true' }, 'two')
  t.same(await hashes(5), other, 'same entries, same hashes, whatever the order')
  const h3b = await hashes(5)
  const digests = async (b: string): Promise<Record<string, string>> => JSON.parse((await call(b, 'GET', '/sda?digests&role=object')).text) as Record<string, string>
  const d1 = await digests(base)
  t.same(Object.keys(d1), ['5'], 'one digest per partition held')
  const expected = createHash('md5')
  for (const s of Object.keys(h3b).sort()) expected.update(s).update(Buffer.from(h3b[s], 'hex'))
  t.equal(d1['5'], expected.digest('hex'), 'the digest covers every suffix and its hash')
  t.same(await digests(od2.base), d1, 'same hashes, same digest')
  await call(od2.base, 'PUT', '/sda/5/a/c/three', { 'x-timestamp': ts() }, 'three')
  t.not((await digests(od2.base))['5'], d1['5'], 'one more object changes the digest')
  await call(od2.base, 'DELETE', '/sda/5?role=object', { 'x-backend-replication': 'true' })
  t.same(await digests(od2.base), {}, 'a dropped partition has no digest')

  t.equal((await call(base, 'DELETE', '/sda/5/a/c/two', { 'x-timestamp': '1700001000.00000' })).status, 204)
  t.not(JSON.stringify(await hashes(5)), JSON.stringify(h3b), 'a delete changes the hash')

  t.same(JSON.parse((await call(base, 'GET', '/sda?partitions&role=object')).text), [5])

  t.test('container and account roles', async (t) => {
    await call(base, 'PUT', '/sda/9/a/c', { 'x-timestamp': ts() })
    const c1 = await hashes(9, 'container')
    t.equal(Object.keys(c1).length, 1)
    await call(base, 'PATCH', '/sda/9/a/c', {}, JSON.stringify([{ name: 'x', timestamp: ts(), size: 1 }]))
    const c2 = await hashes(9, 'container')
    t.not(Object.values(c2)[0], Object.values(c1)[0], 'a row changes the container hash')
    await call(base, 'PATCH', '/sda/9/a/c', {}, JSON.stringify([{ name: 'x', timestamp: '1600000000.00000', size: 5 }]))
    t.same(await hashes(9, 'container'), c2, 'a stale row changes nothing')
    const [csuffix] = Object.keys(c2)
    const centries = JSON.parse((await call(base, 'GET', `/sda/9?suffix=${csuffix}&role=container`)).text) as Array<{ name: string, digest: string }>
    t.equal(centries[0].name, 'a/c')
    t.equal(centries[0].digest, c2[csuffix], 'one container: its digest is the suffix hash')

    await call(base, 'PUT', '/sda/10/a', { 'x-timestamp': ts() })
    t.equal(Object.keys(await hashes(10, 'account')).length, 1)

    t.equal((await call(base, 'DELETE', '/sda/9?role=container')).status, 400, 'drop needs X-Backend-Replication')
    t.equal((await call(base, 'DELETE', '/sda/9?role=container', { 'x-backend-replication': 'true' })).status, 204)
    t.same(await hashes(9, 'container'), {})
    t.equal((await call(base, 'HEAD', '/sda/9/a/c')).status, 404, 'handoff partition dropped')
    t.equal((await call(base, 'DELETE', '/sda/5?role=object', { 'x-backend-replication': 'true' })).status, 204)
    t.equal((await call(base, 'GET', '/sda/5/a/c/one')).status, 404)
    t.same(await hashes(5), {})
  })
})
