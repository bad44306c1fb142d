import t from 'tap'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { connect } from 'node:net'
import { startCluster } from '../helpers/cluster.js'

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
