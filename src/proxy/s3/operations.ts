/**
 * Which S3 operation a request is (by method, bucket/key presence and sub-resource), what access
 * it needs, and its handler. Sub-resources we do not serve answer NotImplemented.
 */
import type { IncomingHttpHeaders } from 'node:http'
import {
  createBucket, deleteBucket, getBucketAcl, getBucketLocation, getBucketVersioning, headBucket, listBuckets, putBucketAcl,
  putBucketVersioning
} from './buckets.js'
import type { S3Context, S3Request } from './context.js'
import { deleteBucketCors, getBucketCors, putBucketCors } from './cors.js'
import { deleteObjects } from './delete-objects.js'
import { S3Error, notImplemented } from './errors.js'
import { listObjectVersions } from './list-versions.js'
import { listObjectsV1, listObjectsV2 } from './listing.js'
import {
  abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart, uploadPartCopy
} from './multipart.js'
import { copyObject, deleteObject, getObject, getObjectAcl, putObject, putObjectAcl } from './objects.js'
import {
  deleteBucketTagging, deleteObjectTagging, getBucketTagging, getObjectTagging, putBucketTagging, putObjectTagging
} from './tagging.js'

/**
 * `authenticated`: any known caller; `account-read`: who may list the account, as its Swift
 * listing (owners, and the users its account ACL lets read); the others as the bucket's ACLs
 * (owners always).
 */
export type Access = 'authenticated' | 'account-read' | 'bucket-read' | 'bucket-owner' | 'object-read' | 'object-write'

export interface Operation {
  name: string
  access: Access
  /** Reads a copy source (x-amz-copy-source), whose account and access the router settles. */
  copies?: boolean
  run: (ctx: S3Context, r: S3Request, sourceAccount: string) => Promise<void>
}

const op = (name: string, access: Access, run: Operation['run'], copies = false): Operation => ({ name, access, run, copies })

/** Bucket sub-resources we know of but do not serve. */
const UNSERVED = ['policy', 'lifecycle', 'website', 'logging', 'notification', 'encryption', 'replication',
  'requestPayment', 'accelerate', 'object-lock', 'ownershipControls', 'publicAccessBlock', 'analytics', 'metrics',
  'inventory', 'intelligent-tiering', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'attributes']

function notServed (method: string, sub: string): Operation {
  return op(`${method} ?${sub}`, 'authenticated', async () => { throw notImplemented(`${method} ?${sub}`) })
}

function serviceOperation (method: string): Operation {
  if (method === 'GET') return op('ListBuckets', 'account-read', listBuckets)
  throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.')
}

function bucketOperation (method: string, q: URLSearchParams): Operation {
  const unserved = UNSERVED.find((s) => q.has(s))
  if (unserved !== undefined) return notServed(method, unserved)
  switch (method) {
    case 'GET':
      if (q.has('location')) return op('GetBucketLocation', 'bucket-read', getBucketLocation)
      if (q.has('versioning')) return op('GetBucketVersioning', 'bucket-owner', getBucketVersioning)
      if (q.has('acl')) return op('GetBucketAcl', 'bucket-owner', getBucketAcl)
      if (q.has('cors')) return op('GetBucketCors', 'bucket-owner', getBucketCors)
      if (q.has('tagging')) return op('GetBucketTagging', 'bucket-owner', getBucketTagging)
      if (q.has('uploads')) return op('ListMultipartUploads', 'bucket-read', listMultipartUploads)
      if (q.has('versions')) return op('ListObjectVersions', 'bucket-read', listObjectVersions)
      if (q.get('list-type') === '2') return op('ListObjectsV2', 'bucket-read', listObjectsV2)
      return op('ListObjects', 'bucket-read', listObjectsV1)
    case 'HEAD': return op('HeadBucket', 'bucket-read', headBucket)
    case 'PUT':
      if (q.has('acl')) return op('PutBucketAcl', 'bucket-owner', putBucketAcl)
      if (q.has('cors')) return op('PutBucketCors', 'bucket-owner', putBucketCors)
      if (q.has('versioning')) return op('PutBucketVersioning', 'bucket-owner', putBucketVersioning)
      if (q.has('tagging')) return op('PutBucketTagging', 'bucket-owner', putBucketTagging)
      return op('CreateBucket', 'authenticated', createBucket)
    case 'DELETE':
      if (q.has('cors')) return op('DeleteBucketCors', 'bucket-owner', deleteBucketCors)
      if (q.has('tagging')) return op('DeleteBucketTagging', 'bucket-owner', deleteBucketTagging)
      return op('DeleteBucket', 'bucket-owner', deleteBucket)
    case 'POST':
      if (q.has('delete')) return op('DeleteObjects', 'object-write', deleteObjects)
  }
  throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.')
}

function objectOperation (method: string, q: URLSearchParams, headers: IncomingHttpHeaders): Operation {
  const unserved = UNSERVED.find((s) => q.has(s))
  if (unserved !== undefined) return notServed(method, unserved)
  const copying = headers['x-amz-copy-source'] !== undefined
  switch (method) {
    case 'GET':
      if (q.has('uploadId')) return op('ListParts', 'object-write', listParts)
      if (q.has('acl')) return op('GetObjectAcl', 'bucket-owner', getObjectAcl)
      if (q.has('tagging')) return op('GetObjectTagging', 'object-read', getObjectTagging)
      return op('GetObject', 'object-read', async (ctx, r) => { await getObject(ctx, r, 'GET') })
    case 'HEAD': return op('HeadObject', 'object-read', async (ctx, r) => { await getObject(ctx, r, 'HEAD') })
    case 'PUT':
      if (q.has('uploadId') || q.has('partNumber')) {
        return copying
          ? op('UploadPartCopy', 'object-write', uploadPartCopy, true)
          : op('UploadPart', 'object-write', uploadPart)
      }
      if (q.has('acl')) return op('PutObjectAcl', 'bucket-owner', putObjectAcl)
      if (q.has('tagging')) return op('PutObjectTagging', 'object-write', putObjectTagging)
      if (copying) return op('CopyObject', 'object-write', copyObject, true)
      return op('PutObject', 'object-write', putObject)
    case 'DELETE':
      if (q.has('uploadId')) return op('AbortMultipartUpload', 'object-write', abortMultipartUpload)
      if (q.has('tagging')) return op('DeleteObjectTagging', 'object-write', deleteObjectTagging)
      // Deleting a version for good is the bucket owner's alone, as in S3 (a writer adds a delete marker).
      return op('DeleteObject', q.has('versionId') ? 'bucket-owner' : 'object-write', deleteObject)
    case 'POST':
      if (q.has('uploads')) return op('CreateMultipartUpload', 'object-write', createMultipartUpload)
      if (q.has('uploadId')) return op('CompleteMultipartUpload', 'object-write', completeMultipartUpload)
  }
  throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.')
}

export function operationFor (method: string, bucket: string | undefined, key: string | undefined,
  q: URLSearchParams, headers: IncomingHttpHeaders): Operation {
  if (bucket === undefined) return serviceOperation(method)
  if (key === undefined) return bucketOperation(method, q)
  return objectOperation(method, q, headers)
}
