// FormPost against a real cluster: a signed form stores its files (with redirect and without),
// and forged or expired signatures, too many or too large files are refused.
import t from 'tap'
import { createHmac } from 'node:crypto'
import { swiftClient } from './client.js'

const swift = await swiftClient(t)
const account = new URL(swift.storageUrl).pathname.split('/')[2]
const KEY = 'formkey'

interface FormFields { redirect?: string, maxFileSize?: number, maxFileCount?: number, expires?: number, key?: string, path?: string }

function form (f: FormFields, files: Array<[string, string]>): FormData {
  const path = f.path ?? `/v1/${account}/fp/up_`
  const redirect = f.redirect ?? ''
  const maxFileSize = String(f.maxFileSize ?? 1024)
  const maxFileCount = String(f.maxFileCount ?? 5)
  const expires = String(f.expires ?? Math.floor(Date.now() / 1000) + 600)
  const signature = createHmac('sha256', f.key ?? KEY).update([path, redirect, maxFileSize, maxFileCount, expires].join('\n')).digest('hex')
  const data = new FormData()
  data.set('redirect', redirect)
  data.set('max_file_size', maxFileSize)
  data.set('max_file_count', maxFileCount)
  data.set('expires', expires)
  data.set('signature', signature)
  files.forEach(([name, content], i) => { data.append(`file${i}`, new Blob([content], { type: 'text/plain' }), name) })
  return data
}

async function post (data: FormData, path = '/fp/up_'): Promise<Response> {
  return await fetch(`${swift.storageUrl}${path}`, { method: 'POST', body: data, redirect: 'manual' })
}

t.before(async () => {
  t.equal((await swift.call('POST', '', { headers: { 'x-account-meta-temp-url-key': KEY } })).status, 204)
  t.equal((await swift.call('PUT', '/fp')).status, 201)
})

t.test('a signed form stores its files; with a redirect it answers 303', async (t) => {
  const res = await post(form({}, [['a.txt', 'alpha'], ['b.txt', 'bravo']]))
  t.equal(res.status, 201)
  t.match(await res.text(), /^201 Created/)
  t.equal((await swift.call('GET', '/fp/up_a.txt')).text, 'alpha')
  t.equal((await swift.call('GET', '/fp/up_b.txt')).text, 'bravo')
  const redirected = await post(form({ redirect: 'https://example.com/done' }, [['c.txt', 'charlie']]))
  t.equal(redirected.status, 303)
  t.equal(redirected.headers.get('location'), 'https://example.com/done?status=201&message=')
  t.equal((await swift.call('GET', '/fp/up_c.txt')).text, 'charlie')
})

t.test('refusals', async (t) => {
  const forged = await post(form({ key: 'not-the-key' }, [['x.txt', 'x']]))
  t.equal(forged.status, 401)
  t.match(await forged.text(), /FormPost: invalid signature/)
  const expired = await post(form({ expires: Math.floor(Date.now() / 1000) - 5 }, [['x.txt', 'x']]))
  t.equal(expired.status, 401)
  t.match(await expired.text(), /form expired/)
  const otherPath = await post(form({}, [['x.txt', 'x']]), '/fp/other_')
  t.equal(otherPath.status, 401, 'signed for another prefix')
  const tooMany = await post(form({ maxFileCount: 1 }, [['m1.txt', '1'], ['m2.txt', '2']]))
  t.equal(tooMany.status, 400)
  t.match(await tooMany.text(), /max file count exceeded/)
  const tooBig = await post(form({ maxFileSize: 4 }, [['big.txt', 'more than four bytes']]))
  t.equal(tooBig.status, 400)
  t.match(await tooBig.text(), /max_file_size exceeded/)
  t.equal((await swift.call('GET', '/fp/up_big.txt')).status, 404, 'the oversized file was not stored')
  t.equal((await swift.call('GET', '/fp/up_x.txt')).status, 404, 'nothing stored by refused forms')
  const none = await post(form({}, []))
  t.equal(none.status, 400)
  t.match(await none.text(), /no files to process/)
})

t.test('a file that replaces an object in a versioned container keeps the old one', async (t) => {
  t.equal((await swift.call('PUT', '/fp-archive')).status, 201)
  t.equal((await swift.call('PUT', '/fp-versioned', { headers: { 'x-history-location': 'fp-archive' } })).status, 201)
  t.equal((await swift.call('PUT', '/fp-versioned/doc.txt', { body: 'first' })).status, 201)
  const path = `/v1/${account}/fp-versioned/`
  t.equal((await post(form({ path }, [['doc.txt', 'second']]), '/fp-versioned/')).status, 201)
  t.equal((await swift.call('GET', '/fp-versioned/doc.txt')).text, 'second')
  const archived = (await swift.call('GET', '/fp-archive?format=json')).text
  const names = (JSON.parse(archived) as Array<{ name: string }>).map((e) => e.name)
  t.equal(names.length, 1, 'the replaced version is in the archive')
  t.equal((await swift.call('GET', `/fp-archive/${encodeURIComponent(names[0])}`)).text, 'first')
})
