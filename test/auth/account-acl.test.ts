// Account ACLs' syntax and levels (src/auth/account-acl.ts), without a cluster: what a value
// grants which identity. The behaviour through the proxy is in acl.test.ts.
import t from 'tap'
import { accountLevel, parseAccountAcl } from '../../src/auth/account-acl.js'
import type { Identity } from '../../src/auth/types.js'

const user = (groups: string[], via: Identity['via'] = 'tempauth'): Identity =>
  ({ user: groups[0], account: 'AUTH_x', groups, owner: false, resellerAdmin: false, via })

t.test('values that are not ACLs say why', async (t) => {
  t.match(parseAccountAcl('{'), /not valid JSON/)
  t.match(parseAccountAcl('[]'), /must be a JSON object/)
  t.match(parseAccountAcl('{"Admin":[]}'), /unknown key "Admin"/)
  t.match(parseAccountAcl('{"read-only":[1]}'), /read-only must be a list of names/)
  t.same(parseAccountAcl('{"admin":["a"],"read-only":[]}'), { admin: ['a'], 'read-only': [] })
})

t.test('the highest level naming one of the user\'s groups wins', async (t) => {
  const acl = JSON.stringify({ 'read-only': ['test:tester3', 'test2'], 'read-write': ['test:tester3'], admin: ['ops'] })
  t.equal(accountLevel(user(['test:tester3', 'test']), acl), 'read-write')
  t.equal(accountLevel(user(['test2:tester2', 'test2']), acl), 'read-only', 'an account name names all its users')
  t.equal(accountLevel(user(['test:alice', 'test', 'ops']), acl), 'admin', 'and so does a group')
  t.equal(accountLevel(user(['test:bob', 'test']), acl), undefined)
  t.equal(accountLevel(undefined, acl), undefined, 'anonymous callers are never named')
  t.equal(accountLevel(user(['test:tester3']), 'not json'), undefined, 'a broken ACL grants nothing')
  t.equal(accountLevel(user(['p:u', 'reader'], 'keystone'), JSON.stringify({ admin: ['p:u'] })), undefined, 'Keystone identities ignore account ACLs, as in Swift')
})
