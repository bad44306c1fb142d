/**
 * `ringstore local` (what `npm start` runs): a whole cluster on this machine. Builds the rings
 * and configs under the data directory on first start (2 regions x 2 zones, four storage nodes,
 * 3 replicas), starts every daemon, prints how to reach it, and stops them all on Ctrl-C.
 */
import { get } from 'node:http'
import { resolve, join } from 'node:path'
import { parseArgs } from 'node:util'
import { prepareLayout, type LocalLayout } from './layout.js'
import { Supervisor, type DaemonSpec } from './supervisor.js'

/**
 * Memory settings per kind of process (docs/operations.md, "Memory"). glibc gives each thread
 * that allocates its own arena, where LevelDB's and libuv's threads leave fragments: two arenas
 * bound that. The background daemons allocate little and wait on the network, so a 1 MB young
 * generation is enough for them. objectd's requests are short-lived garbage: with 4 MB
 * semi-spaces instead of 16, its four processes held 85 MB less at the cluster's peak under
 * 4 KiB c=64 and spent no more CPU per request (two runs each). The proxy has 8 MB semi-spaces:
 * its peak under 4 KiB c=64 fell from 154-163 MB (two runs with V8's default) to 116-126 MB
 * (three runs), and its CPU per PUT and GET did not rise (four runs each, alternating; with 4 MB,
 * 1.83-1.91 ms per PUT against 1.48-1.67 ms with 8). It grows its heap in 15% steps: about
 * 10 MB less at its peak for about 7% more GC time, where --optimize-for-size saved 20 MB for
 * twice the GC time.
 *
 * objectd also starts with a 64 MB old generation (--initial-old-space-size=64). V8 counts the
 * Buffers a request body arrives in against the old generation's limit until the next full
 * collection, and objectd's limit settles near 20 MB, so a large upload set off a full
 * collection for every few MB it brought: about three per 64 MiB replica. With the floor at 64 MB
 * there were none in 24 such replicas, objectd's CPU per 64 MiB PUT fell by about a quarter,
 * and 64 MiB PUT went from 0.67-0.70x to 0.76-0.88x of Swift's MB/s, GET from 0.82-0.88x to
 * 0.95-1.12x (alternating runs); the four objectd peaked 15 MB higher under 4 KiB c=64 and
 * 64 MB higher under 64 MiB c=4.
 *
 * The proxy has the same floor, for the same reason: each body chunk it passes on, either way, is
 * a Buffer of its own. Without it, a 64 MiB PUT set off about three full collections in the
 * proxy (--trace-gc: 14 to 17 in six PUTs, three runs) and cost it 156-168 ms of CPU; with it,
 * none, and 86-110 ms. 64 MiB GET went from 0.90-0.97x of Swift's MB/s to 1.20-1.61x (four
 * rounds each, against Swift 2.30 in one run); 64 MiB PUT did not move (0.77-0.99x, 0.82-0.95x).
 * The cost: the proxy peaked at 122 MB under 4 KiB c=64 instead of 78 MB (one run each).
 *
 * Every daemon runs WebAssembly in V8's baseline compiler only (--liftoff-only). undici parses
 * HTTP with a large wasm module, and once it got hot V8 recompiled it with its optimizing
 * compiler, whose register allocator took 20 to 35 MB from malloc on a background thread at the
 * start of a load; glibc kept those pages. Under 4 KiB PUTs at c=64 each objectd peaked at 43-57
 * MB with it and 39-41 MB without (one run each), and neither the proxy's PUT, GET nor HEAD rate
 * moved (four rounds in one invocation). What else runs as wasm is the names' xxhash, on a few
 * dozen bytes; object bodies are checked with zlib's native CRC-32 (common/body-footer.ts).
 */
const WASM = '--liftoff-only'
const MEMORY = {
  env: { MALLOC_ARENA_MAX: '2' },
  objectd: ['--max-semi-space-size=4', '--initial-old-space-size=64', WASM],
  background: ['--max-semi-space-size=1', WASM],
  proxy: ['--heap-growing-percent=15', '--max-semi-space-size=8', '--initial-old-space-size=64', WASM]
}

/** The storage nodes: one objectd each. */
function storageDaemons (layout: LocalLayout): DaemonSpec[] {
  return layout.nodes.map((n) => ({ name: `objectd-${n.name}`, args: ['objectd', '--config', n.config], nodeFlags: MEMORY.objectd, env: MEMORY.env }))
}

/**
 * What talks to the storage nodes, started once they answer (a first pass then finds them up):
 * one background process for every node's daemons (a Node process costs about 80 MB), unless
 * left out, and the proxy.
 */
function clientDaemons (layout: LocalLayout, background: boolean): DaemonSpec[] {
  const configs = layout.nodes.flatMap((n) => ['--config', n.config])
  const proxy = { name: 'proxy', args: ['proxy', '--config', layout.proxyConfig], nodeFlags: MEMORY.proxy, env: MEMORY.env }
  if (!background) return [proxy]
  return [{ name: 'background', args: ['background', ...configs], nodeFlags: MEMORY.background, env: MEMORY.env }, proxy]
}

/**
 * The status of a GET of `url`, or undefined when it could not be asked. node:http rather than
 * fetch: fetch is undici, whose wasm parser cost this otherwise idle process about 10 MB.
 */
async function statusOf (url: string): Promise<number | undefined> {
  return await new Promise((resolve) => {
    get(url, (res) => {
      res.resume()
      resolve(res.statusCode)
    }).on('error', () => { resolve(undefined) })
  })
}

async function waitHealthy (url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await statusOf(url) === 200) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`)
}

// One write, so that a reader who has seen its first line has seen all of it.
function banner (layout: LocalLayout, background: boolean): string {
  const url = `http://127.0.0.1:${layout.proxyPort}`
  const noBackground = background ? '' : 'No background daemons (--no-background): nothing replicates, audits, updates or expires.\n'
  return `
Ringstore is running: ${url}  (data in ${layout.dataDir}, logs in ${join(layout.dataDir, 'logs')})
${noBackground}
Credentials (Swift tempauth v1.0 at ${url}/auth/v1.0; S3 access key = user, secret = key):
  test:tester / testing      admin of AUTH_test
  test:tester2 / testing2    admin of AUTH_test
  test:tester3 / testing3    non-admin user of AUTH_test
  test2:tester2 / testing2   admin of AUTH_test2
  test5:tester5 / testing5   service user
  admin:admin / admin        reseller admin

swift CLI:
  swift -A ${url}/auth/v1.0 -U test:tester -K testing upload mycontainer README.md
  swift -A ${url}/auth/v1.0 -U test:tester -K testing list mycontainer
rclone (swift backend):
  rclone lsf --swift-auth ${url}/auth/v1.0 --swift-user test:tester --swift-key testing :swift:mycontainer
aws CLI (S3 API):
  AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url ${url} s3 ls s3://mycontainer

Ctrl-C stops every process.
`
}

export async function main (argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      data: { type: 'string', short: 'd' },
      // The request path alone, as Swift's all-in-one runs for benchmarks (SAIO_DAEMONS=none).
      'no-background': { type: 'boolean', default: false }
    }
  })
  const port = Number(values.port ?? process.env.RINGSTORE_PORT ?? 8080)
  if (!Number.isInteger(port) || port < 1 || port > 65530) throw new Error(`--port: expected a port number, got ${values.port}`)
  const dataDir = resolve(values.data ?? process.env.RINGSTORE_DATA ?? './data')
  const layout = await prepareLayout({ dataDir, proxyPort: port })
  const supervisor = new Supervisor(join(dataDir, 'logs'))
  const stop = async (): Promise<void> => {
    process.stdout.write('\nstopping...\n')
    await supervisor.stopAll()
    process.exit(0)
  }
  process.once('SIGINT', () => { void stop() })
  process.once('SIGTERM', () => { void stop() })
  try {
    for (const spec of storageDaemons(layout)) await supervisor.start(spec)
    for (const node of layout.nodes) await waitHealthy(`http://127.0.0.1:${node.port}/healthcheck`)
    for (const spec of clientDaemons(layout, !values['no-background'])) await supervisor.start(spec)
    await waitHealthy(`http://127.0.0.1:${layout.proxyPort}/healthcheck`)
  } catch (err) {
    // A cluster that did not come up is not left running behind the error.
    await supervisor.stopAll()
    throw err
  }
  process.stdout.write(banner(layout, !values['no-background']))
}
