import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { until } from '../helpers/until.js'
import { call, startObjectd, ts } from './helpers.js'
import { FooterWriter } from '../../src/common/body-footer.js'

const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex')

t.test('objects', async (t) => {
  const od = await startObjectd(t)
  const { base } = od
  const obj = '/sda/7/AUTH_a/c/o'

  t.test('PUT, GET, HEAD, POST, DELETE of an inline object', async (t) => {
    const put = await call(base, 'PUT', obj, { 'x-timestamp': ts(), 'content-type': 'text/plain', 'x-object-meta-color': 'blue', 'content-encoding': 'gzip', 'x-object-sysmeta-s': 'keep' }, 'hello world')
    t.equal(put.status, 201)
    t.equal(put.headers.etag, md5('hello world'))
    const get = await call(base, 'GET', obj)
    t.equal(get.status, 200)
    t.equal(get.text, 'hello world')
    t.equal(get.headers['content-type'], 'text/plain')
    t.equal(get.headers['x-object-meta-color'], 'blue')
    t.equal(get.headers['content-encoding'], 'gzip')
    t.equal(get.headers['content-length'], '11')
    t.match(get.headers['x-timestamp'], /^\d{10}\.\d{5}$/)
    t.ok(get.headers['last-modified'])
    const head = await call(base, 'HEAD', obj)
    t.equal(head.status, 200)
    t.equal(head.headers['content-length'], '11')
    t.equal(head.body.length, 0)

    const postTs = ts()
    const post = await call(base, 'POST', obj, { 'x-timestamp': postTs, 'x-object-meta-size': 'big' })
    t.equal(post.status, 202)
    const after = await call(base, 'HEAD', obj)
    t.equal(after.headers['x-object-meta-size'], 'big')
    t.notOk(after.headers['x-object-meta-color'], 'POST replaces user metadata')
    t.notOk(after.headers['content-encoding'], 'POST replaces user-settable headers')
    t.equal(after.headers['x-object-sysmeta-s'], 'keep', 'sysmeta kept')
    t.equal(after.headers['content-type'], 'text/plain', 'content type kept')
    t.equal(after.headers['x-backend-meta-timestamp'], postTs)
    t.equal(after.headers.etag, md5('hello world'))
    t.equal((await call(base, 'GET', obj)).text, 'hello world', 'content kept by POST')

    const older = await call(base, 'POST', obj, { 'x-timestamp': '1600000000.00000', 'x-object-meta-x': 'y' })
    t.equal(older.status, 409)
    const del = await call(base, 'DELETE', obj, { 'x-timestamp': ts() })
    t.equal(del.status, 204)
    const gone = await call(base, 'GET', obj)
    t.equal(gone.status, 404)
    t.match(gone.headers['x-backend-timestamp'], /^\d{10}\.\d{5}$/)
    t.equal((await call(base, 'DELETE', obj, { 'x-timestamp': ts() })).status, 404, 'delete of a tombstone is 404')
    t.equal((await call(base, 'POST', obj, { 'x-timestamp': ts() })).status, 404, 'POST on a deleted object')
  })

  t.test('older writes are 409 and change nothing', async (t) => {
    const name = '/sda/7/AUTH_a/c/ordered'
    const t1 = ts()
    const t2 = ts()
    t.equal((await call(base, 'PUT', name, { 'x-timestamp': t2 }, 'new')).status, 201)
    const late = await call(base, 'PUT', name, { 'x-timestamp': t1 }, 'old')
    t.equal(late.status, 409)
    t.equal(late.headers['x-backend-timestamp'], t2)
    t.equal((await call(base, 'PUT', name, { 'x-timestamp': t2 }, 'same')).status, 409, 'same timestamp is 409')
    t.equal((await call(base, 'DELETE', name, { 'x-timestamp': t1 })).status, 409)
    t.equal((await call(base, 'GET', name)).text, 'new')
  })

  t.test('a DELETE unless-manifest keeps a live manifest and deletes anything else', async (t) => {
    const unless = { 'x-backend-unless-manifest': 'true' }
    const manifest = '/sda/7/AUTH_a/c/manifest'
    t.equal((await call(base, 'PUT', manifest, { 'x-timestamp': ts(), 'x-static-large-object': 'True' }, '[]')).status, 201)
    const refused = await call(base, 'DELETE', manifest, { ...unless, 'x-timestamp': ts() })
    t.equal(refused.status, 412)
    t.equal(refused.headers['x-backend-manifest'], 'true')
    t.equal((await call(base, 'GET', manifest)).text, '[]', 'the manifest is still there')
    t.equal((await call(base, 'DELETE', manifest, { 'x-timestamp': ts() })).status, 204, 'a plain DELETE removes it')

    const plain = '/sda/7/AUTH_a/c/plain'
    t.equal((await call(base, 'PUT', plain, { 'x-timestamp': ts() }, 'data')).status, 201)
    const deleted = await call(base, 'DELETE', plain, { ...unless, 'x-timestamp': ts() })
    t.equal(deleted.status, 204)
    t.notOk(deleted.headers['x-backend-manifest'])
    t.equal((await call(base, 'GET', plain)).status, 404)
    t.equal((await call(base, 'DELETE', plain, { ...unless, 'x-timestamp': ts() })).status, 404, 'over a tombstone')

    const expired = '/sda/7/AUTH_a/c/expired-manifest'
    const past = String(Math.floor(Date.now() / 1000) - 10)
    t.equal((await call(base, 'PUT', expired, { 'x-timestamp': ts(), 'x-static-large-object': 'yes', 'x-delete-at': past }, '[]')).status, 201)
    t.equal((await call(base, 'DELETE', expired, { ...unless, 'x-timestamp': ts() })).status, 404, 'an expired manifest is not kept')
  })

  t.test('large objects go to a data file; overwrite removes the old one', async (t) => {
    const name = '/sda/7/AUTH_a/c/large'
    const data = randomBytes(300 * 1024)
    const put = await call(base, 'PUT', name, { 'x-timestamp': ts(), 'content-length': String(data.length) }, data)
    t.equal(put.status, 201)
    t.equal(put.headers.etag, md5(data))
    const get = await call(base, 'GET', name)
    t.ok(get.body.equals(data), 'same bytes back')
    const files = async (): Promise<string[]> => {
      const out: string[] = []
      const walk = async (dir: string): Promise<void> => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          if (e.isDirectory()) await walk(join(dir, e.name))
          else out.push(e.name)
        }
      }
      await walk(join(od.devicesDir, 'sda', 'objects'))
      return out
    }
    const before = (await files()).filter((f) => f.includes('-'))
    const data2 = randomBytes(200 * 1024)
    t.equal((await call(base, 'PUT', name, { 'x-timestamp': ts() }, data2)).status, 201)
    t.ok((await call(base, 'GET', name)).body.equals(data2))
    const after = await files()
    t.ok(before.every((f) => !after.includes(f)), 'old data file removed')
    t.equal((await call(base, 'DELETE', name, { 'x-timestamp': ts() })).status, 204)
    t.same((await files()).filter((f) => f.startsWith(after[0].slice(0, 16))), [], 'data file removed on delete')
  })

  t.test('chunked body growing past the inline size', async (t) => {
    const name = '/sda/7/AUTH_a/c/chunked'
    const data = randomBytes(5000)
    // A stream body without a length goes out chunked.
    const res = await call(base, 'PUT', name, { 'x-timestamp': ts() }, Readable.from([data.subarray(0, 700), data.subarray(700)]))
    t.equal(res.status, 201)
    t.equal(res.headers.etag, md5(data))
    t.ok((await call(base, 'GET', name)).body.equals(data))
  })

  t.test('ETag mismatch is 422 and nothing is kept', async (t) => {
    const name = '/sda/7/AUTH_a/c/etag'
    t.equal((await call(base, 'PUT', name, { 'x-timestamp': ts(), etag: md5('other') }, 'body')).status, 422)
    t.equal((await call(base, 'GET', name)).status, 404)
    t.equal((await call(base, 'PUT', name, { 'x-timestamp': ts(), etag: `"${md5('body')}"` }, 'body')).status, 201)
    const big = randomBytes(10000)
    t.equal((await call(base, 'PUT', '/sda/7/AUTH_a/c/etag-big', { 'x-timestamp': ts(), etag: md5('x') }, big)).status, 422)
    t.same(await readdir(join(od.devicesDir, 'sda', 'tmp')), [], 'temp file removed')
  })

  t.test('a body with a proxy\'s footer: checked against it, stored without it, its MD5 taken from it', async (t) => {
    const footered = { 'x-backend-body-footer': 'md5-crc32' }
    const withFooter = (body: Buffer): Buffer => {
      const writer = new FooterWriter()
      writer.update(body)
      return Buffer.concat([body, writer.footer()])
    }
    const small = Buffer.from('small body')
    const put = await call(base, 'PUT', '/sda/7/AUTH_a/c/footer-small', { 'x-timestamp': ts(), ...footered }, withFooter(small))
    t.equal(put.status, 201)
    t.equal(put.headers.etag, md5(small))
    const get = await call(base, 'GET', '/sda/7/AUTH_a/c/footer-small')
    t.ok(get.body.equals(small), 'the footer is not stored')
    t.equal(get.headers['content-length'], String(small.length))

    // Chunked, past the inline size, with the footer split over three chunks.
    const large = randomBytes(200 * 1024)
    const sent = withFooter(large)
    const cuts = [0, 1000, sent.length - 30, sent.length - 10, sent.length]
    const chunks = cuts.slice(1).map((end, i) => sent.subarray(cuts[i], end))
    const chunked = await call(base, 'PUT', '/sda/7/AUTH_a/c/footer-large', { 'x-timestamp': ts(), ...footered }, Readable.from(chunks))
    t.equal(chunked.status, 201)
    t.equal(chunked.headers.etag, md5(large))
    t.ok((await call(base, 'GET', '/sda/7/AUTH_a/c/footer-large')).body.equals(large))

    const damaged = withFooter(large)
    damaged[5000] ^= 1
    const refused = await call(base, 'PUT', '/sda/7/AUTH_a/c/footer-damaged', { 'x-timestamp': ts(), ...footered }, damaged)
    t.equal(refused.status, 400, 'a body that differs from what the proxy hashed')
    t.match(refused.text, /damaged/)
    t.equal((await call(base, 'GET', '/sda/7/AUTH_a/c/footer-damaged')).status, 404, 'nothing kept')
    t.same(await readdir(join(od.devicesDir, 'sda', 'tmp')), [], 'temp file removed')

    const mismatch = await call(base, 'PUT', '/sda/7/AUTH_a/c/footer-etag', { 'x-timestamp': ts(), etag: md5('other'), ...footered }, withFooter(small))
    t.equal(mismatch.status, 422, 'a client\'s ETag is checked against the footer\'s MD5')
    t.equal((await call(base, 'PUT', '/sda/7/AUTH_a/c/footer-none', { 'x-timestamp': ts(), ...footered }, small)).status, 400, 'no footer')
    t.equal((await call(base, 'PUT', '/sda/7/AUTH_a/c/footer-none', { 'x-timestamp': ts(), ...footered }, Buffer.concat([small, Buffer.alloc(40, 'z')]))).status, 400, 'not hex')
    t.equal((await call(base, 'PUT', '/sda/7/AUTH_a/c/footer-none', { 'x-timestamp': ts(), 'x-backend-body-footer': 'sha1' }, withFooter(small))).status, 400, 'unknown format')
    t.equal((await call(base, 'GET', '/sda/7/AUTH_a/c/footer-none')).status, 404)
  })

  t.test('a body shorter than Content-Length keeps nothing', async (t) => {
    const name = '/sda/7/AUTH_a/c/short'
    for (const size of [100, 5000]) {
      await new Promise<void>((resolve) => {
        const sock = connect(od.port, '127.0.0.1', () => {
          sock.write(`PUT ${name} HTTP/1.1\r\nHost: x\r\nX-Timestamp: ${ts()}\r\nContent-Length: ${size}\r\n\r\n`)
          sock.write(Buffer.alloc(size / 2, 1))
          setTimeout(() => { sock.destroy(); resolve() }, 100)
        })
      })
    }
    t.equal((await call(base, 'GET', name)).status, 404)
    // The node notices the closed connection on its own time: allow it a few seconds.
    const left = await until('the temp file removed', async () => {
      const files = await readdir(join(od.devicesDir, 'sda', 'tmp'))
      return files.length === 0 ? files : undefined
    }, 5000)
    t.same(left, [], 'temp file removed')
  })

  t.test('ranges', async (t) => {
    for (const [label, body] of [['inline', Buffer.from('0123456789')], ['file', Buffer.concat([Buffer.from('0123456789'), randomBytes(4000)])]] as const) {
      const name = `/sda/7/AUTH_a/c/range-${label}`
      await call(base, 'PUT', name, { 'x-timestamp': ts(), 'content-type': 'text/x' }, body)
      const one = await call(base, 'GET', name, { range: 'bytes=2-4' })
      t.equal(one.status, 206)
      t.equal(one.text, '234')
      t.equal(one.headers['content-range'], `bytes 2-4/${body.length}`)
      const suffix = await call(base, 'GET', name, { range: 'bytes=-3' })
      t.ok(suffix.body.equals(body.subarray(-3)))
      const open = await call(base, 'GET', name, { range: 'bytes=7-' })
      t.ok(open.body.equals(body.subarray(7)))
      const multi = await call(base, 'GET', name, { range: 'bytes=0-1,5-6' })
      t.equal(multi.status, 206)
      const boundary = /boundary=(\w+)/.exec(multi.headers['content-type'])?.[1] ?? ''
      t.match(multi.headers['content-type'], /^multipart\/byteranges/)
      t.equal(multi.text, `--${boundary}\r\nContent-Type: text/x\r\nContent-Range: bytes 0-1/${body.length}\r\n\r\n01\r\n` +
        `--${boundary}\r\nContent-Type: text/x\r\nContent-Range: bytes 5-6/${body.length}\r\n\r\n56\r\n--${boundary}--`)
      t.equal(Number(multi.headers['content-length']), multi.body.length)
      const bad = await call(base, 'GET', name, { range: `bytes=${body.length + 10}-` })
      t.equal(bad.status, 416)
      t.equal(bad.headers['content-range'], `bytes */${body.length}`)
      t.equal((await call(base, 'GET', name, { range: 'bytes=x' })).status, 200, 'malformed range ignored')
    }
  })

  t.test('conditional requests', async (t) => {
    const name = '/sda/7/AUTH_a/c/cond'
    const put = await call(base, 'PUT', name, { 'x-timestamp': '1700000100.00000' }, 'cond')
    const etag = put.headers.etag
    t.equal((await call(base, 'GET', name, { 'if-match': `"${etag}"` })).status, 200)
    t.equal((await call(base, 'GET', name, { 'if-match': '"nope"' })).status, 412)
    t.equal((await call(base, 'GET', name, { 'if-match': '*' })).status, 200)
    t.equal((await call(base, 'GET', name, { 'if-none-match': etag })).status, 304)
    t.equal((await call(base, 'HEAD', name, { 'if-none-match': '*' })).status, 304)
    t.equal((await call(base, 'GET', name, { 'if-none-match': '"nope"' })).status, 200)
    const lm = new Date(1700000100 * 1000).toUTCString()
    const before = new Date(1700000000 * 1000).toUTCString()
    t.equal((await call(base, 'GET', name, { 'if-modified-since': lm })).status, 304)
    t.equal((await call(base, 'GET', name, { 'if-modified-since': before })).status, 200)
    t.equal((await call(base, 'GET', name, { 'if-unmodified-since': before })).status, 412)
    t.equal((await call(base, 'GET', name, { 'if-unmodified-since': lm })).status, 200)
    t.equal((await call(base, 'GET', name, { 'if-none-match': '"nope"', 'if-modified-since': lm })).status, 304,
      'as in Swift, If-Modified-Since is judged even beside an If-None-Match that does not match')
  })

  t.test('X-Delete-At: an expired object reads as 404', async (t) => {
    const name = '/sda/7/AUTH_a/c/expiring'
    const at = Math.floor(Date.now() / 1000) + 3
    t.equal((await call(base, 'PUT', name, { 'x-timestamp': ts(), 'x-delete-at': String(at) }, 'soon gone')).status, 201)
    const live = await call(base, 'GET', name)
    t.equal(live.status, 200)
    t.equal(live.headers['x-delete-at'], String(at))
    await new Promise((resolve) => setTimeout(resolve, (at + 1) * 1000 - Date.now()))
    t.equal((await call(base, 'GET', name)).status, 404)
    t.equal((await call(base, 'POST', name, { 'x-timestamp': ts() })).status, 404)
    t.equal((await call(base, 'PUT', name, { 'x-timestamp': ts(), 'x-delete-at': 'soon' }, 'x')).status, 400)
  })

  t.test('16 concurrent writers of one name: the newest timestamp wins every time', async (t) => {
    for (let round = 0; round < 5; round++) {
      const name = `/sda/7/AUTH_a/c/race-${round}`
      const stamps = Array.from({ length: 16 }, () => ts())
      const order = stamps.map((s, i) => ({ s, i, k: Math.random() })).sort((a, b) => a.k - b.k)
      const results = await Promise.all(order.map(async ({ s, i }) => {
        const body = i % 2 === 0 ? `writer-${i}` : Buffer.alloc(2000 + i, i)
        return (await call(base, 'PUT', name, { 'x-timestamp': s }, body)).status
      }))
      t.ok(results.every((r) => r === 201 || r === 409), 'each writer gets 201 or 409')
      const get = await call(base, 'GET', name)
      t.equal(get.headers['x-timestamp'], stamps[15], `round ${round}: newest wins`)
      t.ok(get.body.equals(Buffer.alloc(2015, 15)), 'with its body')
    }
  })
})
