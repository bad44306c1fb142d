/**
 * A real OpenStack Keystone (Debian's `keystone` package) for the auth tests: SQLite database,
 * fernet tokens, bootstrapped admin, served by uwsgi on 127.0.0.1 from a temp dir, stopped at
 * teardown. Installs the package with apt-get when it is missing (the tests run as root in CI);
 * a Keystone that cannot be installed or started fails the test, it is never skipped.
 */
import { execFile, spawn } from 'node:child_process'
import { access, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort, tempDir, waitForHealthy, type Daemon, type Teardown } from './process.js'

const run = promisify(execFile)

export const KEYSTONE_ADMIN_PASSWORD = 'keystone-admin-secret'

export interface Keystone {
  /** `http://127.0.0.1:PORT/v3` */
  url: string
  daemon: Daemon
  /** A project-scoped admin token, for setting up projects, users, roles and the catalog. */
  adminToken: () => Promise<string>
  /** Keystone's JSON API as the admin: `api('POST', '/projects', {project: {...}})`. */
  api: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>
}

async function installed (): Promise<boolean> {
  try {
    await access('/usr/bin/keystone-manage')
    await access('/usr/bin/uwsgi')
    await access('/usr/lib/uwsgi/plugins/python3_plugin.so')
    return true
  } catch {
    return false
  }
}

async function ensureInstalled (): Promise<void> {
  if (await installed()) return
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'keystone', 'uwsgi-core', 'uwsgi-plugin-python3'], { env, maxBuffer: 64 * 1024 * 1024 })
}

function spawnDaemon (t: Teardown, cmd: string, args: string[], env: NodeJS.ProcessEnv): Daemon {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20000) })
  child.stderr?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20000) })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill(signal)
    await exited
  }
  t.teardown(async () => { await kill() })
  return { child, output: () => out, kill }
}

export async function startKeystone (t: Teardown): Promise<Keystone> {
  await ensureInstalled()
  const dir = await tempDir(t, 'ringstore-keystone-')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/v3`
  for (const sub of ['fernet-keys', 'credential-keys']) await mkdir(join(dir, sub))
  const conf = join(dir, 'keystone.conf')
  await writeFile(conf, [
    '[DEFAULT]', `log_file = ${join(dir, 'keystone.log')}`,
    '[database]', `connection = sqlite:///${join(dir, 'keystone.db')}`,
    '[token]', 'provider = fernet',
    '[fernet_tokens]', `key_repository = ${join(dir, 'fernet-keys')}`,
    '[fernet_receipts]', `key_repository = ${join(dir, 'fernet-keys')}`,
    '[credential]', `key_repository = ${join(dir, 'credential-keys')}`,
    '[cache]', 'enabled = false', ''
  ].join('\n'))
  const manage = async (...args: string[]): Promise<void> => {
    await run('keystone-manage', ['--config-file', conf, ...args], { maxBuffer: 16 * 1024 * 1024 })
  }
  await manage('db_sync')
  await manage('fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root')
  await manage('credential_setup', '--keystone-user', 'root', '--keystone-group', 'root')
  await manage('bootstrap', '--bootstrap-password', KEYSTONE_ADMIN_PASSWORD, '--bootstrap-admin-url', url,
    '--bootstrap-public-url', url, '--bootstrap-internal-url', url, '--bootstrap-region-id', 'RegionOne')
  const daemon = spawnDaemon(t, 'uwsgi', [
    '--http-socket', `127.0.0.1:${port}`, '--plugin', 'python3', '--wsgi-file', '/usr/bin/keystone-wsgi-public',
    '--master', '--processes', '2', '--threads', '2', '--die-on-term', '--need-app', '--disable-logging'
  ], { OS_KEYSTONE_CONFIG_DIR: dir })
  await waitForHealthy(url, daemon, 60000)

  let admin: { token: string, expires: number } | undefined
  const adminToken = async (): Promise<string> => {
    if (admin !== undefined && admin.expires > Date.now() + 60_000) return admin.token
    const res = await fetch(`${url}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: KEYSTONE_ADMIN_PASSWORD } } },
          scope: { project: { name: 'admin', domain: { id: 'default' } } }
        }
      })
    })
    if (res.status !== 201) throw new Error(`keystone admin login failed: ${res.status} ${await res.text()}`)
    const body = await res.json() as { token: { expires_at: string } }
    admin = { token: res.headers.get('x-subject-token') ?? '', expires: Date.parse(body.token.expires_at) }
    return admin.token
  }
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url + path, {
      method,
      headers: { 'x-auth-token': await adminToken(), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`keystone ${method} ${path}: ${res.status} ${text}`)
    return (text === '' ? {} : JSON.parse(text)) as T
  }
  return { url, daemon, adminToken, api }
}
