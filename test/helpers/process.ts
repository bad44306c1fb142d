/**
 * Test helpers for real processes: free ports, fresh temp dirs, daemons started as child
 * processes from the compiled CLI, waited for on /healthcheck, and killed when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (tests run from dist/test/...). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const cliPath = join(repoRoot, 'dist', 'src', 'cli.js')

/** Ports this process has handed out: the kernel may offer a just-closed port again at once. */
const handedOut = new Set<number>()

export async function freePort (): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer()
      srv.unref()
      srv.on('error', reject)
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address()
        srv.close(() => { resolve(typeof addr === 'object' && addr !== null ? addr.port : 0) })
      })
    })
    if (!handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
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
