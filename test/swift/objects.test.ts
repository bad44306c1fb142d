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

interface ExactAnswer { status: number, headers: Record<string, string | string[] | undefined>, text: string }

/**
 * A request whose path goes on the wire exactly as written (fetch and `new URL` resolve `.` and
 * `..` segments, `%2E%2E` too); `path` is appended to the storage URL's path, or replaces it when
 * it starts with `/v1`.
 */
async function exact (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<ExactAnswer> {
  const base = new URL(storageUrl)
  const full = path.startsWith('/v1') ? path : `${base.pathname}${path}`
  return await new Promise((resolve, reject) => {
    const r = request({
      host: base.hostname,
      port: base.port,
      method,
      path: full,
      headers: { ...auth, ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, text }) })
    })
    r.on('error', reject)
    r.end(body)
  })
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
