/**
 * `?extract-archive`: a tar stream (plain, gzip or bzip2) read member by member and stored as
 * objects while it arrives, nothing buffered but the member being stored. Only regular files
 * become objects; directories, links and tar's own metadata entries are skipped. Member names
 * lose a leading `./` or `/`; the object name is the request's object prefix (with a slash
 * added) plus the member name, or, for an account-level request, the member name's first
 * component is the container and the rest the object.
 */
import { createGunzip } from 'node:zlib'
import { Readable, type Transform } from 'node:stream'
import { extract as tarExtract } from 'tar-stream'
import unbzip2 from 'unbzip2-stream'
import { CoreError } from '../../core/errors.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import { STATUS } from '../errors.js'
import { guessContentType } from '../guess-type.js'
import { MAX_CONTAINER_NAME_LENGTH, MAX_OBJECT_NAME_LENGTH } from '../path.js'
import { statusLine, type BulkErrors } from './bulk-report.js'

export interface ExtractLimits {
  maxContainers: number
  maxFileSize: number
}

export interface ExtractResult {
  created: number
  errors: BulkErrors
  /** Why the archive itself could not be read, when it could not. */
  invalid?: string
}

const DECOMPRESSORS: Record<string, (() => Transform) | undefined> = {
  tar: undefined,
  'tar.gz': () => createGunzip(),
  'tar.bz2': () => unbzip2() as Transform
}

/** Where a member goes: undefined when the name leaves no container or object. */
function destination (r: SwiftRequest, member: string): { container: string, object: string } | undefined {
  const name = member.replace(/^(\.\/|\/)+/, '')
  if (r.path.container !== undefined) {
    const prefix = r.path.object === undefined ? '' : r.path.object.endsWith('/') ? r.path.object : `${r.path.object}/`
    return name === '' ? undefined : { container: r.path.container, object: prefix + name }
  }
  const slash = name.indexOf('/')
  if (slash <= 0 || slash === name.length - 1) return undefined
  return { container: name.slice(0, slash), object: name.slice(slash + 1) }
}

class Extraction {
  created = 0
  readonly errors: BulkErrors = []
  private readonly knownContainers = new Set<string>()

  constructor (private readonly ctx: SwiftContext, private readonly r: SwiftRequest, private readonly limits: ExtractLimits) {}

  /** Creates the container of an account-level extraction on first use; undefined when it may proceed. */
  private async ensureContainer (container: string): Promise<number | undefined> {
    if (this.knownContainers.has(container)) return undefined
    if (Buffer.byteLength(container) > MAX_CONTAINER_NAME_LENGTH) return 400
    if (this.knownContainers.size >= this.limits.maxContainers) return 400
    const { account } = this.r.path
    if (!(await this.ctx.store.containers.info(account, container)).exists) {
      if (!(await this.r.allowed('PUT', account, container))) return this.r.identity === undefined ? 401 : 403
      const result = await this.ctx.store.containers.put(account, container, {})
      if (result.status >= 300) return result.status
    }
    this.knownContainers.add(container)
    return undefined
  }

  /** Stores one member; its outcome as an HTTP status. */
  async store (member: string, size: number, body: Readable): Promise<number> {
    const dest = destination(this.r, member)
    if (dest === undefined || Buffer.byteLength(dest.object) > MAX_OBJECT_NAME_LENGTH) return 400
    if (size > this.limits.maxFileSize) return 413
    const { account } = this.r.path
    if (this.r.path.container === undefined) {
      const refused = await this.ensureContainer(dest.container)
      if (refused !== undefined) return refused
    }
    if (!(await this.r.allowed('PUT', account, dest.container, dest.object))) return this.r.identity === undefined ? 401 : 403
    try {
      await this.ctx.store.objects.put({ account, ...dest }, {
        body, contentLength: size, headers: { 'content-type': guessContentType(dest.object) }
      })
      return 201
    } catch (err) {
      if (err instanceof CoreError) return STATUS[err.code]
      throw err
    }
  }
}

export async function extractArchive (ctx: SwiftContext, r: SwiftRequest, format: string, limits: ExtractLimits): Promise<ExtractResult> {
  if (!(format in DECOMPRESSORS)) {
    r.req.raw.resume()
    return { created: 0, errors: [], invalid: `Unsupported archive format: ${format} (tar, tar.gz or tar.bz2)` }
  }
  const decompress = DECOMPRESSORS[format]
  const source: Readable = decompress === undefined ? r.req.raw : r.req.raw.pipe(decompress())
  const reader = tarExtract()
  source.on('error', (err) => reader.destroy(err))
  source.pipe(reader)
  const job = new Extraction(ctx, r, limits)
  try {
    for await (const entry of reader) {
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        entry.resume()
        continue
      }
      // tar-stream's entries are streamx streams: wrapped as Node's for the core.
      const status = await job.store(entry.header.name, entry.header.size ?? 0, Readable.from(entry))
      entry.resume()
      if (status === 201) job.created++
      else job.errors.push([entry.header.name, statusLine(status)])
    }
  } catch (err) {
    r.req.raw.resume()
    return { created: job.created, errors: job.errors, invalid: `Invalid Tar File: ${(err as Error).message}` }
  }
  if (job.created === 0 && job.errors.length === 0) return { created: 0, errors: [], invalid: 'Invalid Tar File: No Valid Files' }
  return { created: job.created, errors: job.errors }
}
