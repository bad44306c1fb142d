/**
 * DeleteObjects: up to 1,000 keys in one request, quiet or not, each deleted as DeleteObject
 * deletes it (with its segments; on a versioned bucket as a delete marker, or the one version
 * its VersionId names). As in S3, only the bucket's owner deletes versions for good: for a
 * writer who is not, an entry with a VersionId fails with AccessDenied.
 */
import { ownsAccount } from '../../auth/index.js'
import { accountAclFor } from '../account-access.js'
import { requestDocument, type S3Context, type S3Request } from './context.js'
import { S3Error, malformedXml } from './errors.js'
import { bucketVersions } from './objects.js'
import { sendXml } from './respond.js'
import { checkVersionId } from './versioning.js'
import { listOf, parseXml, textOf, type XmlObject } from './xml.js'

const MAX_KEYS = 1000
const PARALLEL = 16

export async function deleteObjects (ctx: S3Context, r: S3Request): Promise<void> {
  const versions = await bucketVersions(ctx, r)
  const doc = parseXml(await requestDocument(r, 2 * 1024 * 1024), 'Delete')
  const quiet = (textOf(doc, 'Quiet') ?? 'false').toLowerCase() === 'true'
  const keys = listOf(doc, 'Object').map((o) => {
    const key = textOf(o, 'Key')
    if (key === undefined || key === '') throw malformedXml()
    const versionId = textOf(o, 'VersionId')
    return { key, versionId: versionId === undefined ? undefined : checkVersionId(versionId) }
  })
  if (keys.length === 0) throw malformedXml()
  if (keys.length > MAX_KEYS) throw new S3Error('MalformedXML', `You have attempted to delete more objects than allowed (${MAX_KEYS})`)
  const mayDeleteVersions = ownsAccount(r.identity, r.account, await accountAclFor(ctx.store, r.identity, r.account))
  const deleted: XmlObject[] = []
  const errors: XmlObject[] = []
  for (let i = 0; i < keys.length; i += PARALLEL) {
    await Promise.all(keys.slice(i, i + PARALLEL).map(async ({ key, versionId }) => {
      if (versionId !== undefined && !mayDeleteVersions) {
        errors.push({ Key: key, VersionId: versionId, Code: 'AccessDenied', Message: 'Access Denied' })
        return
      }
      try {
        const outcome = await versions.delete(key, versionId)
        if (quiet) return
        // A marker deleted by its id, or one just written: S3 names it in both cases.
        const marker = outcome.deleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: outcome.versionId } : {}
        deleted.push({ Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}), ...marker })
      } catch (err) {
        r.req.log.warn({ err, key }, 'DeleteObjects: one key failed')
        errors.push({ Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}), Code: 'InternalError', Message: (err as Error).message })
      }
    }))
  }
  sendXml(r, 200, 'DeleteResult', { Deleted: deleted, Error: errors })
}
