/**
 * Container ACLs, ownership and the reseller admin against a real cluster: every ACL form, with
 * allowed and denied cases for the owner, a non-admin user of the same account, another
 * account, an anonymous caller and the reseller admin.
 */
import t, { type Test } from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { as, callers, type Caller } from './helpers.js'

const cluster = await startCluster(t, { overrides: { proxy: { info_cache_ttl: 0 }, auth: { failed_auth_burst: 10000 } } })
const who = await callers(cluster)
const test = who.owner.storageUrl as string
const test2 = who.other.storageUrl as string
const SECRET = 'content of AUTH_test'

/** Creates `container` in AUTH_test with the given ACL headers and one object `o`. */
async function container (name: string, acl: Record<string, string>): Promise<string> {
  t.equal((await as(who.owner, 'PUT', `${test}/${name}`, acl)).status, 201, `create ${name}`)
  t.equal((await as(who.owner, 'PUT', `${test}/${name}/o`, {}, SECRET)).status, 201, `object in ${name}`)
  return `${test}/${name}`
}

type Case = [Caller, number]

async function expectAll (t: Test, method: string, url: string, cases: Case[], headers: Record<string, string> = {}, body?: string): Promise<void> {
  for (const [caller, status] of cases) {
    const res = await as(caller, method, url, headers, body)
    t.equal(res.status, status, `${method} ${url.slice(url.indexOf('/v1/'))} as ${caller.name}${headers.referer !== undefined ? ` (Referer ${headers.referer})` : ''}`)
    if (status >= 400) t.notMatch(res.text, SECRET, 'a refusal leaks nothing')
  }
}

t.test('no ACL: the owner and the reseller admin only', async (t) => {
  const c = await container('private', {})
  await expectAll(t, 'GET', `${c}/o`, [[who.owner, 200], [who.admin, 200], [who.tester3, 403], [who.other, 403], [who.anon, 401]])
  await expectAll(t, 'GET', c, [[who.owner, 200], [who.admin, 200], [who.tester3, 403], [who.other, 403], [who.anon, 401]])
  await expectAll(t, 'PUT', `${c}/new`, [[who.tester3, 403], [who.other, 403], [who.anon, 401]], {}, 'x')
  await expectAll(t, 'DELETE', `${c}/o`, [[who.tester3, 403], [who.other, 403], [who.anon, 401]])
  await expectAll(t, 'GET', test, [[who.owner, 200], [who.admin, 200], [who.tester3, 403], [who.other, 403], [who.anon, 401]])
  await expectAll(t, 'GET', test2, [[who.other, 204], [who.owner, 403], [who.tester3, 403]])
})

t.test('.r:* reads objects for anyone, listings need .rlistings', async (t) => {
  const c = await container('public', { 'x-container-read': '.r:*' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 200], [who.other, 200], [who.tester3, 200], [who.admin, 200]])
  await expectAll(t, 'HEAD', `${c}/o`, [[who.anon, 200]])
  await expectAll(t, 'GET', c, [[who.anon, 401], [who.other, 403], [who.owner, 200]])
  await expectAll(t, 'PUT', `${c}/o`, [[who.anon, 401], [who.other, 403]], {}, 'overwritten')
  const listed = await container('listed', { 'x-container-read': '.r:*,.rlistings' })
  await expectAll(t, 'GET', listed, [[who.anon, 200], [who.other, 200]])
  t.equal((await as(who.anon, 'GET', listed)).text.trim(), 'o')
})

t.test('.r:<referrer> and denied referrers', async (t) => {
  const c = await container('referred', { 'x-container-read': '.r:.example.com,.r:-bad.example.com' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 200]], { referer: 'https://www.example.com/page' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 200]], { referer: 'https://example.com/' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 401]], { referer: 'https://bad.example.com/' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 401]], { referer: 'https://example.org/' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 401], [who.other, 403]])
  await expectAll(t, 'GET', c, [[who.anon, 401]], { referer: 'https://www.example.com/' })
})

t.test('<account>:<user> and <account> in X-Container-Read; tempauth has no wildcards', async (t) => {
  const c = await container('user-read', { 'x-container-read': 'test:tester3' })
  await expectAll(t, 'GET', `${c}/o`, [[who.tester3, 200], [who.other, 403], [who.anon, 401]])
  await expectAll(t, 'GET', c, [[who.tester3, 200]])
  await expectAll(t, 'PUT', `${c}/o2`, [[who.tester3, 403]], {}, 'x')
  const acct = await container('account-read', { 'x-container-read': 'test2' })
  await expectAll(t, 'GET', `${acct}/o`, [[who.other, 200], [who.tester3, 403]])
  // As Swift's tempauth (checked side by side): a `*` in a pair matches nothing, for tempauth users.
  for (const acl of ['test2:*', '*:tester2', '*:*']) {
    const wildcard = await container(`wildcard-${acl.replaceAll('*', 'x').replace(':', '-')}`, { 'x-container-read': acl })
    await expectAll(t, 'GET', `${wildcard}/o`, [[who.other, 403], [who.tester3, 403], [who.anon, 401]])
  }
  // `*` alone is any authenticated user here (S3's authenticated-read); Swift's tempauth has no such entry.
  const anyUser = await container('any-user-read', { 'x-container-read': '*' })
  await expectAll(t, 'GET', `${anyUser}/o`, [[who.other, 200], [who.tester3, 200], [who.anon, 401]])
})

t.test('ACLs Swift refuses: referrers in a write ACL, a referrer with no host', async (t) => {
  for (const [header, acl, problem] of [
    ['x-container-write', '.r:*', "Referrers not allowed in write ACL: '.r:*'"],
    ['x-container-write', 'test:tester3,.r:example.com', "Referrers not allowed in write ACL: '.r:example.com'"],
    ['x-container-read', '.r:', "No host/domain value after referrer designation in ACL: '.r:'"],
    ['x-container-read', '.rlistings,.ref:-', "No host/domain value after referrer designation in ACL: '.ref:-'"]
  ]) {
    const res = await as(who.owner, 'PUT', `${test}/bad-acl`, { [header]: acl })
    t.same([res.status, res.text], [400, problem], `${header}: ${acl}`)
  }
  t.equal((await as(who.owner, 'PUT', `${test}/bad-acl`, { 'x-container-write': '.rlistings' })).status, 201, 'Swift takes .rlistings in a write ACL')
  t.equal((await as(who.owner, 'POST', `${test}/bad-acl`, { 'x-container-read': '.r:' })).status, 400)
})

t.test('the account id in an ACL names the account\'s admins only, as Swift\'s tempauth', async (t) => {
  const c = await container('by-account-id', { 'x-container-read': 'AUTH_test2' })
  await expectAll(t, 'GET', `${c}/o`, [[who.other, 200], [who.tester3, 403]])
  const mine = await container('by-own-account-id', { 'x-container-read': 'AUTH_test' })
  await expectAll(t, 'GET', `${mine}/o`, [[who.tester3, 403]])
})

t.test('a large object\'s segments are read as the caller', async (t) => {
  await container('hidden-segs', {})
  await container('open-segs', { 'x-container-read': '.r:*' })
  const shop = await container('shop', { 'x-container-read': '.r:*' })
  const manifest = async (name: string, segment: string): Promise<number> =>
    (await as(who.owner, 'PUT', `${shop}/${name}?multipart-manifest=put`, {}, JSON.stringify([{ path: segment }]))).status
  t.equal(await manifest('leaky', '/hidden-segs/o'), 201)
  t.equal(await manifest('fine', '/open-segs/o'), 201)
  await expectAll(t, 'GET', `${shop}/leaky`, [[who.owner, 200], [who.anon, 409], [who.tester3, 409], [who.other, 409]])
  await expectAll(t, 'GET', `${shop}/fine`, [[who.owner, 200], [who.anon, 200], [who.other, 200]])
  t.equal((await as(who.anon, 'GET', `${shop}/fine`)).text, SECRET)
  // Nor through a copy: the copy reads the segments as the caller too.
  const drop = await container('drop', { 'x-container-write': 'test:tester3' })
  await expectAll(t, 'PUT', `${drop}/copied`, [[who.tester3, 409]], { 'x-copy-from': 'shop/leaky' }, '')
  await expectAll(t, 'PUT', `${drop}/copied`, [[who.tester3, 201]], { 'x-copy-from': 'shop/fine' }, '')
})

t.test('X-Container-Write grants object writes, not reads', async (t) => {
  const c = await container('drop-box', { 'x-container-write': 'test2:tester2' })
  await expectAll(t, 'PUT', `${c}/from-test2`, [[who.other, 201], [who.tester3, 403], [who.anon, 401]], {}, 'dropped')
  await expectAll(t, 'POST', `${c}/from-test2`, [[who.other, 202]], { 'x-object-meta-k': 'v' })
  await expectAll(t, 'GET', `${c}/from-test2`, [[who.other, 403], [who.owner, 200]])
  await expectAll(t, 'DELETE', `${c}/from-test2`, [[who.other, 204]])
  await expectAll(t, 'POST', c, [[who.other, 403]], { 'x-container-meta-x': 'y' })
  // A writer may not copy in what it cannot read.
  await expectAll(t, 'PUT', `${c}/stolen`, [[who.other, 403]], { 'x-copy-from': 'private/o' }, '')
  await expectAll(t, 'COPY', `${test}/private/o`, [[who.other, 403]], { destination: 'drop-box/stolen' })
})

t.test('only owners and the reseller admin change ACLs', async (t) => {
  await container('acl-change', { 'x-container-read': 'test:tester3' })
  const c = `${test}/acl-change`
  await expectAll(t, 'POST', c, [[who.tester3, 403], [who.other, 403], [who.anon, 401]], { 'x-container-read': '.r:*' })
  await expectAll(t, 'PUT', c, [[who.tester3, 403], [who.other, 403]], { 'x-container-write': 'test2' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 401]])
  await expectAll(t, 'POST', c, [[who.owner, 204]], { 'x-container-read': '.r:*' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 200]])
  await expectAll(t, 'POST', c, [[who.admin, 204]], { 'x-remove-container-read': 'x' })
  await expectAll(t, 'GET', `${c}/o`, [[who.anon, 401], [who.tester3, 403]])
})

t.test('the ACLs and the keys that sign requests are shown to owners only', async (t) => {
  const privileged = {
    'x-container-read': '.r:*,.rlistings', 'x-container-write': 'test:tester3', 'x-container-sync-key': 'sync secret',
    'x-container-meta-temp-url-key': 'tempurl secret', 'x-container-meta-temp-url-key-2': 'tempurl secret 2'
  }
  const c = await container('privileged', { ...privileged, 'x-container-meta-color': 'blue' })
  for (const method of ['HEAD', 'GET']) {
    for (const caller of [who.owner, who.admin]) {
      const res = await as(caller, method, c)
      t.same(Object.keys(privileged).map((h) => res.headers.get(h)), Object.values(privileged), `${method} as ${caller.name} shows them`)
    }
    for (const caller of [who.anon, who.tester3, who.other]) {
      const res = await as(caller, method, c)
      t.ok(res.status < 300, `${method} as ${caller.name} is allowed by the ACL`)
      t.same(Object.keys(privileged).map((h) => res.headers.get(h)), Object.keys(privileged).map(() => null), `${method} as ${caller.name} hides them`)
      t.equal(res.headers.get('x-container-meta-color'), 'blue', 'other metadata stays visible')
    }
  }
})

t.test('only the reseller admin sets the account quota', async (t) => {
  await expectAll(t, 'POST', test, [[who.owner, 403], [who.tester3, 403], [who.other, 403], [who.anon, 401]], { 'x-account-meta-quota-bytes': '100' })
  await expectAll(t, 'POST', test, [[who.owner, 403]], { 'x-remove-account-meta-quota-bytes': 'x' })
  await expectAll(t, 'POST', test, [[who.owner, 204]], { 'x-account-meta-color': 'blue' })
  await expectAll(t, 'POST', test, [[who.admin, 204]], { 'x-account-meta-quota-bytes': '1000000' })
  t.equal((await as(who.owner, 'HEAD', test)).headers.get('x-account-meta-quota-bytes'), '1000000')
  await expectAll(t, 'POST', test, [[who.admin, 204]], { 'x-remove-account-meta-quota-bytes': 'x' })
})

t.test('the reseller admin reaches every account', async (t) => {
  await expectAll(t, 'PUT', `${test2}/by-admin`, [[who.admin, 201]])
  await expectAll(t, 'PUT', `${test2}/by-admin/o`, [[who.admin, 201]], {}, 'x')
  await expectAll(t, 'GET', `${test2}/by-admin/o`, [[who.admin, 200], [who.other, 200], [who.owner, 403]])
  const fresh = test.replace('AUTH_test', 'AUTH_made-by-admin')
  await expectAll(t, 'PUT', `${fresh}/c`, [[who.admin, 201], [who.owner, 403]])
})

t.test('accounts outside every reseller prefix are refused', async (t) => {
  const foreign = test.replace('AUTH_test', 'OTHER_test')
  await expectAll(t, 'GET', foreign, [[who.anon, 401], [who.owner, 403]])
  await expectAll(t, 'GET', test.replace('AUTH_test', 'AUTH_'), [[who.owner, 403]])
})

t.test('account ACLs: read-only, read-write and admin users of another account', async (t) => {
  const acct = test2
  t.equal((await as(who.other, 'PUT', `${acct}/acct-shared`, { 'x-container-meta-temp-url-key': 'container key' })).status, 201)
  t.equal((await as(who.other, 'PUT', `${acct}/acct-shared/o`, {}, 'shared content')).status, 201)
  await expectAll(t, 'GET', acct, [[who.tester3, 403], [who.owner, 403]])
  await expectAll(t, 'GET', `${acct}/acct-shared/o`, [[who.tester3, 403], [who.owner, 403]])
  const setAcl = async (caller: Caller, value: string): Promise<number> =>
    (await as(caller, 'POST', acct, { 'x-account-access-control': value, 'x-account-meta-temp-url-key': 'account key' })).status
  t.equal(await setAcl(who.other, 'not json'), 400)
  t.equal(await setAcl(who.other, '{"bogus":["x"]}'), 400)
  t.equal(await setAcl(who.other, '{"admin":"test:tester3"}'), 400)
  const acl = '{"read-only":["test:tester3"],"read-write":["test:tester"]}'
  t.equal(await setAcl(who.other, acl), 204)
  t.equal((await as(who.other, 'HEAD', acct)).headers.get('x-account-access-control'), acl, 'the owner sees the ACL')

  // read-only: everything readable, nothing writable, no privileged headers
  const listing = await as(who.tester3, 'GET', acct)
  t.equal(listing.status, 200)
  t.match(listing.text, /acct-shared/)
  const head = await as(who.tester3, 'HEAD', acct)
  t.same([head.headers.get('x-account-access-control'), head.headers.get('x-account-meta-temp-url-key')], [null, null], 'privileged account headers hidden')
  t.equal((await as(who.tester3, 'HEAD', `${acct}/acct-shared`)).headers.get('x-container-meta-temp-url-key'), null)
  await expectAll(t, 'GET', `${acct}/acct-shared`, [[who.tester3, 200]])
  await expectAll(t, 'GET', `${acct}/acct-shared/o`, [[who.tester3, 200]])
  await expectAll(t, 'PUT', `${acct}/acct-shared/new`, [[who.tester3, 403]], {}, 'x')
  await expectAll(t, 'DELETE', `${acct}/acct-shared/o`, [[who.tester3, 403]])
  await expectAll(t, 'PUT', `${acct}/by-reader`, [[who.tester3, 403]])
  await expectAll(t, 'POST', acct, [[who.tester3, 403]], { 'x-account-meta-color': 'red' })

  // read-write: containers and objects, not the account, and no ACLs or keys
  await expectAll(t, 'PUT', `${acct}/by-writer`, [[who.owner, 201]])
  await expectAll(t, 'PUT', `${acct}/by-writer/o`, [[who.owner, 201]], {}, 'written')
  await expectAll(t, 'POST', `${acct}/acct-shared`, [[who.owner, 204]], { 'x-container-meta-color': 'green', 'x-container-read': '.r:*', 'x-container-meta-temp-url-key': 'mine' })
  const changed = await as(who.other, 'HEAD', `${acct}/acct-shared`)
  t.same([changed.headers.get('x-container-meta-color'), changed.headers.get('x-container-read'), changed.headers.get('x-container-meta-temp-url-key')],
    ['green', null, 'container key'], 'a read-write user sets metadata, not ACLs or keys')
  await expectAll(t, 'DELETE', `${acct}/by-writer/o`, [[who.owner, 204]])
  await expectAll(t, 'DELETE', `${acct}/by-writer`, [[who.owner, 204]])
  await expectAll(t, 'POST', acct, [[who.owner, 403]], { 'x-account-meta-color': 'red' })
  await expectAll(t, 'GET', `${acct}/acct-shared/o`, [[who.anon, 401]])

  // admin: what the owner may do, the ACL itself included
  t.equal(await setAcl(who.other, '{"admin":["test:tester3"]}'), 204)
  await expectAll(t, 'POST', acct, [[who.tester3, 204]], { 'x-account-meta-color': 'red' })
  t.equal((await as(who.tester3, 'HEAD', acct)).headers.get('x-account-access-control'), '{"admin":["test:tester3"]}')
  await expectAll(t, 'POST', `${acct}/acct-shared`, [[who.tester3, 204]], { 'x-container-read': 'test:tester' })
  t.equal((await as(who.other, 'HEAD', `${acct}/acct-shared`)).headers.get('x-container-read'), 'test:tester')
  await expectAll(t, 'POST', acct, [[who.tester3, 403]], { 'x-account-meta-quota-bytes': '10' })
  await expectAll(t, 'GET', `${acct}/acct-shared/o`, [[who.owner, 200]], {}, undefined)
  t.equal(await setAcl(who.tester3, ''), 204, 'an admin may remove the ACL')
  await expectAll(t, 'GET', acct, [[who.tester3, 403]])
  t.equal(await setAcl(who.tester3, '{"admin":["test:tester3"]}'), 403, 'and then is no admin any more')
})
