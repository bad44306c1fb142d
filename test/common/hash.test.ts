import t from 'tap'
import xxhash from 'xxhash-wasm'
import { hashPath, hashPathHex, hashPathTop32, initHashing, namePath, type HashSecrets } from '../../src/common/hash.js'

await initHashing()
const library = await xxhash()

/** What xxhash-wasm's own JavaScript API gives for the same path: the reference for every name. */
function expected (secrets: HashSecrets, account: string, container?: string, object?: string): bigint {
  return library.h64(secrets.prefix + namePath(account, container, object) + secrets.suffix)
}

function check (secrets: HashSecrets, account: string, container?: string, object?: string): boolean {
  const want = expected(secrets, account, container, object)
  return hashPath(secrets, account, container, object) === want &&
    hashPathHex(secrets, account, container, object) === want.toString(16).padStart(16, '0') &&
    hashPathTop32(secrets, account, container, object) === Number(want >> 32n)
}

const secrets = { prefix: 'pre', suffix: 'suf' }
const other = { prefix: 'other-prefix', suffix: '' }

t.test('the hashes are xxhash-wasm\'s h64 of prefix/account/container/object + suffix', async (t) => {
  t.equal(hashPathHex(secrets, 'AUTH_test', 'photos', 'cat.jpg'), library.h64ToString('pre/AUTH_test/photos/cat.jpgsuf'))
  t.equal(hashPathHex({ prefix: '', suffix: '' }, 'a'), '0bcfa9bbb5ba7e84', 'a fixed value: names never move to another partition')
  const names: Array<[string, string?, string?]> = [
    ['AUTH_test'], ['AUTH_test', 'photos'], ['AUTH_test', 'photos', 'cat.jpg'], ['AUTH_test', undefined, 'orphan'],
    ['AUTH_é', 'ü', 'a/b/c'], ['AUTH_test', 'photos', 'naïve.txt'], ['AUTH_test', 'фото', 'x'], ['AUTH_test', 'photos', '😀'],
    ['AUTH_test', 'photos', ''], ['', '', '']
  ]
  for (const s of [secrets, other, { prefix: 'prë', suffix: 'süf' }]) {
    for (const name of names) t.ok(check(s, ...name), `${JSON.stringify(s)} ${name.join('/')}`)
  }
})

t.test('consecutive names that share or change their account and container hash as they would alone', async (t) => {
  // The account/container head stays in wasm memory between calls; every change of any part,
  // and every name that falls back to UTF-8 encoding, must be seen.
  const sequence: Array<[HashSecrets, string, string?, string?]> = [
    [secrets, 'AUTH_a', 'c', 'o1'], [secrets, 'AUTH_a', 'c', 'o2'], [secrets, 'AUTH_a', 'c2', 'o2'],
    [secrets, 'AUTH_b', 'c2', 'o2'], [other, 'AUTH_b', 'c2', 'o2'], [secrets, 'AUTH_b', 'c2'], [secrets, 'AUTH_b', 'c2', 'o3'],
    [secrets, 'AUTH_b', 'c2', 'ø'], [secrets, 'AUTH_b', 'c2', 'o3'], [secrets, 'AUTH_b'], [secrets, 'AUTH_b', 'c2', 'o3'],
    [secrets, 'AUTH_b', undefined, 'o3'], [secrets, 'AUTH_b', '', 'o3'], [{ prefix: 'pre', suffix: 'é' }, 'AUTH_b', 'c2', 'o3'],
    [secrets, 'AUTH_b', 'c2', 'o3']
  ]
  for (const [s, ...name] of sequence) t.ok(check(s, ...name), `${JSON.stringify(s)} ${name.join('/')}`)
})

t.test('names longer than the wasm memory grow it', async (t) => {
  const long = 'x'.repeat(200_000)
  t.ok(check(secrets, 'AUTH_test', 'c', long), 'ASCII, 200,000 bytes')
  t.ok(check(secrets, 'AUTH_test', 'c', 'é'.repeat(100_000)), 'UTF-8, 200,000 bytes')
  t.ok(check(secrets, 'AUTH_test', long, 'o'), 'a long container')
  t.ok(check(secrets, 'AUTH_test', 'c', 'short'), 'a short name after them')
  t.ok(check(secrets, 'AUTH_test', 'c', 'y'.repeat(400_000)), 'a longer name under the account and container already in memory')
})
