/**
 * Streams one upload to a partition's primaries at once. The client body is read once and
 * written to every replica's request; reading waits for the slowest replica (back-pressure), so
 * memory stays bounded whatever the object size.
 *
 * A replica that fails before the upload's first `replayBytes` have passed (connection refused,
 * 507, timeout) is replaced by the next handoff, which is sent the kept start of the body and
 * then follows the live stream. A replica that fails later is dropped; the caller decides by
 * quorum whether the write stands.
 *
 * Every replica's body ends with the footer that carries the body's MD5 (common/body-footer.ts),
 * so the storage nodes need not each compute it.
 */
import { PassThrough, type Readable } from 'node:stream'
import { FOOTER_BYTES, FOOTER_FORMAT, FOOTER_HEADER, FooterWriter } from '../../common/body-footer.js'
import type { Device } from '../../ring/index.js'
import type { BackendHeaders, BackendResponse } from '../backend/client.js'
import { takeSpare } from '../backend/nodes.js'
import type { CoreContext } from './context.js'
import type { HeadersFor, PathFor } from './replicate.js'

export interface LegResult {
  node: Device
  status: number
  headers: Record<string, string>
  text: string
}

interface Leg {
  node: Device
  replica: number
  input: PassThrough
  /** Settles with the node's answer once the body is sent, or with undefined on failure. */
  result: Promise<LegResult | undefined>
  active: boolean
}

export class UploadAbortedError extends Error {}

export class PutFanout {
  private readonly legs: Leg[] = []
  private replay: Buffer[] | null = []
  private replayed = 0
  private sourceDone = false
  private readonly digests = new FooterWriter()
  /** The client went away or the upload was refused: nothing more is sent anywhere. */
  private aborted = false

  constructor (
    private readonly ctx: CoreContext,
    primaries: Device[],
    private readonly spares: Device[],
    private readonly pathFor: PathFor,
    private readonly headersFor: HeadersFor,
    private readonly replayBytes: number
  ) {
    primaries.forEach((node, replica) => { this.legs.push(this.startLeg(node, replica)) })
  }

  private startLeg (node: Device, replica: number): Leg {
    const input = new PassThrough({ highWaterMark: 256 * 1024 })
    const leg: Leg = { node, replica, input, active: true, result: Promise.resolve(undefined) }
    leg.result = this.ctx.client.request(node, 'PUT', this.pathFor(node), withFooter(this.headersFor(node, replica)), input)
      .then(async (res) => await this.settle(leg, res))
      .catch(async (err: unknown) => {
        this.ctx.logger.debug({ err, node: `${node.ip}:${node.port}/${node.device}` }, 'object PUT to node failed')
        return await this.replace(leg)
      })
    return leg
  }

  private async settle (leg: Leg, res: BackendResponse): Promise<LegResult | undefined> {
    // The node has answered: whatever it did not read of the body it never will. A body it read
    // to the end is left alone: destroying it would make undici drop a good keep-alive connection.
    if (!leg.input.readableEnded) leg.input.destroy()
    const text = await res.body.text()
    if (res.status === 507 || res.status >= 500 || (res.status < 300 && !this.sourceDone)) return await this.replace(leg)
    leg.active = false
    return { node: leg.node, status: res.status, headers: res.headers, text }
  }

  /** Drops a failed leg and, while the start of the body is still kept, sends it to a handoff instead. */
  private async replace (leg: Leg): Promise<LegResult | undefined> {
    leg.active = false
    leg.input.destroy()
    const spare = this.replay !== null && !this.aborted ? takeSpare(this.spares, this.legs.map((l) => l.node)) : undefined
    if (spare === undefined) return undefined
    const next = this.startLeg(spare, leg.replica)
    for (const chunk of this.replay ?? []) next.input.write(chunk)
    if (this.sourceDone) next.input.end(this.digests.footer())
    this.legs.push(next)
    return await next.result
  }

  /**
   * Pumps the client body to every active leg; rejects with UploadAbortedError if the client goes
   * away. With a known length the legs are ended with the last byte, not when the client's stream
   * ends a tick later: a node answers as soon as it has the body, and undici drops a keep-alive
   * connection whose answer arrives before the request body was ended.
   */
  async send (source: Readable, maxBytes: number, exactLength?: number): Promise<number> {
    let total = 0
    if (exactLength === 0) this.finishLegs()
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        total += chunk.length
        if (total > maxBytes) throw new UploadAbortedError(`upload larger than ${maxBytes} bytes`)
        this.keepForReplay(chunk)
        this.digests.update(chunk)
        if (total === exactLength) {
          this.finishLegs(chunk)
          continue
        }
        const waits: Array<Promise<void>> = []
        for (const leg of this.legs) {
          if (leg.active && !leg.input.write(chunk)) waits.push(drained(leg.input))
        }
        if (waits.length > 0) await Promise.all(waits)
      }
    } catch (err) {
      this.aborted = true
      for (const leg of this.legs) leg.input.destroy(err as Error)
      throw err instanceof UploadAbortedError ? err : new UploadAbortedError(`client body ended early: ${(err as Error).message}`)
    }
    if (!this.sourceDone) this.finishLegs()
    return total
  }

  /**
   * Ends every active leg with the footer. A last chunk goes out joined to it: written apart, it
   * cost each replica of a small object a send and a read of their own.
   */
  private finishLegs (lastChunk?: Buffer): void {
    this.sourceDone = true
    const footer = this.digests.footer()
    const tail = lastChunk === undefined ? footer : Buffer.concat([lastChunk, footer])
    for (const leg of this.legs) if (leg.active) leg.input.end(tail)
  }

  private keepForReplay (chunk: Buffer): void {
    if (this.replay === null) return
    this.replayed += chunk.length
    if (this.replayed > this.replayBytes) this.replay = null
    else this.replay.push(chunk)
  }

  /** Each replica's final answer, in replica order (undefined for a replica that never succeeded). */
  async results (primaryCount: number): Promise<Array<LegResult | undefined>> {
    const firstLegs = this.legs.slice(0, primaryCount)
    return await Promise.all(firstLegs.map(async (leg) => await leg.result))
  }
}

/** A replica's request headers for a body with the footer: announced, and counted in Content-Length. */
function withFooter (headers: BackendHeaders): BackendHeaders {
  const length = headers['content-length']
  return {
    ...headers,
    [FOOTER_HEADER]: FOOTER_FORMAT,
    ...(length !== undefined ? { 'content-length': String(Number(length) + FOOTER_BYTES) } : {})
  }
}

function drained (stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
  })
}
