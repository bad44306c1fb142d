/**
 * tempauth tokens against a real cluster: shared by every proxy with the same secret, expiring,
 * revocable, refused when forged or malformed without a hint; failed attempts rate-limited per
 * client address; and the audit line every request leaves.
 */
import t from 'tap'
import { issueToken } from '../../src/auth/index.js'
import { startCluster } from '../helpers/cluster.js'
import { until } from '../helpers/until.js'
import { as, type Caller } from './helpers.js'

const cluster = await startCluster(t, { overrides: { proxy: { info_cache_ttl: 1 }, auth: { failed_auth_burst: 10000 } } })
const second = await cluster.addProxy()
const shortLived = await cluster.addProxy({ auth: { token_life: 4 } })
// One try earned back per 4 s: the blocked requests below are made well within it.
const strict = await cluster.addProxy({ auth: { failed_auth_burst: 3, failed_auth_per_second: 0.25 } })

async function login (base: string, user = 'test:tester', key = 'testing'): Promise<Response> {
  return await fetch(`${base}/auth/v1.0`, { headers: { 'x-auth-user': user, 'x-auth-key': key } })
}

async function tokenFrom (base: string, user?: string, key?: string): Promise<Caller> {
  const res = await login(base, user, key)
  t.equal(res.status, 200, `login at ${base}`)
  return { name: 'test:tester', token: res.headers.get('x-auth-token') ?? '', storageUrl: res.headers.get('x-storage-url') ?? '' }
}

const account = (base: string): string => `${base}/v1/AUTH_test`

t.test('a token from one proxy is honoured by another with the same secret', async (t) => {
  const fromFirst = await tokenFrom(cluster.url)
  const fromSecond = await tokenFrom(second.url)
  t.equal((await as(fromFirst, 'PUT', `${account(second.url)}/shared`)).status, 201)
  t.equal((await as(fromSecond, 'GET', `${account(cluster.url)}/shared`)).status, 204)
  t.equal((await as(fromFirst, 'GET', `${account(second.url)}/shared`)).status, 204)
  t.not(fromFirst.token, fromSecond.token, 'every login gets a fresh token')
})

t.test('a 401 carries Swift\'s challenge, and /auth/v1.0 takes no POST', async (t) => {
  const anonymous = await fetch(`${account(cluster.url)}/shared`)
  t.same([anonymous.status, anonymous.headers.get('www-authenticate')], [401, 'Swift realm="AUTH_test"'])
  const badKey = await login(cluster.url, 'test:tester', 'wrong')
  t.same([badKey.status, badKey.headers.get('www-authenticate')], [401, 'Swift realm="unknown"'])
  const post = await fetch(`${cluster.url}/auth/v1.0`, { method: 'POST', headers: { 'x-auth-user': 'test:tester', 'x-auth-key': 'testing' } })
  t.equal(post.status, 405)
})

t.test('tokens expire', async (t) => {
  const res = await login(shortLived.url)
  // The expiry is a whole second, so 3 to 4 seconds are left: the HEADs below have at least 3.
  t.ok(['3', '4'].includes(res.headers.get('x-auth-token-expires') ?? ''), 'X-Auth-Token-Expires')
  const caller: Caller = { name: 'short-lived', token: res.headers.get('x-auth-token') ?? '' }
  // Used on every proxy first, so each has it among its verified tokens: expiry still applies.
  t.equal((await as(caller, 'HEAD', account(cluster.url))).status, 204, 'valid on another proxy before expiry')
  t.equal((await as(caller, 'HEAD', account(second.url))).status, 204)
  t.equal((await as(caller, 'HEAD', account(shortLived.url))).status, 204)
  await new Promise((resolve) => setTimeout(resolve, 4100))
  for (const base of [cluster.url, shortLived.url, second.url]) {
    const after = await as(caller, 'HEAD', account(base))
    t.equal(after.status, 401, `expired at ${base}`)
  }
})

t.test('forged, malformed and foreign tokens: 401 with no hint', async (t) => {
  const good = await tokenFrom(cluster.url)
  const [payload, signature] = (good.token ?? '').slice('AUTH_tk'.length).split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
  const asAdmin = Buffer.from(JSON.stringify({ ...claims, u: 'admin:admin' })).toString('base64url')
  const alter = (at: number): string => signature.slice(0, at) + (signature[at] === 'A' ? 'B' : 'A') + signature.slice(at + 1)
  const bad = {
    'claims changed, signature kept': `AUTH_tk${asAdmin}.${signature}`,
    'signature altered': `AUTH_tk${payload}.${alter(signature.length - 2)}`,
    'last signature character altered': `AUTH_tk${payload}.${alter(signature.length - 1)}`,
    'stray character in the signature': `AUTH_tk${payload}.${signature.slice(0, 10)}!${signature.slice(10)}`,
    'signed with another secret': issueToken('some-other-cluster-secret', 'test:tester', 3600).token,
    'no signature': `AUTH_tk${payload}`,
    garbage: 'AUTH_tk!!!',
    'not a token at all': 'hello',
    'very long': 'AUTH_tk' + 'a'.repeat(5000)
  }
  const bodies = new Set<string>()
  for (const [what, token] of Object.entries(bad)) {
    const res = await as({ name: what, token }, 'GET', account(cluster.url))
    t.equal(res.status, 401, what)
    bodies.add(res.text)
  }
  t.same([...bodies], ['Unauthorized'], 'every refusal reads the same')
})

t.test('revoked tokens: DELETE /auth/v1.0 logs a user out on every proxy', async (t) => {
  const first = await tokenFrom(cluster.url, 'test2:tester2', 'testing2')
  const other = await tokenFrom(second.url, 'test2:tester2', 'testing2')
  const bystander = await tokenFrom(cluster.url)
  const url2 = `${cluster.url}/v1/AUTH_test2`
  t.equal((await as(first, 'HEAD', url2)).status, 204)
  t.equal((await as(other, 'HEAD', `${second.url}/v1/AUTH_test2`)).status, 204, 'verified (and remembered) by the other proxy')
  const revoke = await fetch(`${cluster.url}/auth/v1.0`, { method: 'DELETE', headers: { 'x-auth-token': first.token ?? '' } })
  t.equal(revoke.status, 204)
  t.equal((await as(first, 'HEAD', url2)).status, 401, 'the revoking token is dead')
  t.equal((await as(other, 'HEAD', url2)).status, 401, 'so is every earlier token of the user, on the proxy that revoked')
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal((await as(other, 'HEAD', `${second.url}/v1/AUTH_test2`)).status, 401, 'and on the other proxy after its info cache time')
  t.equal((await as(bystander, 'HEAD', account(second.url))).status, 204, 'other users keep their tokens')
  const fresh = await tokenFrom(second.url, 'test2:tester2', 'testing2')
  t.equal((await as(fresh, 'HEAD', `${cluster.url}/v1/AUTH_test2`)).status, 204, 'a new login works')
  const noToken = await fetch(`${cluster.url}/auth/v1.0`, { method: 'DELETE' })
  t.equal(noToken.status, 401)
})

t.test('a token of one account never reaches another', async (t) => {
  const owner = await tokenFrom(cluster.url)
  t.equal((await as(owner, 'GET', `${cluster.url}/v1/AUTH_test2`)).status, 403)
  t.equal((await as(owner, 'PUT', `${cluster.url}/v1/AUTH_test2/mine`)).status, 403)
  t.equal((await as(owner, 'POST', `${cluster.url}/v1/AUTH_test2`, { 'x-account-meta-x': 'y' })).status, 403)
})

t.test('failed authentications are rate-limited per client address', async (t) => {
  for (let i = 0; i < 3; i++) t.equal((await login(strict.url, 'test:tester', `guess-${i}`)).status, 401, `bad guess ${i + 1}`)
  const blocked = await login(strict.url, 'test:tester', 'testing')
  t.equal(blocked.status, 429, 'even the right key is refused while blocked')
  t.ok(Number(blocked.headers.get('retry-after')) >= 1, 'with Retry-After')
  t.equal((await as({ name: 'forged', token: 'AUTH_tkx.y' }, 'GET', account(strict.url))).status, 429, 'tokens too')
  t.equal((await fetch(`${strict.url}/healthcheck`)).status, 200, 'requests without credentials are not limited')
  t.equal((await login(cluster.url)).status, 200, 'the limit is per proxy process and per address')
  await new Promise((resolve) => setTimeout(resolve, 4100))
  t.equal((await login(strict.url)).status, 200, 'a try is earned back per refill')
})

t.test('every request leaves one audit line; failures carry a reason and no secret', async (t) => {
  const caller = await tokenFrom(cluster.url)
  const put = await as(caller, 'PUT', `${account(cluster.url)}/shared/audited?secret-query=1`, {}, 'twelve bytes')
  const get = await as(caller, 'GET', `${account(cluster.url)}/shared/audited`)
  const wrongKey = 'not-the-key-9f8e7d'
  const failed = await login(cluster.url, 'test:tester', wrongKey)
  t.equal(failed.status, 401)
  const auditLines = (): Array<Record<string, unknown>> =>
    cluster.proxy.output().split('\n').filter((l) => l.includes('"log":"audit"')).map((l) => JSON.parse(l) as Record<string, unknown>)
  // The proxy writes its log lines in batches, at least once a second.
  const lines = await until('the audit lines of the three requests', () => {
    const all = auditLines()
    return [put, get, failed].every((res) => all.some((l) => l.trans_id === res.headers.get('x-trans-id'))) ? all : undefined
  }, 5000)
  const byTx = (tx: string | null): Array<Record<string, unknown>> => lines.filter((l) => l.trans_id === tx)
  const putLines = byTx(put.headers.get('x-trans-id'))
  t.equal(putLines.length, 1, 'exactly one line for the PUT')
  t.match(putLines[0], {
    time: Number,
    trans_id: String,
    client_ip: '127.0.0.1',
    user: 'test:tester',
    account: 'AUTH_test',
    method: 'PUT',
    path: '/v1/AUTH_test/shared/audited',
    status: 201,
    bytes_in: 12,
    api: 'swift',
    duration_ms: Number
  })
  t.match(byTx(get.headers.get('x-trans-id'))[0], { method: 'GET', status: 200, bytes_out: 12, bytes_in: 0 })
  const failure = byTx(failed.headers.get('x-trans-id'))[0]
  t.match(failure, { status: 401, user: 'test:tester', account: null, auth_failure: 'bad user or key', path: '/auth/v1.0' })
  t.notOk(cluster.proxy.output().includes(wrongKey), 'the key tried is never logged')
  t.notOk(cluster.proxy.output().includes(caller.token ?? 'x'), 'nor the token')
})
