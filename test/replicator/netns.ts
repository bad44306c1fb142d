/**
 * Regions as network namespaces for the WAN tests. Each region's namespace is joined to one
 * router namespace by a veth pair (a /30 of its own), and routes to the other regions through
 * it; the region end of the pair is rate-limited on egress. Every packet between two regions
 * pays the one-way delay (and may be lost) once, so a round trip pays it twice:
 * - with sch_netem: netem on each region's egress does delay, jitter, loss and rate;
 * - without it (this machine's kernel, and CI's): tbf limits the rate on each region's egress,
 *   and the router routes inter-region packets into a TUN device, where
 *   test/helpers/wan-emulator.py holds each for the delay, drops the lost ones and writes the
 *   others back; a policy rule (packets from a region link look up a table that sends the
 *   region subnets into the TUN) keeps what comes out of the TUN on the main table, to the
 *   region links.
 * The test process reaches every region through the router over its own veth, undelayed by the
 * emulator (with netem, a region's answers to it are delayed too: netem sits on the region's
 * egress). Names are unique per call, the subnet across processes too; the namespaces are
 * deleted and the emulator is killed at teardown. Needs root (CI runs as root): a failure to
 * create them fails the test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot, type Teardown } from '../helpers/process.js'

export interface WanShape {
  /** One-way delay between two regions, in ms. */
  delayMs: number
  /** Rate of each region's link, in tc's syntax ('100mbit'). */
  rate: string
  /** Fraction of packets lost on the way from one region to another, 0 to 1. */
  loss?: number
  /** Uniform variation of the delay either way, in ms. */
  jitterMs?: number
}

export interface Wan {
  /** Namespace of each region (index 0 is region 1). */
  namespaces: string[]
  /** Address of each region's namespace. */
  addresses: string[]
  /** Bytes through each region's link (both directions) so far. */
  regionBytes: () => number[]
  /** What delays the packets: the kernel's netem, or the TUN emulator. */
  emulator: 'netem' | 'tun'
}

const emulatorPath = join(repoRoot, 'test', 'helpers', 'wan-emulator.py')
/** Routing table, in the router, that sends inter-region packets into the TUN device. */
const WAN_TABLE = '100'
const TUN = 'wan0'
let created = 0

function run (cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message}`)
  }
}

function ip (...args: string[]): void { run('ip', args) }

function tc (ns: string, ...args: string[]): void { run('ip', ['netns', 'exec', ns, 'tc', ...args]) }

/** Sets a sysctl of the namespace (through /proc, so procps need not be installed). */
function sysctl (ns: string, key: string, value: string): void {
  run('ip', ['netns', 'exec', ns, 'sh', '-c', 'echo "$1" > "$2"', 'sh', value, `/proc/sys/${key.replaceAll('.', '/')}`])
}

/** netem with the whole shape on a link's egress; false when the kernel has no netem. */
function netem (ns: string, dev: string, shape: WanShape): boolean {
  try {
    tc(ns, 'qdisc', 'add', 'dev', dev, 'root', 'netem', 'delay', `${shape.delayMs}ms`, `${shape.jitterMs ?? 0}ms`,
      'loss', `${(shape.loss ?? 0) * 100}%`, 'rate', shape.rate)
    return true
  } catch (err) {
    if (!/qdisc kind is unknown/.test((err as Error).message)) throw err
    return false
  }
}

/** Starts the emulator on the router's TUN device; resolves once it has attached. */
async function startEmulator (t: Teardown, ns: string, shape: WanShape): Promise<void> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, 'python3', emulatorPath, '--dev', TUN,
    '--delay-ms', String(shape.delayMs), '--jitter-ms', String(shape.jitterMs ?? 0), '--loss', String(shape.loss ?? 0)],
  { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  let stopping = false
  t.teardown(async () => {
    stopping = true
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGKILL')
    await exited
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => { resolve() })
    child.once('exit', (code) => { reject(new Error(`wan emulator exited ${code} before it was ready: ${stderr}`)) })
  })
  // Without it, packets between regions are dropped: say why the test is about to fail.
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`wan emulator in ${ns} died (${code ?? signal}): ${stderr}\n`)
  })
}

/**
 * A /24 under 10.99 that no other WAN on this host uses, held by a blackhole route in the main
 * namespace until the router's route replaces it. Adding a route is atomic, so test files running
 * in parallel never get the same one: the kernel refuses the second with "File exists".
 */
function claimSubnet (): string {
  for (let i = 0; i < 250; i++) {
    const subnet = `10.99.${(process.pid + created + i) % 250}`
    try {
      ip('route', 'add', 'blackhole', `${subnet}.0/24`)
      return subnet
    } catch (err) {
      if (!/File exists/.test((err as Error).message)) throw err
    }
  }
  throw new Error('no free 10.99.x.0/24 for a WAN: each has a route in the main namespace (`ip route show 10.99.0.0/16`)')
}

export async function createWan (t: Teardown, regions: number, shape: WanShape): Promise<Wan> {
  created++
  const id = `${process.pid % 10000}${created % 10}`
  const subnet = claimSubnet()
  const routerNs = `rsrt${id}`
  const namespaces = Array.from({ length: regions }, (_v, i) => `rsr${i + 1}x${id}`)
  const regionDev = (i: number): string => `rsa${i}x${id}`
  const routerDev = (i: number): string => `rsb${i}x${id}`
  // Region i's link is the /30 at 4i: the router end is .4i+1, the region end .4i+2.
  const linkNet = (i: number): string => `${subnet}.${4 * i}/30`
  const routerAddr = (i: number): string => `${subnet}.${4 * i + 1}`
  const addresses = namespaces.map((_ns, i) => `${subnet}.${4 * i + 2}`)
  const hostVeth = `rsh${id}`
  t.teardown(() => {
    for (const ns of [...namespaces, routerNs]) { try { ip('netns', 'del', ns) } catch {} }
    try { ip('link', 'del', hostVeth) } catch {}
    try { ip('route', 'del', `${subnet}.0/24`) } catch {}
  })
  ip('netns', 'add', routerNs)
  // Packets from the TUN come back in on another interface than the route to their source.
  for (const [key, value] of [['net.ipv4.ip_forward', '1'], ['net.ipv4.conf.all.rp_filter', '0'], ['net.ipv4.conf.default.rp_filter', '0']]) {
    sysctl(routerNs, key, value)
  }
  namespaces.forEach((ns, i) => {
    ip('netns', 'add', ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    ip('link', 'add', regionDev(i), 'netns', ns, 'type', 'veth', 'peer', 'name', routerDev(i), 'netns', routerNs)
    ip('-n', ns, 'addr', 'add', `${addresses[i]}/30`, 'dev', regionDev(i))
    ip('-n', ns, 'link', 'set', regionDev(i), 'up')
    ip('-n', ns, 'route', 'add', `${subnet}.0/24`, 'via', routerAddr(i))
    ip('-n', routerNs, 'addr', 'add', `${routerAddr(i)}/30`, 'dev', routerDev(i))
    ip('-n', routerNs, 'link', 'set', routerDev(i), 'up')
  })
  // The test process reaches every region through the router, on the main table: no emulator.
  ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', `rshr${id}`, 'netns', routerNs)
  ip('-n', routerNs, 'addr', 'add', `${subnet}.253/30`, 'dev', `rshr${id}`)
  ip('-n', routerNs, 'link', 'set', `rshr${id}`, 'up')
  ip('addr', 'add', `${subnet}.254/30`, 'dev', hostVeth)
  ip('link', 'set', hostVeth, 'up')
  ip('route', 'replace', `${subnet}.0/24`, 'via', `${subnet}.253`)

  const emulator = netem(namespaces[0], regionDev(0), shape) ? 'netem' : 'tun'
  if (emulator === 'netem') {
    namespaces.slice(1).forEach((ns, i) => { netem(ns, regionDev(i + 1), shape) })
  } else {
    namespaces.forEach((ns, i) => { tc(ns, 'qdisc', 'add', 'dev', regionDev(i), 'root', 'tbf', 'rate', shape.rate, 'burst', '64kb', 'latency', '400ms') })
    // Persistent (made by ip, not by the emulator), so its routes outlive an emulator that dies.
    ip('-n', routerNs, 'tuntap', 'add', 'dev', TUN, 'mode', 'tun')
    ip('-n', routerNs, 'link', 'set', TUN, 'up', 'txqueuelen', '1000')
    namespaces.forEach((_ns, i) => {
      ip('-n', routerNs, 'route', 'add', linkNet(i), 'dev', TUN, 'table', WAN_TABLE)
      ip('-n', routerNs, 'rule', 'add', 'iif', routerDev(i), 'lookup', WAN_TABLE, 'pref', '100')
    })
    await startEmulator(t, routerNs, shape)
  }
  const counter = (ns: string, dev: string, what: string): number => Number(execFileSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/statistics/${what}`]).toString())
  return {
    emulator,
    namespaces,
    addresses,
    regionBytes: () => namespaces.map((ns, i) => counter(ns, regionDev(i), 'rx_bytes') + counter(ns, regionDev(i), 'tx_bytes'))
  }
}
