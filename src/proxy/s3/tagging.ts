/**
 * Object and bucket tagging calls (the tags' form and checks are in metadata.ts). An object's
 * tags are kept in its sysmeta (OBJECT_TAGGING_SYSMETA), a bucket's in its container's
 * (BUCKET_TAGGING_SYSMETA), both in the URL-encoded form of the x-amz-tagging header
 * (`k1=v1&k2=v2`), which the Swift API neither shows nor lets a client set.
 * Tags come with PutObject, CreateMultipartUpload and CopyObject (x-amz-tagging, and
 * x-amz-tagging-directive COPY or REPLACE on a copy) and with the *Tagging calls; GetObject and
 * HeadObject answer x-amz-tagging-count. Changing an object's tags rewrites its metadata (a
 * POST), not its data.
 */
import { versionIdOf, versioningOf } from '../core/bucket-versioning.js'
import type { ObjectRef } from '../core/objects.js'
import { bucketOf, requireBucket } from './buckets.js'
import { requestDocument, type S3Context, type S3Request } from './context.js'
import { S3Error, noSuchKey } from './errors.js'
import {
  MAX_OBJECT_TAGS, OBJECT_TAGGING_SYSMETA, decodeTags, encodeTags, rewritableHeaders, tagsOfDocument, type Tags
} from './metadata.js'
import { bucketVersions, objectRef } from './objects.js'
import { sendEmpty, sendXml } from './respond.js'
import { checkVersionId, findVersion, noSuchVersion } from './versioning.js'
import type { XmlObject } from './xml.js'

export const BUCKET_TAGGING_SYSMETA = 'x-container-sysmeta-s3-tagging'
const MAX_BUCKET_TAGS = 50

function tagsDocument (tags: Tags): XmlObject {
  return { TagSet: { Tag: tags.map(([Key, Value]) => ({ Key, Value })) } }
}

async function requestedTags (r: S3Request, max: number, what: string): Promise<Tags> {
  return tagsOfDocument((await requestDocument(r, 64 * 1024)).trim(), max, what)
}

/** The object (version) a tagging call is about, its stored headers and the version header to answer. */
async function target (ctx: S3Context, r: S3Request): Promise<{ ref: ObjectRef, stored: Record<string, string>, versionHeaders: Record<string, string> }> {
  const key = r.key as string
  const param = r.query.get('versionId')
  let ref = objectRef(r)
  if (param !== null) {
    ref = (await findVersion(await bucketVersions(ctx, r), key, checkVersionId(param), () =>
      new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', { Method: r.req.method, ResourceType: 'DeleteMarker' }))).ref
  }
  const res = await ctx.store.objects.get(ref, 'HEAD', {}, false, true)
  if (res.status === 404) throw param === null ? noSuchKey(key) : noSuchVersion(key, param)
  const versioned = param !== null || versioningOf(await requireBucket(ctx, r)) !== undefined
  return { ref, stored: res.headers, versionHeaders: versioned ? { 'x-amz-version-id': param ?? versionIdOf(res.headers) } : {} }
}

async function retagObject (ctx: S3Context, r: S3Request, tags: Tags, status: number): Promise<void> {
  const { ref, stored, versionHeaders } = await target(ctx, r)
  await ctx.store.objects.post(ref, { ...rewritableHeaders(stored), [OBJECT_TAGGING_SYSMETA]: encodeTags(tags) })
  sendEmpty(r, status, versionHeaders)
}

export async function getObjectTagging (ctx: S3Context, r: S3Request): Promise<void> {
  const { stored, versionHeaders } = await target(ctx, r)
  sendXml(r, 200, 'Tagging', tagsDocument(decodeTags(stored[OBJECT_TAGGING_SYSMETA])), versionHeaders)
}

export async function putObjectTagging (ctx: S3Context, r: S3Request): Promise<void> {
  await retagObject(ctx, r, await requestedTags(r, MAX_OBJECT_TAGS, 'Object'), 200)
}

export async function deleteObjectTagging (ctx: S3Context, r: S3Request): Promise<void> {
  await retagObject(ctx, r, [], 204)
}

async function writeBucketTags (ctx: S3Context, r: S3Request, tags: Tags): Promise<void> {
  await requireBucket(ctx, r)
  const result = await ctx.store.containers.write(r.account, bucketOf(r), 'POST', { [BUCKET_TAGGING_SYSMETA]: encodeTags(tags) })
  if (result.status >= 300) throw new S3Error('ServiceUnavailable', `bucket tagging update answered ${result.status}`)
}

export async function getBucketTagging (ctx: S3Context, r: S3Request): Promise<void> {
  const tags = decodeTags((await requireBucket(ctx, r)).meta[BUCKET_TAGGING_SYSMETA])
  if (tags.length === 0) throw new S3Error('NoSuchTagSet', 'The TagSet does not exist', { BucketName: bucketOf(r) })
  sendXml(r, 200, 'Tagging', tagsDocument(tags))
}

export async function putBucketTagging (ctx: S3Context, r: S3Request): Promise<void> {
  await writeBucketTags(ctx, r, await requestedTags(r, MAX_BUCKET_TAGS, 'Bucket'))
  sendEmpty(r, 204)
}

export async function deleteBucketTagging (ctx: S3Context, r: S3Request): Promise<void> {
  await writeBucketTags(ctx, r, [])
  sendEmpty(r, 204)
}
