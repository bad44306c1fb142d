/**
 * Names with `.` and `..` segments through the background daemons: the replicator pushes them
 * from handoffs, the updater delivers their containers' async pendings, the expirer deletes them,
 * each under its own name. Their requests must not go through a URL parser, which would resolve
 * `/AUTH_test/exp/..` to `/AUTH_test/` (an account) and `a/../b` to `b`.
 */
import t from 'tap'
import { exactRequest, type ExactAnswer } from '../helpers/exact-request.js'
import type { Device } from '../../src/ring/index.js'
import { startCluster } from '../helpers/cluster.js'
import { clusterRing, replicateUntilQuiet, runPass } from './helpers.js'

const cluster = await startCluster(t)
const { token, storageUrl } = await cluster.auth()
const configs = cluster.layout.nodes.map((n) => n.config)

const proxy = new URL(storageUrl)
async function api (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<ExactAnswer> {
  return await exactRequest(proxy.hostname, Number(proxy.port), method, `${proxy.pathname}${path}`, { 'x-auth-token': token, ...headers }, body)
}
async function node (d: Device, method: string, path: string): Promise<ExactAnswer> {
  return await exactRequest(d.ip, d.port, method, `/${d.device}${path}`)
}

t.test('dot-segment names replicate, update their listings and expire as themselves', async (t) => {
  const objectRing = await clusterRing(configs[0], 'object')
  const containerRing = await clusterRing(configs[0], 'container')
  const container = containerRing.getNodes('AUTH_test', '..')
  t.equal((await api('PUT', '/..')).status, 201)
  t.equal((await api('PUT', '/exp')).status, 201)

  // A node that holds the container: its listing updates become async pendings while it is down.
  const down = cluster.layout.nodes.findIndex((n) => n.port === container.nodes[0].port)
  await cluster.stopNode(down)
  t.teardown(async () => { if (cluster.nodes[down] === undefined) await cluster.startNode(down) })
  const names = ['..', '.', 'a/../b', 'x/..', '../..']
  for (const name of names) t.equal((await api('PUT', `/../${name}`, {}, name)).status, 201, `PUT ../${name} with a node down`)
  await cluster.startNode(down)

  // The listing rows the down node missed come back by objectd's own retry, the updater or
  // container replication, whichever is first: all three send the container's name in a path.
  await replicateUntilQuiet(configs)
  await Promise.all(configs.map(async (c) => await runPass('updater', c)))
  for (const name of names) {
    const { part, nodes } = objectRing.getNodes('AUTH_test', '..', name)
    for (const d of nodes) {
      const got = await node(d, 'GET', `/${part}/AUTH_test/../${name}`)
      t.same([got.status, got.text], [200, name], `${name} on ${d.port}/${d.device}, under its own name`)
    }
  }
  for (const d of container.nodes) {
    const listing = await node(d, 'GET', `/${container.part}/AUTH_test/..?format=json`)
    t.same((JSON.parse(listing.text) as Array<{ name: string }>).map((r) => r.name), [...names].sort(), `the listing on ${d.port}/${d.device}`)
  }

  // The expirer's DELETE of exp/.. is of that object, not of /AUTH_test/ (what a URL makes of it).
  t.equal((await api('PUT', '/exp/..', { 'x-delete-after': '2' }, 'short-lived')).status, 201)
  t.equal((await api('PUT', '/exp/keep', {}, 'kept')).status, 201)
  await new Promise((resolve) => setTimeout(resolve, 3100))
  const expired = await Promise.all(configs.map(async (c) => await runPass('expirer', c)))
  t.equal(expired.reduce((n, p) => n + (p.expired ?? 0), 0), 3, 'each replica of exp/.. was deleted')
  const gone = objectRing.getNodes('AUTH_test', 'exp', '..')
  for (const d of gone.nodes) t.equal((await node(d, 'HEAD', `/${gone.part}/AUTH_test/exp/..`)).status, 404)
  t.equal((await api('GET', '/exp/keep')).text, 'kept', 'its neighbour is untouched')
  t.equal((await api('HEAD', '')).status, 204, 'and so is the account')
  t.equal((await api('GET', '/../a/../b')).text, 'a/../b')
})
