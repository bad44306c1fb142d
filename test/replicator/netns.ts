/**
 * Regions as network namespaces for the WAN test: one namespace per region, each joined to a
 * bridge namespace by a veth pair whose region end has netem (delay and rate) on egress, so
 * every packet between two regions pays the WAN twice over (out of one, into the other's reply
 * path). The test process joins the bridge too, through an undelayed veth, to write and check.
 * Names are unique per run; everything is deleted at teardown. Needs root (CI runs as root): a
 * failure to create them fails the test. A kernel without sch_netem (no delay) gets the rate
 * limit from tbf instead, and `delayed` says so.
 */
import { execFileSync } from 'node:child_process'
import type { Teardown } from '../helpers/process.js'

export interface Wan {
  /** Namespace of each region (index 0 is region 1). */
  namespaces: string[]
  /** Address of each region's namespace. */
  addresses: string[]
  /** Bytes through each region's link (both directions) so far. */
  regionBytes: () => number[]
  /** False when the kernel has no netem: the links are rate-limited but not delayed. */
  delayed: boolean
}

function ip (...args: string[]): void {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    throw new Error(`ip ${args.join(' ')} failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message}`)
  }
}

function tc (ns: string, ...args: string[]): void {
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'tc', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    throw new Error(`tc ${args.join(' ')} in ${ns} failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message}`)
  }
}

/** netem delay and rate on a link's egress; tbf (rate only) where the kernel has no netem. Returns whether delayed. */
function shape (ns: string, dev: string, netem: { delay: string, rate: string }): boolean {
  try {
    tc(ns, 'qdisc', 'add', 'dev', dev, 'root', 'netem', 'delay', netem.delay, 'rate', netem.rate)
    return true
  } catch (err) {
    if (!/qdisc kind is unknown/.test((err as Error).message)) throw err
    tc(ns, 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', netem.rate, 'burst', '64kb', 'latency', '400ms')
    return false
  }
}

export function createWan (t: Teardown, regions: number, netem: { delay: string, rate: string }): Wan {
  const id = `${process.pid % 100000}`
  const subnet = `10.99.${process.pid % 250}`
  const bridgeNs = `rsbr${id}`
  const namespaces = Array.from({ length: regions }, (_v, i) => `rsr${i + 1}x${id}`)
  const addresses = namespaces.map((_ns, i) => `${subnet}.${i + 1}`)
  const hostVeth = `rsh${id}`
  t.teardown(() => {
    for (const ns of [...namespaces, bridgeNs]) { try { ip('netns', 'del', ns) } catch {} }
    try { ip('link', 'del', hostVeth) } catch {}
  })
  let delayed = true
  ip('netns', 'add', bridgeNs)
  ip('-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge')
  ip('-n', bridgeNs, 'link', 'set', 'br0', 'up')
  namespaces.forEach((ns, i) => {
    ip('netns', 'add', ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    ip('link', 'add', `rsa${i}x${id}`, 'netns', ns, 'type', 'veth', 'peer', 'name', `rsb${i}x${id}`, 'netns', bridgeNs)
    ip('-n', ns, 'addr', 'add', `${addresses[i]}/24`, 'dev', `rsa${i}x${id}`)
    ip('-n', ns, 'link', 'set', `rsa${i}x${id}`, 'up')
    ip('-n', bridgeNs, 'link', 'set', `rsb${i}x${id}`, 'master', 'br0')
    ip('-n', bridgeNs, 'link', 'set', `rsb${i}x${id}`, 'up')
    delayed = shape(ns, `rsa${i}x${id}`, netem) && delayed
  })
  // The test process reaches every region through the bridge, without delay.
  ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', `rshb${id}`, 'netns', bridgeNs)
  ip('addr', 'add', `${subnet}.254/24`, 'dev', hostVeth)
  ip('link', 'set', hostVeth, 'up')
  ip('-n', bridgeNs, 'link', 'set', `rshb${id}`, 'master', 'br0')
  ip('-n', bridgeNs, 'link', 'set', `rshb${id}`, 'up')
  const counter = (ns: string, dev: string, what: string): number => Number(execFileSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/statistics/${what}`]).toString())
  return {
    delayed,
    namespaces,
    addresses,
    regionBytes: () => namespaces.map((ns, i) => counter(ns, `rsa${i}x${id}`, 'rx_bytes') + counter(ns, `rsa${i}x${id}`, 'tx_bytes'))
  }
}
