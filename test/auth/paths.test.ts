/**
 * Path tricks never reach another account: encoded slashes, `..`, double slashes, Unicode
 * look-alikes, case and NUL in account names, sent byte for byte (no client-side normalisation).
 */
import t from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { as, callers, rawRequest } from './helpers.js'

const cluster = await startCluster(t, { overrides: { auth: { failed_auth_burst: 10000 } } })
const { owner, other } = await callers(cluster)
const SECRET = 'only for AUTH_test'

t.before(async () => {
  // Assertions at the top level would let tap end the root test (and stop the cluster) early.
  for (const [path, body] of [['/private', undefined], ['/private/o', SECRET]]) {
    const res = await as(owner, 'PUT', `${owner.storageUrl ?? ''}${path ?? ''}`, {}, body)
    if (res.status !== 201) throw new Error(`setting up ${path ?? ''}: ${res.status}`)
  }
})

const TRICKS = [
  '/v1/AUTH_test2/../AUTH_test/private/o',
  '/v1/AUTH_test2/%2e%2e/AUTH_test/private/o',
  '/v1/AUTH_test2%2F..%2FAUTH_test/private/o',
  '/v1/AUTH_test2%2f..%2f..%2fv1%2fAUTH_test/private/o',
  '/v1/AUTH_test2/..%2FAUTH_test%2Fprivate/o',
  '/v1//AUTH_test/private/o',
  '/v1/AUTH_test2//AUTH_test/private/o',
  '/v1/AUTH_test2/%2FAUTH_test/private/o',
  '/v1/./AUTH_test/private/o',
  `/v1/${encodeURIComponent('AUTH_tеst')}/private/o`, // Cyrillic е
  `/v1/${encodeURIComponent('ＡＵＴＨ_test')}/private/o`, // fullwidth
  `/v1/${encodeURIComponent('AUTH_test\u200b')}/private/o`, // zero-width space
  '/v1/auth_test/private/o',
  '/v1/AUTH_test%00/private/o',
  '/v1/AUTH_TEST/private/o',
  '/v1/AUTH_test2%23/../AUTH_test/private/o'
]

t.test('another account\'s token never reads AUTH_test through a trick', async (t) => {
  for (const path of TRICKS) {
    const res = await rawRequest(cluster.url, 'GET', path, { 'x-auth-token': other.token ?? '' })
    t.ok(res.status >= 400, `${path} -> ${res.status}`)
    t.notMatch(res.text, SECRET, `${path} leaks nothing`)
  }
})

t.test('anonymous callers get nothing either', async (t) => {
  for (const path of TRICKS) {
    const res = await rawRequest(cluster.url, 'GET', path, {})
    t.ok(res.status >= 400, `${path} -> ${res.status}`)
    t.notMatch(res.text, SECRET)
  }
})

t.test('look-alike accounts are not the owner\'s either', async (t) => {
  for (const name of ['AUTH_tеst', 'AUTH_test\u200b', 'AUTH_TEST', 'AUTH_test ']) {
    const res = await rawRequest(cluster.url, 'PUT', `/v1/${encodeURIComponent(name)}/c`, { 'x-auth-token': owner.token ?? '' })
    t.equal(res.status, 403, `the owner of AUTH_test does not own ${JSON.stringify(name)}`)
  }
})

t.test('writes through tricks do not land in AUTH_test', async (t) => {
  for (const path of ['/v1/AUTH_test2/../AUTH_test/private/planted', '/v1/AUTH_test2%2F..%2FAUTH_test/private/planted']) {
    const res = await rawRequest(cluster.url, 'PUT', path, { 'x-auth-token': other.token ?? '', 'content-length': '0' })
    t.not(res.status, 201, `${path} -> ${res.status}`)
  }
  t.equal((await as(owner, 'GET', `${owner.storageUrl ?? ''}/private/planted`)).status, 404)
})
