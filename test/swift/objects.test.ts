import t from 'tap'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { connect } from 'node:net'
import { startCluster } from '../helpers/cluster.js'
import { exactRequest, type ExactAnswer } from '../helpers/exact-request.js'

const cluster = await startCluster(t)
const { token, storageUrl } = await cluster.auth()
const auth = { 'x-auth-token': token }

/** A PUT with neither Content-Length nor Transfer-Encoding, written on a raw socket. */
async function bodilessPut (path: string): Promise<number> {
  const url = new URL(`${storageUrl}${path}`)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`PUT ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nX-Auth-Token: ${token}\r\nConnection: close\r\n\r\n`)
    })
    let answer = ''
    socket.on('data', (d: Buffer) => { answer += d.toString() })
    socket.on('end', () => { resolve(Number(answer.split(' ')[1])) })
    socket.on('error', reject)
  })
}

/** A PUT through node:http, which (unlike fetch) can send no Content-Type and no body at all. */
async function rawPut (path: string, body: Buffer | undefined, headers: Record<string, string>): Promise<number> {
  const url = new URL(`${storageUrl}${path}`)
  return await new Promise((resolve, reject) => {
    const r = request(url, { method: 'PUT', headers: { ...auth, ...headers, ...(body !== undefined ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      res.resume()
      res.on('end', () => { resolve(res.statusCode ?? 0) })
    })
    r.on('error', reject)
    r.end(body)
  })
}

async function req (method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Response> {
  return await fetch(`${storageUrl}${path}`, { method, headers: { ...auth, ...headers }, body })
}

t.test('container and object lifecycle', async (t) => {
  t.equal((await req('PUT', '/c1')).status, 201)
  t.equal((await req('PUT', '/c1')).status, 202, 'second PUT of a container is 202')
  const body = 'hello world'
  const put = await req('PUT', '/c1/a/b.txt', { 'x-object-meta-color': 'blue' }, body)
  t.equal(put.status, 201)
  t.equal(put.headers.get('etag'), createHash('md5').update(body).digest('hex'))
  t.ok(put.headers.get('x-trans-id')?.startsWith('tx'))

  const get = await req('GET', '/c1/a/b.txt')
  t.equal(get.status, 200)
  t.equal(await get.text(), body)
  t.equal(get.headers.get('content-type'), 'text/plain;charset=UTF-8', 'the client\'s content type')
  t.equal(get.headers.get('x-object-meta-color'), 'blue')
  t.ok(get.headers.get('last-modified'))
  t.ok(get.headers.get('x-timestamp'))

  const head = await req('HEAD', '/c1/a/b.txt')
  t.equal(head.status, 200)
  t.equal(head.headers.get('content-length'), String(body.length))

  const range = await req('GET', '/c1/a/b.txt', { range: 'bytes=6-' })
  t.equal(range.status, 206)
  t.equal(await range.text(), 'world')

  t.equal((await req('POST', '/c1/a/b.txt', { 'x-object-meta-size': 'big' })).status, 202)
  const afterPost = await req('HEAD', '/c1/a/b.txt')
  t.equal(afterPost.headers.get('x-object-meta-size'), 'big')
  t.equal(afterPost.headers.get('x-object-meta-color'), null, 'POST replaces user metadata')

  const list = await req('GET', '/c1?format=json')
  t.equal(list.status, 200)
  const rows = await list.json() as Array<{ name: string, bytes: number }>
  t.same(rows.map((r) => r.name), ['a/b.txt'])
  t.equal(rows[0].bytes, body.length)

  const chead = await req('HEAD', '/c1')
  t.equal(chead.status, 204)
  t.equal(chead.headers.get('x-container-object-count'), '1')
  t.equal(chead.headers.get('x-container-bytes-used'), String(body.length))
  t.equal(chead.headers.get('x-storage-policy'), 'gold')

  t.equal((await req('DELETE', '/c1')).status, 409, 'non-empty container')
  t.equal((await req('DELETE', '/c1/a/b.txt')).status, 204)
  t.equal((await req('GET', '/c1/a/b.txt')).status, 404)
  t.equal((await req('DELETE', '/c1/a/b.txt')).status, 404)
  t.equal((await req('DELETE', '/c1')).status, 204)
  t.equal((await req('HEAD', '/c1')).status, 404)
})

t.test('content type from the name when none is given', async (t) => {
  await req('PUT', '/types')
  const put = await rawPut('/types/photo.png', Buffer.from('png'), {})
  t.equal(put, 201)
  t.equal((await req('HEAD', '/types/photo.png')).headers.get('content-type'), 'image/png')
  t.equal(await rawPut('/types/blob', Buffer.from('x'), {}), 201)
  t.equal((await req('HEAD', '/types/blob')).headers.get('content-type'), 'application/octet-stream')
})

t.test('copies', async (t) => {
  await req('PUT', '/src')
  await req('PUT', '/dst')
  await req('PUT', '/src/o', { 'x-object-meta-k': 'v', 'content-type': 'text/x-thing' }, 'copy me')
  const put = await req('PUT', '/dst/o2', { 'x-copy-from': '/src/o', 'content-length': '0' })
  t.equal(put.status, 201)
  t.equal(put.headers.get('x-copied-from'), 'src/o')
  const got = await req('GET', '/dst/o2')
  t.equal(await got.text(), 'copy me')
  t.equal(got.headers.get('x-object-meta-k'), 'v')
  t.equal(got.headers.get('content-type'), 'text/x-thing')
  const copy = await req('COPY', '/src/o', { destination: '/dst/o3', 'x-object-meta-extra': '1' })
  t.equal(copy.status, 201)
  const h = await req('HEAD', '/dst/o3')
  t.equal(h.headers.get('x-object-meta-k'), 'v')
  t.equal(h.headers.get('x-object-meta-extra'), '1')
  t.equal((await req('PUT', '/dst/x', { 'x-copy-from': '/src/missing', 'content-length': '0' })).status, 404)
})

t.test('COPY and X-Copy-From apply the same request headers, and keep X-Delete-At', async (t) => {
  await req('PUT', '/cpsrc')
  const deleteAt = String(Math.floor(Date.now() / 1000) + 86400)
  t.equal((await req('PUT', '/cpsrc/o', {
    'content-type': 'text/x-old', 'x-object-meta-a': '1', 'x-object-meta-b': '2', 'content-disposition': 'inline',
    'content-encoding': 'gzip', 'content-language': 'fr', 'x-delete-at': deleteAt
  }, 'hello world')).status, 201)
  const changes = { 'content-type': 'text/x-new', 'x-object-meta-b': '3', 'content-disposition': 'attachment', 'content-encoding': 'identity' }
  t.equal((await req('COPY', '/cpsrc/o', { destination: 'cpsrc/by-copy', ...changes })).status, 201)
  t.equal((await req('PUT', '/cpsrc/by-put', { 'x-copy-from': 'cpsrc/o', 'content-length': '0', ...changes })).status, 201)
  for (const name of ['by-copy', 'by-put']) {
    const h = (await req('HEAD', `/cpsrc/${name}`)).headers
    t.same([h.get('content-type'), h.get('x-object-meta-a'), h.get('x-object-meta-b'), h.get('content-disposition'), h.get('content-encoding'), h.get('content-language')],
      ['text/x-new', '1', '3', 'attachment', 'identity', 'fr'], `${name}: the request's headers over the source's`)
    t.equal(h.get('x-delete-at'), deleteAt, `${name}: expires with the source`)
  }
  t.equal((await req('COPY', '/cpsrc/o', { destination: 'cpsrc/fresh', 'x-fresh-metadata': 'true', 'x-object-meta-c': '4' })).status, 201)
  const fresh = (await req('HEAD', '/cpsrc/fresh')).headers
  t.same([fresh.get('content-type'), fresh.get('x-object-meta-a'), fresh.get('x-object-meta-c'), fresh.get('content-language'), fresh.get('x-delete-at')],
    ['text/x-old', null, '4', null, null], 'X-Fresh-Metadata keeps only the content type')
  t.equal((await req('PUT', '/cpsrc/later', { 'x-copy-from': 'cpsrc/o', 'content-length': '0', 'x-delete-after': '1000' })).status, 201)
  t.not((await req('HEAD', '/cpsrc/later')).headers.get('x-delete-at'), deleteAt, 'X-Delete-After sets its own')
  t.equal((await req('COPY', '/cpsrc/o', { destination: 'cpsrc/x', 'x-delete-at': 'soon' })).status, 400)
})

t.test('a copy reads its source as a GET with the request\'s Range and conditionals', async (t) => {
  await req('PUT', '/cprange')
  t.equal((await req('PUT', '/cprange/o', {}, 'hello world')).status, 201)
  const ranged = await req('PUT', '/cprange/r1', { 'x-copy-from': 'cprange/o', 'content-length': '0', range: 'bytes=2-6' })
  t.equal(ranged.status, 201)
  t.equal(ranged.headers.get('etag'), createHash('md5').update('llo w').digest('hex'))
  t.equal(await (await req('GET', '/cprange/r1')).text(), 'llo w')
  t.equal((await req('COPY', '/cprange/o', { destination: 'cprange/r2', range: 'bytes=-3' })).status, 201)
  t.equal(await (await req('GET', '/cprange/r2')).text(), 'rld')
  t.equal((await req('PUT', '/cprange/r3', { 'x-copy-from': 'cprange/o', 'content-length': '0', range: 'bytes=50-' })).status, 416)
  t.equal((await req('PUT', '/cprange/r3', { 'x-copy-from': 'cprange/o', 'content-length': '0', 'if-match': '"0000"' })).status, 412)
  const etag = createHash('md5').update('hello world').digest('hex')
  t.equal((await req('COPY', '/cprange/o', { destination: 'cprange/r3', 'if-none-match': etag })).status, 304)
  t.equal((await req('HEAD', '/cprange/r3')).status, 404, 'nothing written')
})

t.test('X-Copy-From with a body is refused', async (t) => {
  await req('PUT', '/cpbody')
  t.equal((await req('PUT', '/cpbody/o', {}, 'source')).status, 201)
  const res = await req('PUT', '/cpbody/c', { 'x-copy-from': 'cpbody/o' }, 'abc')
  t.equal(res.status, 400)
  t.equal(await res.text(), 'Copy requests require a zero byte body')
  t.equal((await req('HEAD', '/cpbody/c')).status, 404)
  t.equal(await rawPut('/cpbody/c', undefined, { 'x-copy-from': 'cpbody/o', 'transfer-encoding': 'chunked' }), 201, 'a chunked one is not')
})

t.test('content type parameters: swift_* refused, listed as Swift lists them', async (t) => {
  await req('PUT', '/params')
  const refused = 'Invalid Content-Type, swift_* is not a valid parameter name.'
  for (const type of ['text/plain;swift_bytes=5', 'text/plain; swift_bytes =5', 'text/plain;x=1;swift_anything', 'text/plain;a="b;swift_c=d"']) {
    const put = await req('PUT', '/params/o', { 'content-type': type }, 'hello')
    t.same([put.status, await put.text()], [400, refused], type)
  }
  t.equal((await req('HEAD', '/params/o')).status, 404, 'nothing stored')
  t.equal((await req('PUT', '/params/plain', { 'content-type': 'text/plain;  charset=utf-8 ; a="b c";swift=1' }, 'hello')).status, 201)
  t.equal((await req('PUT', '/params/copy', { 'x-copy-from': '/params/plain', 'content-type': 'text/plain;swift_bytes=5' })).status, 400)
  t.equal((await req('COPY', '/params/plain', { destination: '/params/copy', 'content-type': 'text/plain;swift_bytes=5' })).status, 400)
  t.equal((await req('HEAD', '/params/plain')).headers.get('content-type'), 'text/plain;  charset=utf-8 ; a="b c";swift=1', 'stored as sent')
  const rows = await (await req('GET', '/params?format=json')).json() as Array<{ name: string, bytes: number, content_type: string }>
  t.same(rows.map((r) => [r.name, r.bytes, r.content_type]), [['plain', 5, 'text/plain;charset=utf-8;a="b c";swift=1']], 'listed as ;name=value')
})

t.test('chunked upload and large body', async (t) => {
  await req('PUT', '/big')
  const size = 5 * 1024 * 1024 + 17
  const data = Buffer.alloc(size, 7)
  async function * chunks (): AsyncGenerator<Buffer> {
    for (let i = 0; i < size; i += 65536) yield data.subarray(i, i + 65536)
  }
  const res = await fetch(`${storageUrl}/big/obj`, {
    method: 'PUT', headers: auth, body: chunks() as unknown as RequestInit['body'], duplex: 'half'
  } as RequestInit)
  t.equal(res.status, 201)
  const get = await req('GET', '/big/obj')
  const back = Buffer.from(await get.arrayBuffer())
  t.equal(back.length, size)
  t.ok(back.equals(data))
})

t.test('ranges and conditionals as Swift judges them, and create-only PUTs', async (t) => {
  await req('PUT', '/cond')
  t.equal((await req('PUT', '/cond/o', {}, '0123456789abcdefghij')).status, 201)
  const etag = (await req('HEAD', '/cond/o')).headers.get('etag') as string
  const head = await req('HEAD', '/cond/o', { range: 'bytes=0-1' })
  t.same([head.status, head.headers.get('content-length')], [200, '20'], 'a HEAD answers for the whole object whatever its Range')
  t.equal((await req('HEAD', '/cond/o', { range: 'bytes=50-60' })).status, 200)
  t.equal((await req('GET', '/cond/o', { range: 'bytes=0-5,3-8,4-9' })).status, 416, 'too many overlapping ranges')
  t.equal((await req('GET', '/cond/o', { 'if-match': `W/${etag}` })).status, 412, 'a weak ETag never matches')
  t.equal((await req('GET', '/cond/o', { 'if-match': etag, 'if-unmodified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' })).status, 412)
  t.equal((await req('GET', '/cond/o', { 'if-none-match': '"zzz"', 'if-modified-since': 'Sun, 22 Nov 2099 00:00:00 GMT' })).status, 304)
  t.equal((await req('GET', '/cond/missing', { 'if-match': '*' })).status, 412, 'If-Match: * fails on a missing object')
  t.equal((await req('HEAD', '/cond/missing', { 'if-match': '*' })).status, 412)
  t.equal((await req('GET', '/cond/missing', { 'if-match': etag })).status, 404)
  t.equal((await req('PUT', '/cond/empty', {}, '')).status, 201)
  t.equal((await req('GET', '/cond/empty', { range: 'bytes=-1' })).status, 200, 'the last byte of nothing is the whole of it')

  t.equal((await req('PUT', '/cond/o', { 'if-none-match': '*' }, 'other')).status, 412, 'create-only PUT of an existing object')
  t.equal(await (await req('GET', '/cond/o')).text(), '0123456789abcdefghij', 'and the object is untouched')
  t.equal((await req('PUT', '/cond/new', { 'if-none-match': '*' }, 'new')).status, 201)
  const onlyStar = await req('PUT', '/cond/new2', { 'if-none-match': etag }, 'x')
  t.same([onlyStar.status, await onlyStar.text()], [400, 'If-None-Match only supports *'])
  await req('DELETE', '/cond/new')
  t.equal((await req('PUT', '/cond/new', { 'if-none-match': '*' }, 'again')).status, 201, 'a deleted object is absent')
  const upper = createHash('md5').update('x').digest('hex').toUpperCase()
  t.equal((await req('PUT', '/cond/upper', { etag: upper }, 'x')).status, 422, 'ETags compare as Swift stores them, lower-case')
})

t.test('swift errors', async (t) => {
  await req('PUT', '/errs')
  t.equal((await req('PUT', '/nocontainer/o', {}, 'x')).status, 404)
  t.equal(await bodilessPut('/errs/o'), 411, 'neither Content-Length nor chunked')
  t.equal((await req('PUT', `/errs/${'x'.repeat(1025)}`, {}, 'x')).status, 400)
  t.equal((await req('PUT', `/${'c'.repeat(257)}`)).status, 400)
  t.equal((await req('PUT', '/errs/o', { etag: 'badbadbadbadbadbadbadbadbadbadba' }, 'x')).status, 422)
  t.equal((await req('PUT', '/errs/o', { 'x-object-meta-a': 'x'.repeat(257) }, 'x')).status, 400)
  t.equal((await req('GET', '/errs?limit=10001')).status, 412)
  t.equal((await req('PUT', '/errs/o', { 'x-delete-at': '1' }, 'x')).status, 400)
  t.equal((await fetch(`${storageUrl}/errs`, { headers: { 'x-auth-token': 'AUTH_tkbogus' } })).status, 401)
  t.equal((await fetch(`${storageUrl}/errs`)).status, 401)
  const other = await cluster.auth('test2:tester2', 'testing2')
  t.equal((await fetch(`${storageUrl}/errs`, { headers: { 'x-auth-token': other.token } })).status, 403)
  t.equal((await req('PUT', '/pol', { 'x-storage-policy': 'nope' })).status, 400)
  t.equal((await req('PUT', '/pol', { 'x-storage-policy': 'silver' })).status, 201)
  t.equal((await req('PUT', '/pol', { 'x-storage-policy': 'gold' })).status, 409)
  t.equal((await req('HEAD', '/pol')).headers.get('x-storage-policy'), 'silver')
})

t.test('account', async (t) => {
  const head = await req('HEAD', '')
  t.equal(head.status, 204)
  t.ok(Number(head.headers.get('x-account-container-count')) >= 1)
  t.equal((await req('POST', '', { 'x-account-meta-team': 'blue' })).status, 204)
  t.equal((await req('HEAD', '')).headers.get('x-account-meta-team'), 'blue')
  const list = await req('GET', '?format=json')
  const names = (await list.json() as Array<{ name: string }>).map((r) => r.name)
  t.ok(names.includes('errs'))
})

t.test('expiring objects', async (t) => {
  await req('PUT', '/exp')
  // X-Delete-At is the whole second after now + X-Delete-After, as in Swift: with 3 the object
  // lives at least 2 s, time for the first GET however slow the machine; at most 3 s.
  t.equal((await req('PUT', '/exp/o', { 'x-delete-after': '3' }, 'x')).status, 201)
  t.equal((await req('GET', '/exp/o')).status, 200)
  await new Promise((resolve) => setTimeout(resolve, 3100))
  t.equal((await req('GET', '/exp/o')).status, 404)
})

t.test('an X-Delete-After that is not in the future is refused, as by Swift', async (t) => {
  await req('PUT', '/dafter')
  for (const after of ['0', '-1']) {
    const put = await req('PUT', '/dafter/o', { 'x-delete-after': after }, 'x')
    t.same([put.status, await put.text()], [400, 'X-Delete-After in past'])
  }
  t.equal((await req('PUT', '/dafter/o', {}, 'x')).status, 201)
  t.equal((await req('POST', '/dafter/o', { 'x-delete-after': '0' })).status, 400)
})

t.test('objects have no X-Remove-Object-Meta-*, and keep an empty metadata value, as in Swift', async (t) => {
  await req('PUT', '/rmeta')
  t.equal((await req('PUT', '/rmeta/o', { 'x-object-meta-a': '1', 'x-remove-object-meta-b': 'x' }, 'x')).status, 201)
  t.equal((await req('HEAD', '/rmeta/o')).headers.get('x-object-meta-b'), null)
  t.equal((await req('POST', '/rmeta/o', { 'x-remove-object-meta-a': 'x', 'x-object-meta-c': '' })).status, 202)
  const h = (await req('HEAD', '/rmeta/o')).headers
  t.equal(h.get('x-object-meta-a'), null, 'a removal header stores nothing')
  t.equal(h.get('x-object-meta-c'), '', 'an empty value is kept')
})

/** `n` headers `<prefix><from>`, `<prefix><from + 1>`, ... set to `value`. */
function metaRun (prefix: string, from: number, n: number, value = 'v'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${from + i}`, value]))
}

t.test('container and account metadata: quotas checked, limits on what is kept, removals free', async (t) => {
  await req('PUT', '/cmeta')
  for (const kind of ['bytes', 'count']) {
    const res = await req('POST', '/cmeta', { [`x-container-meta-quota-${kind}`]: 'abc' })
    t.same([res.status, await res.text()], [400, `Invalid ${kind} quota.`])
  }
  t.equal((await req('PUT', '/cmeta-q', { 'x-container-meta-quota-count': 'abc' })).status, 400)
  t.equal((await req('POST', '/cmeta', { 'x-container-meta-quota-count': '' })).status, 204, 'an empty quota removes it')
  t.equal((await req('POST', '/cmeta', metaRun('x-container-meta-k', 0, 60))).status, 204)
  t.equal((await req('POST', '/cmeta', metaRun('x-container-meta-k', 100, 31))).status, 400, '91 items kept')
  t.equal((await req('POST', '/cmeta', metaRun('x-container-meta-k', 100, 30))).status, 204, '90 items kept')
  t.equal((await req('POST', '/cmeta', metaRun('x-remove-container-meta-k', 0, 100, 'x'))).status, 204, 'removals do not count')
  // 30 items of 4 + 1 bytes are kept; 15 of 3 + 256 make 4035 bytes, 61 more make Swift's 4096.
  t.equal((await req('POST', '/cmeta', metaRun('x-container-meta-s', 10, 15, 'v'.repeat(256)))).status, 204)
  t.equal((await req('POST', '/cmeta', { 'x-container-meta-s30': 'v'.repeat(59) })).status, 400, '4097 bytes kept')
  t.equal((await req('POST', '/cmeta', { 'x-container-meta-s30': 'v'.repeat(58) })).status, 204, '4096 bytes kept')
  const kept = [...(await req('HEAD', '/cmeta')).headers.keys()].filter((k) => k.startsWith('x-container-meta-'))
  t.equal(kept.length, 46)
  t.equal((await req('POST', '', metaRun('x-account-meta-lim', 0, 60))).status, 204)
  t.equal((await req('POST', '', metaRun('x-account-meta-lim', 60, 40))).status, 400, 'the account keeps at most 90')
  t.equal((await req('POST', '', metaRun('x-remove-account-meta-lim', 0, 100, 'x'))).status, 204)
})

t.test('listings: Accept negotiated as Swift does, limit and UTF-8 of parameters', async (t) => {
  await req('PUT', '/neg')
  await req('PUT', '/neg/o', {}, 'x')
  async function answer (accept: string, path = '/neg', method = 'GET'): Promise<string> {
    const res = await req(method, path, { accept })
    await res.arrayBuffer()
    return `${res.status} ${res.headers.get('content-type') ?? ''}`
  }
  t.equal(await answer('application/json;q=0.5, application/xml'), '200 application/xml; charset=utf-8', 'q-values')
  t.equal(await answer('application/*'), '200 application/json; charset=utf-8')
  t.equal(await answer('application/*, text/plain'), '200 text/plain; charset=utf-8', 'the more specific first')
  t.equal(await answer('text/xml'), '200 text/xml; charset=utf-8')
  t.equal(await answer('text/xml', ''), '200 text/xml; charset=utf-8')
  t.equal(await answer('text/html'), '406 text/plain; charset=utf-8')
  t.equal(await answer('foo/bar', ''), '406 text/plain; charset=utf-8')
  t.equal(await answer('foo/bar', '/neg', 'HEAD'), '406 text/plain; charset=utf-8')
  t.equal(await answer('application/json;q=abc'), '400 text/plain; charset=utf-8')
  t.equal(await answer('foo/bar', '/neg?format=json'), '200 application/json; charset=utf-8', 'format= wins')
  for (const limit of ['-1', 'abc']) t.equal(await (await req('GET', `/neg?limit=${limit}`)).text(), 'o\n', `limit=${limit} ignored`)
  for (const name of ['prefix', 'marker']) {
    const res = await req('GET', `/neg?${name}=%FF`)
    t.same([res.status, await res.text()], [400, `"${name}" parameter not valid UTF-8`])
  }
})

/** `path` goes after the storage URL's path, or replaces it when it starts with `/v1`; see exactRequest. */
async function exact (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<ExactAnswer> {
  const base = new URL(storageUrl)
  return await exactRequest(base.hostname, base.port, method, path.startsWith('/v1') ? path : `${base.pathname}${path}`, { ...auth, ...headers }, body)
}

async function listNames (path: string): Promise<string[]> {
  const res = await exact('GET', `${path}?format=json`)
  return res.status === 200 ? (JSON.parse(res.text) as Array<{ name: string }>).map((r) => r.name) : []
}

t.test('`.` and `..` segments are names like any other, as in Swift: stored, served, listed, never resolved', async (t) => {
  t.equal((await exact('PUT', '/dots')).status, 201)
  // [as sent in the path, the name]
  const names: Array<[string, string]> = [
    ['..', '..'], ['.', '.'], ['a/../b', 'a/../b'], ['./x', './x'], ['x/.', 'x/.'], ['../../..', '../../..'],
    ['a/%2E%2E/c', 'a/../c'], ['%2E%2E/z', '../z'], ['y/..', 'y/..'],
    // These worked before and must keep working.
    ['x/', 'x/'], ['a//b', 'a//b']
  ]
  for (const [sent, name] of names) {
    t.equal((await exact('PUT', `/dots/${sent}`, { 'content-type': 'text/plain' }, name)).status, 201, `PUT ${name}`)
    const get = await exact('GET', `/dots/${sent}`)
    t.equal(get.status, 200, `GET ${name}`)
    t.equal(get.text, name, `${name} is itself`)
    t.equal((await exact('HEAD', `/dots/${sent}`)).status, 200, `HEAD ${name}`)
    t.equal((await exact('POST', `/dots/${sent}`, { 'x-object-meta-name': 'yes' })).status, 202, `POST ${name}`)
    t.equal((await exact('HEAD', `/dots/${sent}`)).headers['x-object-meta-name'], 'yes')
  }
  t.equal((await exact('GET', '/dots/b')).status, 404, 'a/../b is not b')
  t.equal((await exact('GET', '/dots/x')).status, 404, './x is not x')
  t.equal((await exact('GET', '/dots/a%2F..%2Fb')).text, 'a/../b', 'an encoded slash is a slash in the name')
  t.equal((await exact('GET', '/dots/%2E%2E')).text, '..', 'an encoded dot is a dot')
  t.same(await listNames('/dots'), names.map(([, name]) => name).sort(), 'listed under their own names')

  const copied = await exact('PUT', '/dots/../copy', { 'x-copy-from': 'dots/a/../b', 'content-length': '0' })
  t.equal(copied.status, 201, 'copied from a name with a dot-dot segment')
  t.equal(copied.headers['x-copied-from'], 'dots/a/../b', 'quoted as Swift does, slashes kept')
  t.equal((await exact('GET', '/dots/../copy')).text, 'a/../b')
  t.equal((await exact('COPY', '/dots/..', { destination: 'dots/./copy' })).status, 201, 'COPY both ways')
  t.equal((await exact('GET', '/dots/./copy')).text, '..')

  for (const name of [...names.map(([sent]) => sent), '../copy', './copy']) {
    t.equal((await exact('DELETE', `/dots/${name}`)).status, 204, `DELETE ${name}`)
  }
  t.same(await listNames('/dots'), [], 'all gone')
  t.equal((await exact('DELETE', '/dots')).status, 204)
})

t.test('containers named `.` and `..`', async (t) => {
  // `%2E%2E` is `..` again, after the first is gone.
  for (const [sent, name] of [['.', '.'], ['..', '..'], ['%2E%2E', '..']]) {
    t.equal((await exact('PUT', `/${sent}`)).status, 201, `PUT container ${sent}`)
    t.equal((await exact('HEAD', `/${sent}`)).status, 204)
    t.equal((await exact('POST', `/${sent}`, { 'x-container-meta-k': 'v' })).status, 204)
    t.equal((await exact('HEAD', `/${sent}`)).headers['x-container-meta-k'], 'v')
    t.equal((await exact('PUT', `/${sent}/obj`, {}, name)).status, 201)
    t.equal((await exact('PUT', `/${sent}/..`, {}, 'dot-dot')).status, 201)
    t.equal((await exact('GET', `/${sent}/obj`)).text, name, 'its object is its own')
    t.equal((await exact('GET', `/${sent}/..`)).text, 'dot-dot')
    t.same(await listNames(`/${sent}`), ['..', 'obj'])
    t.equal((await exact('HEAD', `/${sent}`)).headers['x-container-object-count'], '2')
    t.ok((await listNames('')).includes(name), 'the account lists it')
    t.equal((await exact('DELETE', `/${sent}`)).status, 409, 'not empty')
    t.equal((await exact('DELETE', `/${sent}/obj`)).status, 204)
    t.equal((await exact('DELETE', `/${sent}/..`)).status, 204)
    t.equal((await exact('DELETE', `/${sent}`)).status, 204)
    t.equal((await exact('HEAD', `/${sent}`)).status, 404)
  }
  t.notOk((await listNames('')).some((n) => n === '.' || n === '..'), 'the account lists them no more')
})

t.test('an encoded slash separates container and object as a plain one, as in Swift', async (t) => {
  t.equal((await exact('PUT', '/sep')).status, 201)
  t.equal((await exact('PUT', '/sep%2Fobj', {}, 'one')).status, 201, 'container sep, object obj')
  t.equal((await exact('GET', '/sep/obj')).text, 'one')
  t.equal((await exact('GET', '/sep%2Fobj')).text, 'one')
  t.equal((await exact('GET', '/v1/AUTH_test%2Fsep%2Fobj')).text, 'one', 'between account and container too')
  t.equal((await exact('GET', '/v1%2FAUTH_test/sep/obj')).text, 'one', 'and after the version')
  t.equal((await exact('HEAD', '/sep%2F')).status, 204, 'a container request')
  t.equal((await exact('PUT', '/sep/a%2Fb', {}, 'two')).status, 201, 'in the object name, a slash of the name')
  t.equal((await exact('GET', '/sep/a/b')).text, 'two')
  t.equal((await exact('GET', '/sep%2Fa%2Fb')).text, 'two')
  t.same(await listNames('/sep'), ['a/b', 'obj'])
  t.equal((await exact('GET', '/%2Fsep')).status, 412, 'an empty container name, as in Swift')
  t.equal((await exact('DELETE', '/sep%2Fobj')).status, 204)
  t.equal((await exact('DELETE', '/sep%2Fa/b')).status, 204)
  t.equal((await exact('DELETE', '/sep')).status, 204)
})

t.test('any Content-Type is stored as given, as in Swift: fastify does not get to refuse it', async (t) => {
  t.equal((await exact('PUT', '/types2')).status, 201)
  for (const type of ['foo', 'foo/bar; x', ';', 'text/plain;;', 'application/json; charset']) {
    t.equal((await exact('PUT', '/types2/o.txt', { 'content-type': type }, 'x')).status, 201, `PUT with ${JSON.stringify(type)}`)
    t.equal((await exact('HEAD', '/types2/o.txt')).headers['content-type'], type)
    t.equal((await exact('POST', '/types2/o.txt', { 'content-type': 'text/plain' })).status, 202)
    t.equal((await exact('POST', '/types2/o.txt', { 'content-type': type })).status, 202, `POST with ${JSON.stringify(type)}`)
    t.equal((await exact('HEAD', '/types2/o.txt')).headers['content-type'], type)
  }
  t.equal((await exact('PUT', '/types2/page.html', { 'content-type': '' }, 'x')).status, 201, 'an empty type')
  t.equal((await exact('HEAD', '/types2/page.html')).headers['content-type'], 'text/html', 'is guessed from the name')
  t.equal((await exact('POST', '/types2/page.html', { 'content-type': '' })).status, 202)
  t.equal((await exact('HEAD', '/types2/page.html')).headers['content-type'], 'text/html', 'an empty type in a POST keeps the type')
  t.equal((await exact('PUT', '/types2/copy', { 'x-copy-from': 'types2/o.txt', 'content-type': 'foo/bar; x', 'content-length': '0' })).status, 201)
  t.equal((await exact('HEAD', '/types2/copy')).headers['content-type'], 'foo/bar; x', 'a copy takes the given type')
  t.equal((await exact('PUT', '/types2/copy2', { 'x-copy-from': 'types2/page.html', 'content-type': '', 'content-length': '0' })).status, 201)
  t.equal((await exact('HEAD', '/types2/copy2')).headers['content-type'], 'text/html', 'or with an empty one the source\'s')
  t.equal((await exact('DELETE', '/types2/copy2', { 'content-type': 'foo' }, 'a body')).status, 204, 'a DELETE with a body')
  t.equal((await exact('PUT', '/types2', { 'content-type': 'foo' })).status, 202, 'container PUT')
  t.equal((await exact('POST', '/types2', { 'content-type': 'foo' })).status, 204, 'container POST')
  t.equal((await exact('POST', '', { 'content-type': 'foo' })).status, 204, 'account POST')

  // Bulk delete reads its body itself; as in Swift, a list said to be other than text/plain is refused.
  const refused = await exact('POST', '?bulk-delete', { 'content-type': 'foo', accept: 'application/json' }, 'types2/copy\ntypes2/o.txt')
  t.equal(refused.status, 200)
  t.match(JSON.parse(refused.text), { 'Response Status': '406 Not Acceptable', 'Number Deleted': 0 })
  const bulk = await exact('DELETE', '?bulk-delete', { 'content-type': 'text/plain; x', accept: 'application/json' }, 'types2/copy\ntypes2/o.txt\ntypes2/page.html')
  t.match(JSON.parse(bulk.text), { 'Response Status': '200 OK', 'Number Deleted': 3 })
  t.same(await listNames('/types2'), [])
})

t.test('a name without a dot has no extension, so no guessed type (Python\'s mimetypes, as in Swift)', async (t) => {
  t.equal((await exact('PUT', '/guess')).status, 201)
  const cases: Array<[string, string]> = [
    ['json', 'application/octet-stream'], ['html', 'application/octet-stream'], ['js', 'application/octet-stream'],
    ['txt', 'application/octet-stream'], ['log', 'application/octet-stream'], ['tar', 'application/octet-stream'],
    ['key', 'application/octet-stream'], ['manifest', 'application/octet-stream'], ['obj', 'application/octet-stream'],
    ['exp', 'application/octet-stream'], ['ts', 'application/octet-stream'],
    ['dir/json', 'application/octet-stream'], ['a.b/json', 'application/octet-stream'], ['.json', 'application/octet-stream'],
    ['a/.json', 'application/octet-stream'], ['x.', 'application/octet-stream'], ['x.gz', 'application/octet-stream'],
    ['dir/', 'application/octet-stream'],
    ['x.json', 'application/json'], ['x.JSON', 'application/json'], ['.x.json', 'application/json'], ['a.b/x.html', 'text/html'],
    ['x.tar.gz', 'application/x-tar'], ['x.tgz', 'application/x-tar'], ['x.json.gz', 'application/json'], ['x.tar.bz2', 'application/x-tar']
  ]
  for (const [name, type] of cases) {
    t.equal((await exact('PUT', `/guess/${name}`, {}, 'x')).status, 201)
    t.equal((await exact('HEAD', `/guess/${name}`)).headers['content-type'], type, `${name}: ${type}`)
  }
  t.equal((await exact('PUT', '/guess/json', { 'content-type': 'text/plain', 'x-detect-content-type': 'true' }, 'x')).status, 201)
  t.equal((await exact('HEAD', '/guess/json')).headers['content-type'], 'application/octet-stream', 'X-Detect-Content-Type finds none either')
})
