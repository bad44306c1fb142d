/**
 * Swift's versioned writes for containers with one of:
 * - `X-Versions-Location: <archive container>` (stack mode): a write first archives the
 *   object's current version; a DELETE restores the newest archived version in its place (and
 *   removes it from the archive), or deletes the object when none is left. A delete marker left
 *   by history mode is undone as Swift does (core/versioning.ts, restoreLatest).
 * - `X-History-Location: <archive container>` (history mode): a write archives the current
 *   version as well; a DELETE archives it, leaves a delete marker in the archive, and deletes.
 * The archive is a container of the same account (URL-encoded name in the header) that the
 * caller must be allowed to write; versions are named as Swift names them (core/versioning.ts).
 * Setting both headers on one container is a 400.
 * - S3 bucket versioning (set with PutBucketVersioning): a write keeps what it replaces as a
 *   version, a DELETE of an existing object leaves a delete marker, exactly as the S3 API's own
 *   writes do (core/bucket-versioning.ts), so that S3 clients find every version whichever API
 *   wrote it. It wins over the two headers above when a container has both.
 *
 * How: the rest of the pipeline gets a view of the store whose object writes archive first
 * whenever the container written is versioned. So every write a request makes is versioned, not
 * only plain PUTs and DELETEs: COPY and X-Copy-From onto a versioned name, SLO manifest PUTs
 * (`?multipart-manifest=put`, the previous version is archived once the manifest is valid),
 * FormPost files (formpost.ts writes through this view),
 * `?multipart-manifest=delete` (segments and manifest are deleted as versioned deletes: in
 * history mode the manifest is archived and a marker left), bulk deletes and archive
 * extraction item by item.
 *
 * Limits: concurrent writers to one object may archive the same version twice; a write made
 * on the caller's behalf by another middleware (bulk, COPY's destination) into a container
 * whose archive the caller may not write, or which does not exist, fails that write with 412
 * (a request's own object gets 401/403 or 412 before anything runs).
 * Enable: `versioned_writes` in the proxy config's `pipeline` (default), before `bulk`, `slo`
 * and `dlo` (they write through its view) and before `symlink`.
 */
import { BucketVersions, versioningOf } from '../../core/bucket-versioning.js'
import { CoreError } from '../../core/errors.js'
import type { ObjectRef, Objects } from '../../core/objects.js'
import type { ObjectStore } from '../../core/store.js'
import { Versioning, swiftNaming, type Archive } from '../../core/versioning.js'
import type { SwiftRequest } from '../context.js'
import { sendError } from '../errors.js'
import { headerValue } from '../headers.js'
import type { SwiftMiddleware } from '../pipeline.js'

interface ArchiveSetting { mode: 'stack' | 'history', archive: Archive }
interface BucketSetting { mode: 's3', versions: BucketVersions }

async function settingOf (store: ObjectStore, account: string, container: string): Promise<ArchiveSetting | BucketSetting | undefined> {
  const info = await store.containers.info(account, container)
  const s3 = versioningOf(info)
  if (s3 !== undefined) return { mode: 's3', versions: new BucketVersions(store, account, container, s3) }
  const meta = info.meta
  const stack = meta['x-versions-location'] ?? ''
  const history = meta['x-history-location'] ?? ''
  const value = stack !== '' ? stack : history
  if (value === '') return undefined
  let archive: string
  try {
    archive = decodeURIComponent(value)
  } catch {
    return undefined
  }
  return { mode: stack !== '' ? 'stack' : 'history', archive: { container: archive, naming: swiftNaming } }
}

/** A container PUT or POST may name one archive mode, not both. */
function checkContainerSettings (r: SwiftRequest): void {
  const stack = headerValue(r.req.headers, 'x-versions-location')
  const history = headerValue(r.req.headers, 'x-history-location')
  if (stack !== undefined && stack !== '' && history !== undefined && history !== '') {
    throw new CoreError('BAD_REQUEST', 'Only one of X-Versions-Location or X-History-Location may be specified')
  }
}

/** Why `ref` may not be written as a versioned write now (status and text), if it may not. */
async function refusal (store: ObjectStore, r: SwiftRequest, ref: ObjectRef, setting: ArchiveSetting | BucketSetting,
  vouched = false): Promise<[number, string] | undefined> {
  // A bucket's versions are kept for whoever may write the bucket, as the S3 API keeps them.
  if (setting.mode === 's3') return undefined
  const archive = setting.archive.container
  if (!vouched && !(await r.allowed('PUT', ref.account, archive, ref.object))) {
    return [r.identity === undefined ? 401 : 403, `no write access to the versions container ${archive}`]
  }
  if (!(await store.containers.info(ref.account, archive)).exists) return [412, `versions container ${archive} does not exist`]
  return undefined
}

/**
 * The store as the rest of the pipeline sees it: writes to a versioned container archive first.
 * `vouched`: the writes were signed for (FormPost), which covers their archive copies too, as
 * Swift's formpost subrequests are allowed to archive.
 */
export function versionedStore (store: ObjectStore, r: SwiftRequest, vouched = false): ObjectStore {
  const versions = new Versioning(store)
  const settingFor = async (ref: ObjectRef): Promise<ArchiveSetting | BucketSetting | undefined> => {
    const setting = await settingOf(store, ref.account, ref.container)
    if (setting === undefined) return undefined
    const refused = await refusal(store, r, ref, setting, vouched)
    if (refused !== undefined) throw new CoreError('PRECONDITION_FAILED', refused[1])
    return setting
  }
  // Objects.copy writes its destination through `this.put`, so copies archive here as well.
  const put: Objects['put'] = async (ref, input) => {
    const setting = await settingFor(ref)
    if (setting?.mode === 's3') {
      const written = await setting.versions.write(ref.object, async (marks) => await store.objects.put(ref, { ...input, headers: { ...input.headers, ...marks } }))
      return written.result
    }
    if (setting !== undefined) await versions.archiveCurrent(ref, setting.archive)
    return await store.objects.put(ref, input)
  }
  const del: Objects['delete'] = async (ref) => {
    const setting = await settingFor(ref)
    if (setting === undefined) return await store.objects.delete(ref)
    if (setting.mode === 's3') return await setting.versions.deleteCurrent(ref.object) ? 204 : 404
    if (setting.mode === 'history') {
      await versions.archiveCurrent(ref, setting.archive)
      await versions.writeDeleteMarker(ref, setting.archive)
    } else if (await versions.restoreLatest(ref, setting.archive)) {
      return 204
    }
    return await store.objects.delete(ref)
  }
  // Manifests (SLO PUTs) are written through this view's put.
  return { ...store, objects: store.objects.with({ put, delete: del }, true) }
}

const WRITES = new Set(['PUT', 'POST', 'DELETE', 'COPY'])

export const versionedWrites: SwiftMiddleware = {
  name: 'versioned_writes',
  phase: 'post-auth',
  info: { allowed_flags: ['x-versions-location', 'x-history-location'] },
  async handle (ctx, r, next) {
    const method = r.req.method
    if (r.path.container !== undefined && r.path.object === undefined && (method === 'PUT' || method === 'POST')) checkContainerSettings(r)
    if (!WRITES.has(method)) {
      await next()
      return
    }
    if (r.path.object !== undefined && (method === 'PUT' || method === 'DELETE')) {
      const ref = { account: r.path.account, container: r.path.container as string, object: r.path.object }
      const setting = await settingOf(ctx.store, ref.account, ref.container)
      const refused = setting === undefined ? undefined : await refusal(ctx.store, r, ref, setting)
      if (refused !== undefined) {
        sendError(r.reply, ...refused)
        return
      }
    }
    await next({ ...ctx, store: versionedStore(ctx.store, r) })
  }
}
