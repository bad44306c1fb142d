/**
 * The ringbuilder verbs. Each takes the builder file and the words after the verb, does one
 * thing, and returns an exit code; bad input throws UsageError (or the ring's own errors), which
 * main.ts turns into exit code 2.
 */
import { access } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { formatDevice, parseDeviceSpec, RingBuilder, searchDevices, type Device, type NewDevice } from '../src/ring/index.js'
import { exitOk, exitWarning, UsageError } from './cli-error.js'
import { showBuilder, showDispersion } from './report.js'

export type Verb = (file: string, args: string[]) => Promise<number>

function integer (text: string | undefined, what: string): number {
  if (text === undefined || !/^-?\d+$/.test(text)) throw new UsageError(`${what} must be an integer, got ${JSON.stringify(text ?? '')}`)
  return Number(text)
}

function weight (text: string | undefined): number {
  const w = Number(text)
  if (text === undefined || text.trim() === '' || !Number.isFinite(w)) throw new UsageError(`weight must be a number, got ${JSON.stringify(text ?? '')}`)
  if (w < 0) throw new UsageError(`weight must not be negative, got ${text}`)
  return w
}

function noMoreArgs (args: string[], usage: string): void {
  if (args.length > 0) throw new UsageError(`unexpected ${JSON.stringify(args[0])}; usage: ${usage}`)
}

/** The ring file beside a builder: object.builder -> object.ring.gz. */
export function ringFileOf (builderFile: string): string {
  return join(dirname(builderFile), `${basename(builderFile).replace(/\.builder$/, '')}.ring.gz`)
}

/** Devices matching a search, at least one. */
function matching (b: RingBuilder, search: string): Device[] {
  const found = searchDevices(b.devices, search)
  if (found.length === 0) throw new UsageError(`unknown device: no device matches ${JSON.stringify(search)}`)
  return found
}

const create: Verb = async (file, args) => {
  const usage = 'create <part_power> <replicas> <min_part_hours>'
  if (args.length !== 3) throw new UsageError(`usage: ${usage}`)
  const [partPower, replicas, minPartHours] = [integer(args[0], 'part_power'), integer(args[1], 'replicas'), integer(args[2], 'min_part_hours')]
  const exists = await access(file).then(() => true, () => false)
  if (exists) throw new UsageError(`${file} already exists; remove it first to start a new ring`)
  await RingBuilder.create(partPower, replicas, minPartHours).save(file)
  console.log(`Created ${file}: ${2 ** partPower} partitions, ${replicas} replicas, min_part_hours ${minPartHours}`)
  return exitOk
}

const addOptions = {
  region: { type: 'string' },
  zone: { type: 'string' },
  ip: { type: 'string' },
  port: { type: 'string' },
  'replication-ip': { type: 'string' },
  'replication-port': { type: 'string' },
  device: { type: 'string' },
  weight: { type: 'string' },
  meta: { type: 'string' }
} as const

/** `add <spec> <weight> [<spec> <weight> ...]` or `add --region .. --zone .. --ip .. --port .. --device .. --weight ..`. */
function newDevices (args: string[]): NewDevice[] {
  // Flags only when the first word is one: a negative weight like `-5` is a value to reject, not an option.
  if (args[0]?.startsWith('--') === true) {
    const { values, positionals } = parseArgs({ args, options: addOptions, allowPositionals: true })
    noMoreArgs(positionals, 'add --region R --zone Z --ip IP --port P --device NAME --weight W')
    const missing = ['zone', 'ip', 'port', 'device', 'weight'].filter((k) => values[k as keyof typeof values] === undefined)
    if (missing.length > 0) throw new UsageError(`add: missing --${missing.join(', --')}`)
    return [{
      region: values.region === undefined ? 1 : integer(values.region, 'region'),
      zone: integer(values.zone, 'zone'),
      ip: values.ip as string,
      port: integer(values.port, 'port'),
      replicationIp: values['replication-ip'],
      replicationPort: values['replication-port'] === undefined ? undefined : integer(values['replication-port'], 'replication port'),
      device: values.device as string,
      weight: weight(values.weight),
      meta: values.meta
    }]
  }
  if (args.length === 0 || args.length % 2 !== 0) {
    throw new UsageError('usage: add r<region>z<zone>-<ip>:<port>/<device> <weight> [...] (or the same with --region, --zone, ... flags)')
  }
  const devices: NewDevice[] = []
  for (let i = 0; i < args.length; i += 2) devices.push({ ...parseDeviceSpec(args[i]), weight: weight(args[i + 1]) })
  return devices
}

const add: Verb = async (file, args) => {
  const specs = newDevices(args)
  const b = await RingBuilder.load(file)
  const added = specs.map((spec) => b.addDevice(spec))
  await b.save(file)
  for (const d of added) console.log(`Device ${formatDevice(d)} with weight ${d.weight} added as id ${d.id}`)
  return exitOk
}

const remove: Verb = async (file, args) => {
  if (args.length === 0) throw new UsageError('usage: remove <search> [<search> ...]')
  const b = await RingBuilder.load(file)
  const gone = args.flatMap((search) => matching(b, search))
  for (const d of new Set(gone)) {
    b.removeDevice(d.id)
    console.log(`Device ${formatDevice(d)} marked for removal; its partitions move at the next rebalance`)
  }
  await b.save(file)
  return exitOk
}

const setWeight: Verb = async (file, args) => {
  if (args.length === 0 || args.length % 2 !== 0) throw new UsageError('usage: set_weight <search> <weight> [<search> <weight> ...]')
  const b = await RingBuilder.load(file)
  for (let i = 0; i < args.length; i += 2) {
    const w = weight(args[i + 1])
    for (const d of matching(b, args[i])) {
      b.setWeight(d.id, w)
      console.log(`Device ${formatDevice(d)} weight set to ${w}`)
    }
  }
  await b.save(file)
  return exitOk
}

const setOverload: Verb = async (file, args) => {
  if (args.length !== 1) throw new UsageError('usage: set_overload <fraction>|<percent>%')
  const text = args[0]
  const percent = text.endsWith('%')
  const value = Number(percent ? text.slice(0, -1) : text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`overload must be a non-negative number or percentage, got ${JSON.stringify(text)}`)
  const b = await RingBuilder.load(file)
  b.setOverload(percent ? value / 100 : value)
  await b.save(file)
  console.log(`Overload set to ${(b.overload * 100).toFixed(2)}% (${b.overload})`)
  return exitOk
}

const setMinPartHours: Verb = async (file, args) => {
  if (args.length !== 1) throw new UsageError('usage: set_min_part_hours <hours>')
  const b = await RingBuilder.load(file)
  b.setMinPartHours(integer(args[0], 'min_part_hours'))
  await b.save(file)
  console.log(`min_part_hours set to ${b.minPartHours}`)
  return exitOk
}

const rebalance: Verb = async (file, args) => {
  const { values, positionals } = parseArgs({ args, options: { seed: { type: 'string' } }, allowPositionals: true })
  noMoreArgs(positionals, 'rebalance [--seed N]')
  const b = await RingBuilder.load(file)
  const result = b.rebalance({ seed: values.seed === undefined ? undefined : integer(values.seed, 'seed') })
  const slots = b.partCount * b.replicas
  if (result.moved > 0) {
    await b.save(file)
    await b.writeRing(ringFileOf(file))
  }
  console.log(`Reassigned ${result.moved} (${(100 * result.moved / slots).toFixed(2)}%) partition-replicas of ${result.movedParts} partitions. ` +
    `Balance is now ${result.balance.toFixed(2)}. (seed ${result.seed})`)
  if (result.heldByMinPartHours > 0) {
    console.log(`${result.heldByMinPartHours} partitions could not move yet because of min_part_hours (${b.minPartHours}h); rebalance again later.`)
  }
  if (result.moved === 0) {
    console.log('No partitions could be reassigned: either none need to be or min_part_hours has not passed.')
    return exitWarning
  }
  return result.heldByMinPartHours > 0 ? exitWarning : exitOk
}

const writeRing: Verb = async (file, args) => {
  noMoreArgs(args, 'write_ring')
  const b = await RingBuilder.load(file)
  const ringFile = ringFileOf(file)
  await b.writeRing(ringFile)
  console.log(`Wrote ${ringFile}`)
  return exitOk
}

const show: Verb = async (file, args) => {
  const b = await RingBuilder.load(file)
  if (args.length === 0) console.log(showBuilder(file, b))
  for (const d of args.flatMap((search) => matching(b, search))) console.log(`${formatDevice(d)} weight ${d.weight}`)
  return exitOk
}

const dispersion: Verb = async (file, args) => {
  noMoreArgs(args, 'dispersion')
  const b = await RingBuilder.load(file)
  console.log(showDispersion(b.dispersionReport()))
  return exitOk
}

const validate: Verb = async (file, args) => {
  noMoreArgs(args, 'validate')
  const b = await RingBuilder.load(file)
  b.validate()
  console.log(`${file}: valid`)
  return exitOk
}

export const verbs: Record<string, Verb> = {
  create,
  add,
  remove,
  set_weight: setWeight,
  set_overload: setOverload,
  set_min_part_hours: setMinPartHours,
  rebalance,
  write_ring: writeRing,
  show,
  search: show,
  dispersion,
  validate
}
