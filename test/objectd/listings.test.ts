import t from 'tap'
import { call, startObjectd, ts } from './helpers.js'

interface Row { name?: string, subdir?: string, bytes?: number, hash?: string, content_type?: string, last_modified?: string }

t.test('containers and accounts', async (t) => {
  const od = await startObjectd(t)
  const { base } = od
  const acct = '/sda/1/AUTH_l'
  const cont = '/sda/2/AUTH_l/photos'
  const accountTargets = { 'x-account-host': `127.0.0.1:${od.port}`, 'x-account-device': 'sda', 'x-account-partition': '1' }

  t.equal((await call(base, 'PUT', acct, { 'x-timestamp': ts(), 'x-account-meta-quota-bytes': '100' })).status, 201)
  t.equal((await call(base, 'PUT', acct, { 'x-timestamp': ts() })).status, 202)
  t.equal((await call(base, 'PUT', cont, { 'x-timestamp': ts(), 'x-container-meta-a': '1', 'x-container-read': '.r:*', ...accountTargets })).status, 201)
  t.equal((await call(base, 'PUT', cont, { 'x-timestamp': ts(), 'x-container-meta-b': '2' })).status, 202)
  t.equal((await call(base, 'PUT', cont, { 'x-timestamp': ts(), 'x-backend-storage-policy-index': '1' })).status, 409, 'another policy on a live container')

  const names = ['a', 'a/b', 'a/c/d', 'b/x', 'b/y', 'c', 'dé', 'd\u{1F600}', 'd\u00ff', 'e']
  const rows = names.map((name, i) => ({ name, timestamp: ts(), size: i, content_type: 'text/plain', etag: `e${i}`, deleted: false, storage_policy_index: 0 }))
  t.equal((await call(base, 'PATCH', cont, { 'content-type': 'application/json' }, JSON.stringify(rows))).status, 204)
  // A stale row and a delete.
  t.equal((await call(base, 'PATCH', cont, {}, JSON.stringify([{ ...rows[0], timestamp: '1600000000.00000', size: 999 }, { name: 'e', timestamp: ts(), deleted: true }]))).status, 204)

  const head = await call(base, 'HEAD', cont)
  t.equal(head.status, 204)
  t.equal(head.headers['x-container-object-count'], '9')
  t.equal(head.headers['x-container-bytes-used'], String(0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8))
  t.equal(head.headers['x-container-meta-a'], '1')
  t.equal(head.headers['x-container-meta-b'], '2')
  t.equal(head.headers['x-container-read'], '.r:*')
  t.equal(head.headers['x-backend-storage-policy-index'], '0')

  const list = async (q: string): Promise<Row[]> => JSON.parse((await call(base, 'GET', `${cont}?format=json${q}`)).text) as Row[]
  const names_ = (rs: Row[]): string[] => rs.map((r) => r.name ?? `[${r.subdir ?? ''}]`)

  // UTF-8 byte order: 'dé' (c3 a9) < 'd\u00ff' (c3 bf) < 'd😀' (f0 ...)
  const first = await list('')
  t.same(names_(first), ['a', 'a/b', 'a/c/d', 'b/x', 'b/y', 'c', 'dé', 'd\u00ff', 'd\u{1F600}'])
  const together = await Promise.all(Array.from({ length: 24 }, async (_, i) => await list(i % 2 === 0 ? '' : '&prefix=b/')))
  t.ok(together.every((rs, i) => names_(rs).join() === (i % 2 === 0 ? names_(first).join() : 'b/x,b/y')),
    'listings asked at once, more than are built at a time, are each answered whole')
  const full = await list('&limit=1')
  t.same(full, [{ name: 'a', hash: 'e0', bytes: 0, content_type: 'text/plain', last_modified: full[0].last_modified }])
  t.match(full[0].last_modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
  t.same(names_(await list('&limit=3')), ['a', 'a/b', 'a/c/d'])
  t.same(names_(await list('&marker=b/x')), ['b/y', 'c', 'dé', 'd\u00ff', 'd\u{1F600}'])
  t.same(names_(await list('&end_marker=b/x')), ['a', 'a/b', 'a/c/d'])
  t.same(names_(await list('&marker=a/b&end_marker=c')), ['a/c/d', 'b/x', 'b/y'])
  t.same(names_(await list('&prefix=a/')), ['a/b', 'a/c/d'])
  t.same(names_(await list('&prefix=d')), ['dé', 'd\u00ff', 'd\u{1F600}'])
  t.same(names_(await list('&delimiter=/')), ['a', '[a/]', '[b/]', 'c', 'dé', 'd\u00ff', 'd\u{1F600}'])
  t.same(names_(await list('&delimiter=/&limit=3')), ['a', '[a/]', '[b/]'])
  t.same(names_(await list('&delimiter=/&marker=a/')), ['[b/]', 'c', 'dé', 'd\u00ff', 'd\u{1F600}'], 'a subdir used as marker is not repeated')
  t.same(names_(await list('&prefix=a/&delimiter=/')), ['a/b', '[a/c/]'])
  t.same(names_(await list('&reverse=true')), ['d\u{1F600}', 'd\u00ff', 'dé', 'c', 'b/y', 'b/x', 'a/c/d', 'a/b', 'a'])
  t.same(names_(await list('&reverse=true&marker=c&end_marker=a/b')), ['b/y', 'b/x', 'a/c/d'])
  t.same(names_(await list('&reverse=true&delimiter=/')), ['d\u{1F600}', 'd\u00ff', 'dé', 'c', '[b/]', '[a/]', 'a'])
  t.same(names_(await list('&path=a')), ['a/b'], 'path: direct children only')
  t.same(names_(await list('&path=')), ['a', 'c', 'dé', 'd\u00ff', 'd\u{1F600}'])
  t.same(names_(await list('&limit=0')), [])
  t.equal((await call(base, 'GET', `${cont}?limit=10001`)).status, 412)
  t.equal((await call(base, 'GET', `${cont}?limit=x`)).status, 400)

  const plain = await call(base, 'GET', `${cont}?prefix=b/`)
  t.equal(plain.text, 'b/x\nb/y\n')
  t.match(plain.headers['content-type'], /^text\/plain/)
  t.equal((await call(base, 'GET', `${cont}?prefix=zzz`)).status, 204, 'empty plain listing')
  t.equal((await call(base, 'GET', `${cont}?prefix=zzz&format=json`)).text, '[]')

  const xml = await call(base, 'GET', `${cont}?format=xml&prefix=a&delimiter=/&limit=2`)
  t.match(xml.headers['content-type'], /^application\/xml/)
  const lm = /<last_modified>([^<]+)<\/last_modified>/.exec(xml.text)?.[1] ?? ''
  t.equal(xml.text, '<?xml version="1.0" encoding="UTF-8"?>\n<container name="photos">' +
    `<object><name>a</name><hash>e0</hash><bytes>0</bytes><content_type>text/plain</content_type><last_modified>${lm}</last_modified></object>` +
    '<subdir name="a/"><name>a/</name></subdir></container>')

  // Pseudo-directories of deleted rows (tombstones wait for the reclaim age) are not listed.
  const later = [{ name: 'zy/gone', timestamp: ts(), deleted: true }, { name: 'zz/a', timestamp: ts(), deleted: true },
    { name: 'zz/b', timestamp: ts(), size: 1, content_type: 'text/plain', etag: 'e', deleted: false, storage_policy_index: 0 }]
  t.equal((await call(base, 'PATCH', cont, { 'content-type': 'application/json' }, JSON.stringify(later))).status, 204)
  t.same(names_(await list('&delimiter=/&marker=d\u{1F600}')), ['[zz/]'], 'a directory shows when one of its rows lives')
  t.same(names_(await list('&delimiter=/&reverse=true&limit=1')), ['[zz/]'])
  t.same(names_(await list('&prefix=zy&delimiter=/')), [])
  t.equal((await call(base, 'PATCH', cont, { 'content-type': 'application/json' }, JSON.stringify([{ name: 'zz/b', timestamp: ts(), deleted: true }]))).status, 204)
  t.same(names_(await list('&delimiter=/&marker=d\u{1F600}')), [], 'and goes with its last row')

  t.test('container metadata, delete rules', async (t) => {
    t.equal((await call(base, 'POST', cont, { 'x-timestamp': ts(), 'x-container-meta-a': '' })).status, 204)
    t.notOk((await call(base, 'HEAD', cont)).headers['x-container-meta-a'], 'empty value deletes the key')
    t.equal((await call(base, 'POST', cont, { 'x-timestamp': '1600000000.00000', 'x-container-meta-b': 'old' })).status, 204)
    t.equal((await call(base, 'HEAD', cont)).headers['x-container-meta-b'], '2', 'older metadata loses')
    t.equal((await call(base, 'DELETE', cont, { 'x-timestamp': ts() })).status, 409, 'not empty')
    const del = names.filter((n) => n !== 'e').map((name) => ({ name, timestamp: ts(), deleted: true }))
    t.equal((await call(base, 'PATCH', cont, {}, JSON.stringify(del))).status, 204)
    t.equal((await call(base, 'HEAD', cont)).headers['x-container-object-count'], '0')
    t.equal((await call(base, 'DELETE', cont, { 'x-timestamp': ts() })).status, 204)
    t.equal((await call(base, 'HEAD', cont)).status, 404)
    t.equal((await call(base, 'GET', cont)).status, 404)
    t.equal((await call(base, 'DELETE', cont, { 'x-timestamp': ts() })).status, 404)
    t.equal((await call(base, 'PATCH', '/sda/2/AUTH_l/nothere', {}, JSON.stringify(rows.slice(0, 1)))).status, 404)
    t.equal((await call(base, 'PATCH', cont, {}, '{"not": "an array"}')).status, 400)
    t.equal((await call(base, 'PATCH', cont, {}, '[{"name": "x"}]')).status, 400, 'row without timestamp')
    t.equal((await call(base, 'PUT', cont, { 'x-timestamp': ts(), 'x-backend-storage-policy-index': '1', ...accountTargets })).status, 201, 'recreated with another policy')
    t.equal((await call(base, 'HEAD', cont)).headers['x-backend-storage-policy-index'], '1')
  })

  t.test('account rows, stats and listing', async (t) => {
    const second = '/sda/2/AUTH_l/videos'
    t.equal((await call(base, 'PUT', second, { 'x-timestamp': ts(), ...accountTargets })).status, 201)
    await call(base, 'PATCH', second, {}, JSON.stringify([{ name: 'v1', timestamp: ts(), size: 100, content_type: 'video/mp4', etag: 'x', deleted: false }]))
    // The container reports to the account after its debounce delay.
    let head = await call(base, 'HEAD', acct)
    for (let i = 0; i < 50 && head.headers['x-account-object-count'] !== '1'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      head = await call(base, 'HEAD', acct)
    }
    t.equal(head.status, 204)
    t.equal(head.headers['x-account-container-count'], '2')
    t.equal(head.headers['x-account-object-count'], '1')
    t.equal(head.headers['x-account-bytes-used'], '100')
    t.equal(head.headers['x-account-meta-quota-bytes'], '100')
    const json = JSON.parse((await call(base, 'GET', `${acct}?format=json`)).text) as Array<{ name: string, count: number, bytes: number, last_modified: string }>
    t.same(json.map((r) => [r.name, r.count, r.bytes]), [['photos', 0, 0], ['videos', 1, 100]])
    t.same((await call(base, 'GET', `${acct}?reverse=1`)).text, 'videos\nphotos\n')
    const xml = (await call(base, 'GET', `${acct}?format=xml&prefix=v`)).text
    t.equal(xml, '<?xml version="1.0" encoding="UTF-8"?>\n<account name="AUTH_l"><container><name>videos</name><count>1</count>' +
      `<bytes>100</bytes><last_modified>${json[1].last_modified}</last_modified></container></account>`)

    // Reports merge by timestamp in any order: an old report does not undo newer stats.
    const stale = { name: 'videos', put_timestamp: '1600000000.00000', delete_timestamp: '0000000000.00000', object_count: 7, bytes_used: 7, storage_policy_index: 0, timestamp: '1600000000.00000' }
    t.equal((await call(base, 'PATCH', acct, {}, JSON.stringify([stale]))).status, 204)
    t.equal((await call(base, 'HEAD', acct)).headers['x-account-object-count'], '1')
    // A deleted container drops out of the stats and the listing.
    const deleted = { ...stale, delete_timestamp: ts(), timestamp: ts() }
    t.equal((await call(base, 'PATCH', acct, {}, JSON.stringify([deleted]))).status, 204)
    t.equal((await call(base, 'HEAD', acct)).headers['x-account-container-count'], '1')
    t.equal((await call(base, 'GET', acct)).text, 'photos\n')

    t.equal((await call(base, 'POST', acct, { 'x-timestamp': ts(), 'x-account-meta-x': 'y' })).status, 204)
    t.equal((await call(base, 'HEAD', acct)).headers['x-account-meta-x'], 'y')
    t.equal((await call(base, 'DELETE', acct, { 'x-timestamp': ts() })).status, 204)
    const gone = await call(base, 'HEAD', acct)
    t.equal(gone.status, 404)
    t.equal(gone.headers['x-account-status'], 'Deleted')
    t.equal((await call(base, 'PATCH', '/sda/1/AUTH_none', {}, JSON.stringify([stale]))).status, 404)
  })
})

t.test('large objects\' rows: Swift\'s form, and the form rows had before it', async (t) => {
  const od = await startObjectd(t)
  const cont = '/sda/3/AUTH_l/large'
  t.equal((await call(od.base, 'PUT', cont, { 'x-timestamp': ts() })).status, 201)
  const row = (name: string, size: number, type: string, etag: string): Record<string, unknown> =>
    ({ name, timestamp: ts(), size, content_type: type, etag, deleted: false, storage_policy_index: 0 })
  const rows = [
    row('mpu', 477, 'text/x-foo;swift_bytes=5243880', 'f037; s3_etag=42d3-2; slo_etag=9f0e'),
    row('old-mpu', 5243880, 'text/x-foo;swift_bytes=5243880', '9f0e; s3_etag=42d3-2'),
    row('old-slo', 3000000, 'application/octet-stream;swift_bytes=3000000', 'e795'),
    row('plain', 5, 'text/plain;  charset=utf-8 ; a="b c"', '5d41'),
    row('slo', 358, 'application/octet-stream;swift_bytes=3000000', 'afab; slo_etag=e795')
  ]
  t.equal((await call(od.base, 'PATCH', cont, {}, JSON.stringify(rows))).status, 204)
  t.equal((await call(od.base, 'HEAD', cont)).headers['x-container-bytes-used'], String(477 + 5243880 + 3000000 + 5 + 358), 'each row counts its own size')
  const listed = (JSON.parse((await call(od.base, 'GET', `${cont}?format=json`)).text) as Array<Record<string, unknown>>)
    .map(({ last_modified: _, ...r }) => r)
  t.same(listed, [
    { name: 'mpu', hash: 'f037', bytes: 5243880, content_type: 'text/x-foo', slo_etag: '"9f0e"', s3_etag: '"42d3-2"' },
    { name: 'old-mpu', hash: '9f0e', bytes: 5243880, content_type: 'text/x-foo', s3_etag: '"42d3-2"' },
    { name: 'old-slo', hash: 'e795', bytes: 3000000, content_type: 'application/octet-stream' },
    { name: 'plain', hash: '5d41', bytes: 5, content_type: 'text/plain;charset=utf-8;a="b c"' },
    { name: 'slo', hash: 'afab', bytes: 3000000, content_type: 'application/octet-stream', slo_etag: '"e795"' }
  ], 'swift_bytes listed as the size, the ETags\' parameters as keys')
  const xml = (await call(od.base, 'GET', `${cont}?format=xml&prefix=mpu`)).text
  t.match(xml, '<object><name>mpu</name><hash>f037</hash><bytes>5243880</bytes><content_type>text/x-foo</content_type><last_modified>')
  t.notMatch(xml, /slo_etag|s3_etag/, 'XML lists the five fields only')
})
