/**
 * A real OpenStack Keystone (Debian's `keystone` package) for the auth tests: SQLite database,
 * fernet tokens, bootstrapped admin, served by the package's keystone-wsgi-public on 127.0.0.1
 * from a temp dir, stopped at teardown. Installs the package with apt-get when it is missing (the tests run as root in CI);
 * a Keystone that cannot be installed or started fails the test, it is never skipped.
 */
import { execFile, spawn } from 'node:child_process'
import { access, mkdir, writeFile } from 'node:fs/promises'
import { request, type IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { reservePort, tempDir, waitForHealthy, type Daemon, type Teardown } from './process.js'

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
  /** A token of a user of the default domain, scoped to one of its projects. */
  login: (user: string, project: string, password: string) => Promise<string>
}

/** One JSON request on a fresh connection (the wsgiref server closes each one after its answer). */
async function httpJson (method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number, headers: IncomingHttpHeaders, text: string }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return await new Promise((resolve, reject) => {
    const r = request(url, {
      method,
      agent: false,
      headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) }
    }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => { text += d.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, text }) })
    })
    r.on('error', reject)
    r.end(payload)
  })
}

async function installed (): Promise<boolean> {
  try {
    await access('/usr/bin/keystone-manage')
    await access('/usr/bin/keystone-wsgi-public')
    return true
  } catch {
    return false
  }
}

async function ensureInstalled (): Promise<void> {
  if (await installed()) return
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'keystone'], { env, maxBuffer: 64 * 1024 * 1024 })
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
  // Held until Keystone starts: its URL goes into the catalog during the ~20 s of setup, and a
  // port merely found free could be taken meanwhile by another test file running in parallel.
  const { port, release } = await reservePort()
  t.teardown(release)
  const url = `http://127.0.0.1:${port}/v3`
  for (const sub of ['fernet-keys', 'credential-keys']) await mkdir(join(dir, sub))
  const conf = join(dir, 'keystone.conf')
  await writeFile(conf, [
    // Its log goes to stderr, which the daemon's output keeps, for a failing test to show.
    '[DEFAULT]', 'use_stderr = true',
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
  // WAL, so that a read transaction Keystone leaves open on a pooled connection does not make the next write fail with "database is locked".
  await run('python3', ['-c', `import sqlite3; sqlite3.connect(${JSON.stringify(join(dir, 'keystone.db'))}).execute('PRAGMA journal_mode=WAL')`])
  await manage('fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root')
  await manage('credential_setup', '--keystone-user', 'root', '--keystone-group', 'root')
  await manage('bootstrap', '--bootstrap-password', KEYSTONE_ADMIN_PASSWORD, '--bootstrap-admin-url', url,
    '--bootstrap-public-url', url, '--bootstrap-internal-url', url, '--bootstrap-region-id', 'RegionOne')
  // The package's own entry point (a wsgiref server): one request at a time is all these tests need.
  await release()
  const daemon = spawnDaemon(t, 'keystone-wsgi-public', ['--host', '127.0.0.1', '--port', String(port)], { OS_KEYSTONE_CONFIG_DIR: dir })
  await waitForHealthy(url, daemon, 60000)

  const login = async (name: string, project: string, password: string): Promise<string> => {
    const res = await httpJson('POST', `${url}/auth/tokens?nocatalog`, {}, {
      auth: {
        identity: { methods: ['password'], password: { user: { name, domain: { id: 'default' }, password } } },
        scope: { project: { name: project, domain: { id: 'default' } } }
      }
    })
    if (res.status !== 201) throw new Error(`keystone login of ${name} failed: ${res.status} ${res.text}`)
    return res.headers['x-subject-token'] as string
  }
  let admin: { token: string, expires: number } | undefined
  const adminToken = async (): Promise<string> => {
    if (admin === undefined || admin.expires < Date.now() + 60_000) {
      admin = { token: await login('admin', 'admin', KEYSTONE_ADMIN_PASSWORD), expires: Date.now() + 3000_000 }
    }
    return admin.token
  }
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await httpJson(method, url + path, { 'x-auth-token': await adminToken() }, body)
    if (res.status >= 300) throw new Error(`keystone ${method} ${path}: ${res.status} ${res.text}`)
    return (res.text === '' ? {} : JSON.parse(res.text)) as T
  }
  return { url, daemon, adminToken, api, login }
}
