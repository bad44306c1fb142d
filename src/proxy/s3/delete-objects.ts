/** DeleteObjects: up to 1,000 keys in one request, each deleted (with its segments), quiet or not. */
import { bucketOf, requireBucket } from './buckets.js'
import { requestDocument, type S3Context, type S3Request } from './context.js'
import { S3Error, malformedXml } from './errors.js'
import { objectRef } from './objects.js'
import { sendXml } from './respond.js'
import { listOf, parseXml, textOf, type XmlObject } from './xml.js'

const MAX_KEYS = 1000
const PARALLEL = 16

export async function deleteObjects (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  const doc = parseXml(await requestDocument(r, 2 * 1024 * 1024), 'Delete')
  const quiet = (textOf(doc, 'Quiet') ?? 'false').toLowerCase() === 'true'
  const keys = listOf(doc, 'Object').map((o) => {
    const key = textOf(o, 'Key')
    if (key === undefined || key === '') throw malformedXml()
    return key
  })
  if (keys.length === 0) throw malformedXml()
  if (keys.length > MAX_KEYS) throw new S3Error('MalformedXML', `You have attempted to delete more objects than allowed (${MAX_KEYS})`)
  const deleted: XmlObject[] = []
  const errors: XmlObject[] = []
  for (let i = 0; i < keys.length; i += PARALLEL) {
    await Promise.all(keys.slice(i, i + PARALLEL).map(async (key) => {
      try {
        await ctx.store.objects.largeObjects.deleteWithSegments(objectRef(r, bucketOf(r), key))
        if (!quiet) deleted.push({ Key: key })
      } catch (err) {
        r.req.log.warn({ err, key }, 'DeleteObjects: one key failed')
        errors.push({ Key: key, Code: 'InternalError', Message: (err as Error).message })
      }
    }))
  }
  sendXml(r, 200, 'DeleteResult', { Deleted: deleted, Error: errors })
}
