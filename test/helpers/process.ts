/**
 * Test helpers for real processes: free ports, fresh temp dirs, daemons started as child
 * processes from the compiled CLI, waited for on /healthcheck, and killed when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (tests run from dist/test/...). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const cliPath = join(repoRoot, 'dist', 'src', 'cli.js')

/**
 * Ports for the daemons tests start are taken below the kernel's ephemeral range (32768 and up):
 * neither another process's listen(0) nor an outgoing connection can take one between the test
 * choosing it and the daemon binding it. Test files run in parallel, so each port is claimed by a
 * lock file in a shared directory, holding the claimer's pid; a claim whose process is gone is
 * stale and taken over.
 */
const TEST_PORTS = { first: 20000, count: 12000 }
const claimDir = join(tmpdir(), 'ringstore-test-ports')
const claimFiles: string[] = []
process.on('exit', () => { for (const file of claimFiles) rmSync(file, { force: true }) })

function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function claimPort (port: number, takeOver = true): boolean {
  const file = join(claimDir, String(port))
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
    claimFiles.push(file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  if (!takeOver) return false
  let holder: number
  try {
    holder = Number(readFileSync(file, 'utf8'))
  } catch {
    return false
  }
  if (!Number.isInteger(holder) || holder <= 0 || processAlive(holder)) return false
  rmSync(file, { force: true })
  return claimPort(port, false)
}

async function bindable (port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const srv = createServer()
    srv.unref()
    srv.once('error', () => { resolve(false) })
    srv.listen(port, '127.0.0.1', () => { srv.close(() => { resolve(true) }) })
  })
}

export async function freePort (): Promise<number> {
  mkdirSync(claimDir, { recursive: true })
  const start = randomInt(TEST_PORTS.count)
  for (let i = 0; i < TEST_PORTS.count; i++) {
    const port = TEST_PORTS.first + (start + i) % TEST_PORTS.count
    if (claimPort(port) && await bindable(port)) return port
  }
  throw new Error(`no free port in ${TEST_PORTS.first}-${TEST_PORTS.first + TEST_PORTS.count - 1}: see ${claimDir}`)
}

/**
 * A free port held open until `release()`, for a server that starts long after its port must be
 * known (written into its config): nobody else can take the port in between.
 */
export async function reservePort (): Promise<{ port: number, release: () => Promise<void> }> {
  const srv = createServer()
  await new Promise<void>((resolve, reject) => {
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => { resolve() })
  })
  const addr = srv.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  return { port, release: async () => { await new Promise<void>((resolve) => { srv.close(() => { resolve() }) }) } }
}

export interface Teardown { teardown: (fn: () => unknown) => void }

/** A fresh temp dir removed at the end of the test. */
export async function tempDir (t: Teardown, prefix = 'ringstore-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

export interface Daemon {
  child: ChildProcess
  /** Output so far (stdout and stderr), for failure messages. */
  output: () => string
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

/** Every daemon this test process started, killed if the test process itself ends or is stopped. */
const liveChildren = new Set<ChildProcess>()
function killLiveChildren (): void {
  for (const child of liveChildren) child.kill('SIGKILL')
}
process.once('exit', killLiveChildren)
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killLiveChildren()
    process.exit(1)
  })
}

/**
 * Starts `ringstore <args>` as a child process; it is SIGKILLed at teardown if still running,
 * and when the test process exits or is stopped (a timed-out test must not leave daemons behind).
 */
export function spawnCli (t: Teardown, args: string[], env: NodeJS.ProcessEnv = {}): Daemon {
  const child = spawn(process.execPath, [cliPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env }
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20000) })
  child.stderr?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20000) })
  liveChildren.add(child)
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { liveChildren.delete(child); resolve() }) })
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill(signal)
    await exited
  }
  t.teardown(async () => { await kill() })
  return { child, output: () => out, kill }
}

/** Polls GET url until it answers 200, the process dies, or the timeout passes. */
export async function waitForHealthy (url: string, daemon?: Daemon, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (daemon !== undefined && (daemon.child.exitCode !== null || daemon.child.signalCode !== null)) {
      throw new Error(`daemon exited before it was healthy:\n${daemon.output()}`)
    }
    try {
      const res = await fetch(url)
      if (res.status === 200) return
    } catch {}
    if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs} ms: ${url}\n${daemon?.output() ?? ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
