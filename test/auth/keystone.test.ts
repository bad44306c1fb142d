/**
 * Keystone v3 against Debian's real Keystone: the swift CLI with v3 auth through Keystone's
 * catalog to Ringstore; tokens mapped to `KEY_<project_id>` with roles as rights, next to
 * tempauth's `AUTH_` accounts on the same proxy; ACLs naming Keystone users; S3 through EC2
 * credentials; revoked tokens; Keystone down (503 or 401 as configured, never an open door).
 */
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3'
import t from 'tap'
import { startCluster, type TestCluster } from '../helpers/cluster.js'
import { startKeystone, type Keystone } from '../helpers/keystone.js'
import { tempDir, type Daemon } from '../helpers/process.js'
import { as, type Caller } from './helpers.js'

const run = promisify(execFile)
const PASSWORD = 'user-password-1'

/** Keystone with projects, users, roles and Ringstore's catalog entry; a proxy validating against it. */
async function setUp (): Promise<{ cluster: TestCluster, keystone: Keystone, proxy: { url: string, daemon: Daemon }, keystoneSection: Record<string, unknown>, ids: Record<string, string> }> {
  const cluster = await startCluster(t, { overrides: { auth: { failed_auth_burst: 10000 } } })
  const keystone = await startKeystone(t)
  const create = async (kind: string, body: Record<string, unknown>): Promise<string> =>
    (await keystone.api<Record<string, { id: string }>>('POST', `/${kind}s`, { [kind]: body }))[kind].id
  const roles = (await keystone.api<{ roles: Array<{ id: string, name: string }> }>('GET', '/roles')).roles
  const roleId = async (name: string): Promise<string> => {
    const known = roles.find((r) => r.name === name)
    if (known !== undefined) return known.id
    const id = await create('role', { name })
    roles.push({ id, name })
    return id
  }
  const grant = async (project: string, user: string, role: string): Promise<void> => {
    await keystone.api('PUT', `/projects/${project}/users/${user}/roles/${await roleId(role)}`)
  }
  const user = async (name: string, project: string, role?: string): Promise<string> => {
    const id = await create('user', { name, password: PASSWORD, domain_id: 'default', default_project_id: project })
    if (role !== undefined) await grant(project, id, role)
    return id
  }
  // Roles first: Debian's Keystone on SQLite fails a role creation that follows other writes ("database is locked").
  await roleId('ResellerAdmin')
  const service = await create('project', { name: 'service', domain_id: 'default' })
  await user('ringstore', service, 'admin')
  const demo = await create('project', { name: 'demo', domain_id: 'default' })
  const other = await create('project', { name: 'other', domain_id: 'default' })
  const ops = await create('project', { name: 'ops', domain_id: 'default' })
  const alice = await user('alice', demo, 'member')
  const bob = await user('bob', demo, 'reader')
  await user('carol', other, 'member')
  const reseller = await user('reseller', ops, 'member')
  await grant(ops, reseller, 'ResellerAdmin')
  const keystoneSection = {
    enabled: true,
    auth_url: keystone.url,
    username: 'ringstore',
    password: PASSWORD,
    project_name: 'service',
    reseller_prefix: 'KEY_',
    cache_ttl: 2
  }
  const proxy = await cluster.addProxy({ keystone: keystoneSection })
  const objectStore = await create('service', { type: 'object-store', name: 'swift' })
  await create('endpoint', { service_id: objectStore, interface: 'public', region_id: 'RegionOne', url: `${proxy.url}/v1/KEY_$(project_id)s` })
  const ec2 = { access: 'AKIAALICEDEMO0000001', secret: 'alice-ec2-secret-key-0123456789' }
  await create('credential', { type: 'ec2', user_id: alice, project_id: demo, blob: JSON.stringify(ec2) })
  return { cluster, keystone, proxy, keystoneSection, ids: { demo, other, alice, bob, ...ec2 } }
}

// Set up before the subtests: top-level awaits after assertions would let tap end the root test early.
const { cluster, keystone, proxy, keystoneSection, ids } = await setUp()
// When something fails, the proxy's and Keystone's last words say whether Keystone was slow, stuck or refusing.
t.teardown(() => {
  if (t.passing()) return
  const complaints = proxy.daemon.output().split('\n').filter((l) => /keystone|auth_failure|"level":[45]0/i.test(l))
  t.comment(`proxy's complaints (tail):\n${complaints.slice(-30).join('\n')}`)
  t.comment(`keystone output (tail):\n${keystone.daemon.output().slice(-6000)}`)
})
const { demo, other, bob } = ids

async function keystoneToken (name: string, project: string): Promise<string> {
  return await keystone.login(name, project, PASSWORD)
}

const callerOf = async (name: string, project: string): Promise<Caller> => ({ name: `keystone ${name}`, token: await keystoneToken(name, project) })
const demoUrl = `${proxy.url}/v1/KEY_${demo}`

async function swiftCli (username: string, project: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('swift', ['--os-auth-url', keystone.url, '--auth-version', '3', '--os-project-name', project,
    '--os-username', username, '--os-password', PASSWORD, '--os-user-domain-name', 'Default', '--os-project-domain-name', 'Default', ...args],
  { timeout: 60000 })
  return stdout
}

t.test('the swift CLI with v3 auth, through Keystone\'s catalog', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'hello.txt')
  await writeFile(file, 'hello from keystone')
  await swiftCli('alice', 'demo', 'post', 'photos')
  await swiftCli('alice', 'demo', 'upload', '--object-name', 'hello.txt', 'photos', file)
  t.equal((await swiftCli('alice', 'demo', 'list', 'photos')).trim(), 'hello.txt')
  t.equal((await swiftCli('alice', 'demo', 'list')).trim(), 'photos')
  t.match(await swiftCli('alice', 'demo', 'stat'), new RegExp(`Account: KEY_${demo}`))
  t.equal(await swiftCli('alice', 'demo', 'download', 'photos', 'hello.txt', '-o', '-'), 'hello from keystone')
})

t.test('roles are rights: operator roles own the project\'s account, others need ACLs', async (t) => {
  const a = await callerOf('alice', 'demo')
  const b = await callerOf('bob', 'demo')
  const c = await callerOf('carol', 'other')
  const r = await callerOf('reseller', 'ops')
  t.equal((await as(a, 'PUT', `${demoUrl}/shared`)).status, 201)
  t.equal((await as(a, 'PUT', `${demoUrl}/shared/o`, {}, 'demo data')).status, 201)
  t.equal((await as(b, 'GET', `${demoUrl}/shared/o`)).status, 403, 'a reader without an operator role')
  t.equal((await as(c, 'GET', `${demoUrl}/shared/o`)).status, 403, 'another project')
  t.equal((await as(c, 'GET', demoUrl)).status, 403)
  t.equal((await as(r, 'GET', `${demoUrl}/shared/o`)).status, 200, 'the reseller admin role reaches every account')
  t.equal((await as(a, 'POST', `${demoUrl}/shared`, { 'x-container-read': `${demo}:${bob}` })).status, 204)
  t.equal((await as(b, 'GET', `${demoUrl}/shared/o`)).status, 200, '<project_id>:<user_id> ACL')
  t.equal((await as(c, 'GET', `${demoUrl}/shared/o`)).status, 403)
  t.equal((await as(b, 'POST', `${demoUrl}/shared`, { 'x-container-read': '.r:*' })).status, 403, 'only owners change ACLs')
  t.equal((await as(a, 'POST', `${demoUrl}/shared`, { 'x-container-read': 'other:carol' })).status, 204)
  t.equal((await as(c, 'GET', `${demoUrl}/shared/o`)).status, 200, '<project_name>:<user_name> ACL (default domain)')
  t.equal((await as(b, 'GET', `${demoUrl}/shared/o`)).status, 403)
  t.equal((await as(a, 'POST', `${demoUrl}/shared`, { 'x-container-write': `${other}:*` })).status, 204)
  t.equal((await as(c, 'PUT', `${demoUrl}/shared/from-carol`, {}, 'x')).status, 201, '<project_id>:* write ACL')
  t.equal((await as(a, 'POST', demoUrl, { 'x-account-meta-quota-bytes': '1000' })).status, 403, 'owners do not set account quotas')
  t.equal((await as(r, 'POST', demoUrl, { 'x-account-meta-quota-bytes': '1000000' })).status, 204, 'the reseller admin does')
})

t.test('tempauth and Keystone side by side, each in its own accounts', async (t) => {
  const a = await callerOf('alice', 'demo')
  const tester = await cluster.auth()
  t.equal((await as({ name: 'tempauth', token: tester.token }, 'GET', `${proxy.url}/v1/AUTH_test`)).status, 204)
  t.equal((await as({ name: 'tempauth', token: tester.token }, 'GET', demoUrl)).status, 403)
  t.equal((await as(a, 'GET', `${proxy.url}/v1/AUTH_test`)).status, 403)
  t.equal((await as(a, 'GET', `${proxy.url}/v1/AUTH_${demo}`)).status, 403, 'the project is KEY_, not AUTH_')
  t.equal((await as({ name: 'forged', token: 'gAAAAAnot-a-token' }, 'GET', demoUrl)).status, 401)
  t.equal((await as(a, 'GET', `${cluster.url}/v1/KEY_${demo}`)).status, 401, 'a proxy without Keystone refuses Keystone tokens')
})

t.test('S3 access keys resolve through Keystone EC2 credentials', async (t) => {
  const { access, secret } = ids
  const s3 = new S3Client({ endpoint: proxy.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: access, secretAccessKey: secret } })
  t.teardown(() => { s3.destroy() })
  const buckets = await s3.send(new ListBucketsCommand({}))
  t.ok(buckets.Buckets?.some((b) => b.Name === 'photos'), 'the project\'s containers are the key\'s buckets')
  const wrong = new S3Client({ endpoint: proxy.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: access, secretAccessKey: 'wrong' } })
  t.teardown(() => { wrong.destroy() })
  await t.rejects(wrong.send(new ListBucketsCommand({})), { name: 'SignatureDoesNotMatch' })
})

t.test('a token revoked in Keystone stops working within the cache time', async (t) => {
  const a = await callerOf('alice', 'demo')
  t.equal((await as(a, 'HEAD', demoUrl)).status, 204)
  await fetch(`${keystone.url}/auth/tokens`, { method: 'DELETE', headers: { 'x-auth-token': await keystone.adminToken(), 'x-subject-token': a.token ?? '' } })
  await new Promise((resolve) => setTimeout(resolve, 2200))
  t.equal((await as(a, 'HEAD', demoUrl)).status, 401)
})

t.test('Keystone down: 503 (or 401 as configured), never an open door, never a crash', async (t) => {
  const answering401 = await cluster.addProxy({ keystone: { ...keystoneSection, unavailable_status: 401 } })
  const cached = await callerOf('alice', 'demo')
  const fresh = await callerOf('alice', 'demo')
  t.equal((await as(cached, 'HEAD', demoUrl)).status, 204)
  await keystone.daemon.kill('SIGKILL')
  t.equal((await as(cached, 'HEAD', demoUrl)).status, 204, 'a token validated moments ago is still trusted from the cache')
  t.equal((await as(fresh, 'HEAD', demoUrl)).status, 503, 'an unseen token cannot be checked: 503')
  t.equal((await as(fresh, 'HEAD', `${answering401.url}/v1/KEY_${demo}`)).status, 401, 'or 401 as configured')
  t.equal((await as({ name: 'anonymous' }, 'GET', `${demoUrl}/shared/o`)).status, 401)
  const tester = await cluster.auth()
  t.equal((await as({ name: 'tempauth', token: tester.token }, 'HEAD', `${proxy.url}/v1/AUTH_test`)).status, 204, 'tempauth is unaffected')
  t.equal((await fetch(`${proxy.url}/healthcheck`)).status, 200, 'the proxy is alive')
})
