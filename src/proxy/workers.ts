/**
 * Proxy workers, as Swift's `workers`: one proxy process uses one core at most (docs/operations.md,
 * "Proxy workers"). The process started as `ringstore proxy` listens and serves, and forks
 * `workers - 1` more of itself that serve on the same listening socket, handed to them over IPC;
 * the kernel gives each new connection to one of them. No extra process only supervises, so a
 * worker costs its own memory and nothing more.
 *
 * The first process restarts a worker that dies, and stops them all when it stops. A worker
 * stops when it is told to (SIGTERM) or when the first process is gone (its IPC channel
 * closes); it leaves Ctrl-C's SIGINT, which reaches every process of the terminal's group, to
 * the first process, which passes it on as SIGTERM.
 *
 * `/metrics` answers for all of them: whichever process serves the scrape gathers every
 * process's registry through the first one and sums them (prom-client's aggregation).
 */
import { fork, type ChildProcess } from 'node:child_process'
import type { Server } from 'node:net'
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client'
import type { Logger } from '../common/logger.js'

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>

/** Set in a forked worker's environment. */
const WORKER_ENV = 'RINGSTORE_PROXY_WORKER'
const RESTART_DELAY_MS = 1000
/** A worker that has not answered a metrics request by then is left out of that scrape. */
const METRICS_TIMEOUT_MS = 2000

type Message =
  | { type: 'ready' }
  | { type: 'listen' }
  | { type: 'registry', id: number }
  | { type: 'registry-answer', id: number, metrics: MetricsJson }
  | { type: 'scrape', id: number }
  | { type: 'scrape-answer', id: number, text: string }

export function isForkedWorker (): boolean {
  return process.env[WORKER_ENV] === '1' && process.send !== undefined
}

function aggregate (registries: MetricsJson[]): Promise<string> {
  return AggregatorRegistry.aggregate(registries).metrics()
}

/** Requests over one IPC channel, matched to their answers by id. */
class Asker {
  private nextId = 1
  private readonly waiting = new Map<number, (answer: Message) => void>()

  constructor (private readonly send: (m: Message) => boolean) {}

  async ask (question: (id: number) => Message): Promise<Message | undefined> {
    const id = this.nextId++
    return await new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting.delete(id); resolve(undefined) }, METRICS_TIMEOUT_MS)
      this.waiting.set(id, (answer) => { clearTimeout(timer); resolve(answer) })
      if (!this.send(question(id))) { clearTimeout(timer); this.waiting.delete(id); resolve(undefined) }
    })
  }

  /** Takes an answer; false when the message is not one. */
  settle (m: Message): boolean {
    if (m.type !== 'registry-answer' && m.type !== 'scrape-answer') return false
    this.waiting.get(m.id)?.(m)
    this.waiting.delete(m.id)
    return true
  }
}

interface Worker { child: ChildProcess, asker: Asker }

/** In the first process: the forked workers. */
export class WorkerPool {
  private readonly workers = new Set<Worker>()
  private stopping = false

  constructor (private readonly registry: Registry, private readonly logger: Logger) {}

  /** Forks `count` workers to serve on `server`, which listens already. */
  start (server: Server, count: number): void {
    for (let i = 0; i < count; i++) this.fork(server)
  }

  private fork (server: Server): void {
    const child = fork(process.argv[1], process.argv.slice(2), {
      env: { ...process.env, [WORKER_ENV]: '1' },
      execArgv: process.execArgv,
      // The worker's logs go where the first process's go.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    const worker: Worker = { child, asker: new Asker((m) => child.connected && child.send(m)) }
    this.workers.add(worker)
    child.on('message', (m: Message) => {
      if (worker.asker.settle(m)) return
      if (m.type === 'ready' && child.connected) child.send({ type: 'listen' }, server)
      if (m.type === 'scrape') void this.scrape().then((text) => { if (child.connected) child.send({ type: 'scrape-answer', id: m.id, text }) })
    })
    child.once('exit', (code, signal) => {
      this.workers.delete(worker)
      if (this.stopping) return
      this.logger.error({ pid: child.pid, code, signal }, 'proxy worker exited; starting another')
      setTimeout(() => { if (!this.stopping) this.fork(server) }, RESTART_DELAY_MS).unref()
    })
  }

  /** Every process's metrics, summed. */
  async scrape (): Promise<string> {
    const answers = await Promise.all([...this.workers].map(async (w) => await w.asker.ask((id) => ({ type: 'registry', id }))))
    const others = answers.flatMap((a) => (a?.type === 'registry-answer' ? [a.metrics] : []))
    return await aggregate([await this.registry.getMetricsAsJSON(), ...others])
  }

  /** SIGTERM to every worker; resolves once all have exited (each finishes its requests in flight first). */
  async stop (): Promise<void> {
    this.stopping = true
    await Promise.all([...this.workers].map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      await new Promise<void>((resolve) => {
        child.once('exit', () => { resolve() })
        child.kill('SIGTERM')
      })
    }))
  }
}

/** In a forked worker: asks for the listening socket, and resolves with it. */
export async function receiveListener (): Promise<Server> {
  return await new Promise((resolve) => {
    const onMessage = (m: Message, handle: unknown): void => {
      if (m.type !== 'listen') return
      process.off('message', onMessage)
      resolve(handle as Server)
    }
    process.on('message', onMessage)
    process.send?.({ type: 'ready' })
  })
}

/**
 * In a forked worker: answers the first process's requests for this process's metrics, and
 * gives the scrape function for this worker's /metrics (every process's, through the first).
 */
export function workerMetrics (registry: Registry): () => Promise<string> {
  const send = (m: Message): boolean => process.connected && (process.send?.(m) ?? false)
  const asker = new Asker(send)
  process.on('message', (m: Message) => {
    if (asker.settle(m)) return
    if (m.type === 'registry') void registry.getMetricsAsJSON().then((metrics) => { send({ type: 'registry-answer', id: m.id, metrics }) })
  })
  return async () => {
    const answer = await asker.ask((id) => ({ type: 'scrape', id }))
    if (answer?.type === 'scrape-answer') return answer.text
    // The first process did not answer: this process's own, rather than nothing.
    return await aggregate([await registry.getMetricsAsJSON()])
  }
}
