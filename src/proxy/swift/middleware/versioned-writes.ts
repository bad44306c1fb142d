/**
 * Swift's versioned writes for containers with one of:
 * - `X-Versions-Location: <archive container>` (stack mode): a PUT first archives the object's
 *   current version; a DELETE restores the newest archived version in its place (and removes it
 *   from the archive), or deletes the object when none is left.
 * - `X-History-Location: <archive container>` (history mode): a PUT archives the current
 *   version as well; a DELETE archives it, leaves a delete marker in the archive, and deletes.
 * The archive is a container of the same account (URL-encoded name in the header) that the
 * caller must be allowed to write; versions are named as in core/versioning.ts. Setting both
 * headers on one container is a 400.
 *
 * Limits: COPY to a versioned object, SLO manifest PUTs (`?multipart-manifest=put`, answered
 * by `slo` before this), bulk deletes and `?multipart-manifest=delete` do not archive; concurrent writers to one object may archive the same version twice.
 * Enable: `versioned_writes` in the proxy config's `pipeline` (default), after `slo` and `dlo`.
 */
import { CoreError } from '../../core/errors.js'
import type { ObjectRef } from '../../core/objects.js'
import { Versioning } from '../../core/versioning.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import { sendError } from '../errors.js'
import { headerValue } from '../headers.js'
import type { SwiftMiddleware } from '../pipeline.js'

interface ArchiveSetting { mode: 'stack' | 'history', archive: string }

async function archiveOf (ctx: SwiftContext, r: SwiftRequest): Promise<ArchiveSetting | undefined> {
  const meta = (await ctx.store.containers.info(r.path.account, r.path.container as string)).meta
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
  return { mode: stack !== '' ? 'stack' : 'history', archive }
}

/** A container PUT or POST may name one archive mode, not both. */
function checkContainerSettings (r: SwiftRequest): void {
  const stack = headerValue(r.req.headers, 'x-versions-location')
  const history = headerValue(r.req.headers, 'x-history-location')
  if (stack !== undefined && stack !== '' && history !== undefined && history !== '') {
    throw new CoreError('BAD_REQUEST', 'Only one of X-Versions-Location or X-History-Location may be specified')
  }
}

function refOf (r: SwiftRequest): ObjectRef {
  return { account: r.path.account, container: r.path.container as string, object: r.path.object as string }
}

async function versionedDelete (r: SwiftRequest, setting: ArchiveSetting, versions: Versioning): Promise<boolean> {
  const ref = refOf(r)
  if (setting.mode === 'history') {
    if (await versions.archiveCurrent(ref, setting.archive)) await versions.writeDeleteMarker(ref, setting.archive)
    return false
  }
  if (!(await versions.restoreLatest(ref, setting.archive))) return false
  r.reply.code(204).send()
  return true
}

export const versionedWrites: SwiftMiddleware = {
  name: 'versioned_writes',
  phase: 'post-auth',
  info: { allowed_flags: ['x-versions-location', 'x-history-location'] },
  async handle (ctx, r, next) {
    const method = r.req.method
    if (r.path.object === undefined) {
      if (r.path.container !== undefined && (method === 'PUT' || method === 'POST')) checkContainerSettings(r)
      await next()
      return
    }
    const versionable = (method === 'PUT' || method === 'DELETE') && !r.params.has('multipart-manifest')
    const setting = versionable ? await archiveOf(ctx, r) : undefined
    if (setting === undefined) {
      await next()
      return
    }
    if (!(await r.allowed('PUT', r.path.account, setting.archive, r.path.object))) {
      sendError(r.reply, r.identity === undefined ? 401 : 403, `no write access to the versions container ${setting.archive}`)
      return
    }
    if (!(await ctx.store.containers.info(r.path.account, setting.archive)).exists) {
      sendError(r.reply, 412, `versions container ${setting.archive} does not exist`)
      return
    }
    const versions = new Versioning(ctx.store)
    if (method === 'PUT') {
      await versions.archiveCurrent(refOf(r), setting.archive)
      await next()
    } else if (!(await versionedDelete(r, setting, versions))) {
      await next()
    }
  }
}
