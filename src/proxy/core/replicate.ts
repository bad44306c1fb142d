/**
 * The two ways the core talks to a partition's replicas.
 *
 * - `writeAll`: the same request to every primary at once; a primary that does not answer (or
 *   answers 507 or 5xx) is replaced by the next handoff. The answers decide one status by quorum.
 * - `readFirst`: one replica at a time, nearest first, until one has the thing; a 404 from one
 *   replica does not hide another replica's copy.
 */
import type { Dispatcher } from 'undici'
import type { Device, Ring } from '../../ring/index.js'
import { drain, type BackendHeaders, type BackendResponse } from '../backend/client.js'
import { handoffs, orderForRead, quorumSize, takeSpare } from '../backend/nodes.js'
import type { CoreContext } from './context.js'
import { bestStatus } from './quorum.js'

export interface Target {
  ring: Ring
  part: number
  primaries: Device[]
}

export type PathFor = (node: Device) => string
export type HeadersFor = (node: Device, replicaIndex: number) => BackendHeaders

export interface WriteAllResult {
  status: number
  /** One answer per replica that answered, in replica order; bodies already read. */
  responses: Array<BackendResponse & { text: string }>
}

function failed (status: number): boolean {
  return status === 507 || status >= 500
}

export async function writeAll (ctx: CoreContext, target: Target, method: Dispatcher.HttpMethod,
  pathFor: PathFor, headersFor: HeadersFor, body?: string): Promise<WriteAllResult> {
  const spare = handoffs(target.ring, target.part, 2 * target.primaries.length, ctx.client.health)
  const tried = [...target.primaries]
  const nextSpare = (): Device | undefined => {
    const next = takeSpare(spare, tried)
    if (next !== undefined) tried.push(next)
    return next
  }
  const one = async (replica: number): Promise<(BackendResponse & { text: string }) | undefined> => {
    let node: Device | undefined = target.primaries[replica]
    while (node !== undefined) {
      try {
        const res = await ctx.client.request(node, method, pathFor(node), headersFor(node, replica), body)
        const text = await res.body.text()
        if (!failed(res.status)) return { ...res, text }
      } catch (err) {
        ctx.logger.debug({ err, node: `${node.ip}:${node.port}/${node.device}` }, 'backend write failed')
      }
      node = nextSpare()
    }
    return undefined
  }
  const answers = await Promise.all(target.primaries.map(async (_n, i) => await one(i)))
  const responses = answers.filter((r): r is BackendResponse & { text: string } => r !== undefined)
  const statuses = answers.map((r) => r?.status ?? 0)
  return { status: bestStatus(statuses, quorumSize(target.primaries.length)), responses }
}

export interface ReadOptions {
  /** Statuses that end the search (the thing is there, or the request itself is wrong). */
  final?: (status: number) => boolean
}

const defaultFinal = (status: number): boolean => status !== 404 && !failed(status)

/**
 * The first final answer, trying nearest primaries first, then handoffs when a primary failed.
 * Returns the last 404 when every primary said 404 (or some said it and the rest failed),
 * or undefined when no replica could vouch for an answer.
 * The caller owns (and must consume or dump) the returned body.
 */
export async function readFirst (ctx: CoreContext, target: Target, method: Dispatcher.HttpMethod,
  pathFor: PathFor, headers: BackendHeaders, opts: ReadOptions = {}): Promise<BackendResponse | undefined> {
  const final = opts.final ?? defaultFinal
  let notFound: BackendResponse | undefined
  let primaryNotFound = 0
  const ask = async (node: Device, primary: boolean): Promise<BackendResponse | undefined> => {
    let res: BackendResponse
    try {
      res = await ctx.client.request(node, method, pathFor(node), headers)
    } catch (err) {
      ctx.logger.debug({ err, node: `${node.ip}:${node.port}/${node.device}` }, 'backend read failed')
      return undefined
    }
    if (final(res.status)) {
      if (notFound !== undefined) await drain(notFound)
      return res
    }
    if (res.status === 404) {
      if (primary) primaryNotFound++
      if (notFound !== undefined) await drain(notFound)
      notFound = res
    } else {
      await drain(res)
    }
    return undefined
  }
  for (const node of orderForRead(target.primaries, ctx.opts.locality, ctx.client.health)) {
    const res = await ask(node, true)
    if (res !== undefined) return res
  }
  // Handoffs are worked out only when a primary could not answer: most reads never need them.
  if (primaryNotFound < target.primaries.length) {
    for (const node of handoffs(target.ring, target.part, target.ring.replicaCount, ctx.client.health)) {
      const res = await ask(node, false)
      if (res !== undefined) return res
    }
  }
  // A 404 only from handoffs, while no primary answered, says nothing about the thing: the
  // cluster cannot tell, which is 503 for the caller, not "not found".
  if (primaryNotFound === 0 && notFound !== undefined) {
    await drain(notFound)
    return undefined
  }
  return notFound
}

/**
 * Every primary's answer (for X-Newest): the caller picks the newest. Bodies are left open for
 * the chosen one; the caller dumps the others.
 */
export async function readAll (ctx: CoreContext, target: Target, method: Dispatcher.HttpMethod,
  pathFor: PathFor, headers: BackendHeaders): Promise<BackendResponse[]> {
  const answers = await Promise.all(target.primaries.map(async (node) => {
    try {
      return await ctx.client.request(node, method, pathFor(node), headers)
    } catch {
      return undefined
    }
  }))
  return answers.filter((r): r is BackendResponse => r !== undefined)
}
