import t from 'tap'
import { connect } from 'node:net'
import { readdir } from 'node:fs/promises'
import { call, startObjectd, ts } from './helpers.js'

/** Sends a raw request line (paths that fetch clients would normalise) and returns the status. */
async function rawStatus (port: number, method: string, path: string, headers = ''): Promise<number> {
  return await new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => {
      sock.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n${headers}\r\n`)
    })
    let data = ''
    sock.on('data', (d: Buffer) => { data += d.toString('latin1') })
    sock.on('end', () => { resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)) })
    sock.on('error', reject)
  })
}

t.test('bad input', async (t) => {
  const od = await startObjectd(t, { devices: ['sda'] })
  const { base, port } = od
  const stamp = `X-Timestamp: ${ts()}\r\n`

  const cases: Array<[string, string]> = [
    ['/sda/1/a/c/%FF%FE', 'invalid UTF-8'],
    ['/sda/1/a/c/%C3', 'truncated UTF-8'],
    ['/sda/1/a/c/%ED%A0%80', 'encoded surrogate'],
    ['/sda/1/a/c/x%00y', 'NUL'],
    ['/..%2F..%2Fetc/1/a/c/o', 'encoded slash in device'],
    ['/../1/a/c/o', 'dot-dot device'],
    ['/sda/1/a%2Fb/c/o', 'encoded slash in account'],
    ['/sda/1/a/c%2F..%2F/o', 'encoded slash in container'],
    ['/sda/x/a/c/o', 'bad partition'],
    ['/sda/99999999999/a/c/o', 'partition out of range'],
    [`/sda/1/a/c/${'o'.repeat(1025)}`, 'object name too long'],
    [`/sda/1/a/${'c'.repeat(257)}`, 'container name too long'],
    [`/sda/1/${'a'.repeat(257)}`, 'account name too long'],
    ['/sda/1/a/c/caf\u00e9', 'raw non-ASCII byte']
  ]
  for (const [path, why] of cases) {
    t.equal(await rawStatus(port, 'PUT', path, stamp), 400, why)
    t.equal(await rawStatus(port, 'GET', path), 400, `${why} (GET)`)
  }
  // Names are opaque, as in Swift: `.` and `..` segments are names like any other, stored and
  // found as sent, never resolved (and, names being hashed, never near the filesystem).
  t.equal(await rawStatus(port, 'PUT', '/sda/1/a/c/../../../etc/passwd', stamp), 201, 'dot-dot segments are a name')
  t.equal(await rawStatus(port, 'GET', '/sda/1/a/c/%2E%2E/%2E%2E/%2E%2E/etc/passwd'), 200, 'the same name, encoded')
  t.equal(await rawStatus(port, 'GET', '/sda/1/a/c/etc/passwd'), 404, 'not resolved to another name')
  t.equal(await rawStatus(port, 'GET', '/sda/1/etc/passwd'), 404, 'nor to another account\'s')
  t.equal(await rawStatus(port, 'PUT', '/sda/1/a/c/x/./y', stamp), 201, 'a dot segment is a name')
  t.equal(await rawStatus(port, 'GET', '/sda/1/a/c/x/y'), 404, 'not x/y')
  t.equal(await rawStatus(port, 'PUT', '/sda/1/a/..', stamp), 201, 'a container named ..')
  t.equal(await rawStatus(port, 'PUT', '/sda/1/a/%2E', stamp), 201, 'a container named .')
  t.equal(await rawStatus(port, 'PUT', '/sda/1/a/../..', stamp), 201, 'an object named .. in it')
  t.equal(await rawStatus(port, 'GET', '/sda/1/a/%2E%2E/%2E%2E'), 200)
  t.equal(await rawStatus(port, 'GET', '/sda/1/a/..'), 204, 'the container is one')
  t.equal((await call(base, 'PUT', `/sda/1/a/c/${'o'.repeat(1024)}`, { 'x-timestamp': ts() }, 'ok')).status, 201, '1024 bytes is fine')
  t.equal((await call(base, 'PUT', `/sda/1/a/c/${'é'.repeat(512)}`, { 'x-timestamp': ts() }, 'ok')).status, 201, '1024 bytes of UTF-8 is fine')
  t.equal((await call(base, 'PUT', `/sda/1/a/c/${'é'.repeat(513)}`, { 'x-timestamp': ts() }, 'no')).status, 400, 'counted in bytes')

  t.equal((await call(base, 'PUT', '/sda/1/a/c/o', {}, 'x')).status, 400, 'missing X-Timestamp')
  t.equal((await call(base, 'PUT', '/sda/1/a/c/o', { 'x-timestamp': 'yesterday' }, 'x')).status, 400, 'malformed X-Timestamp')
  t.equal((await call(base, 'DELETE', '/sda/1/a/c/o', { 'x-timestamp': '-5' })).status, 400)
  t.equal((await call(base, 'PUT', '/sda/1/a/c', {})).status, 400, 'container PUT without timestamp')

  const missing = await call(base, 'PUT', '/sdz/1/a/c/o', { 'x-timestamp': ts() }, 'x')
  t.equal(missing.status, 507, 'missing device')
  t.equal((await call(base, 'GET', '/sdz/1/a/c')).status, 507)
  t.equal((await call(base, 'GET', '/sdz/1?hashes&role=object')).status, 507)

  const policy = await call(base, 'PUT', '/sda/1/a/c/o', { 'x-timestamp': ts(), 'x-backend-storage-policy-index': '7' }, 'x')
  t.equal(policy.status, 503, 'unknown policy')
  t.match(policy.text, /unknown storage policy/)
  t.equal((await call(base, 'GET', '/sda/1/a/c/o', { 'x-backend-storage-policy-index': 'x' })).status, 400)
  t.equal((await call(base, 'PUT', '/sda/1/a/c/o', { 'x-timestamp': ts(), 'x-container-host': 'nonsense', 'x-container-device': 'sda', 'x-container-partition': '1' }, 'x')).status, 400)
  t.equal((await call(base, 'PUT', '/sda/1/a/c/o', { 'x-timestamp': ts(), 'x-container-host': '127.0.0.1:1,127.0.0.1:2', 'x-container-device': 'sda', 'x-container-partition': '1' }, 'x')).status, 400, 'hosts and devices disagree')
  t.equal((await call(base, 'PATCH', '/sda/1/a/c', {}, 'not json')).status, 400)
  t.equal((await call(base, 'GET', '/sda/1/a/c?format=yaml')).status, 400)
  t.equal((await call(base, 'COPY', '/sda/1/a/c/o')).status, 405)
  t.equal((await call(base, 'GET', '/sda/1?hashes&role=nope')).status, 400)

  // Nothing was created outside the device, and the process is still healthy.
  t.same((await readdir(od.devicesDir)).filter((n) => !n.startsWith('.recon')), ['sda'])
  t.equal((await call(base, 'GET', '/healthcheck')).text, 'OK')
})
