/**
 * How multipart uploads are laid out in a bucket's `<bucket>+segments` container: the upload's
 * marker object `<key>/<uploadId>` (empty, carrying the final object's metadata) and its parts
 * `<key>/<uploadId>/<00001..10000>`, zero-padded so that listings return them in order.
 */
import { randomBytes } from 'node:crypto'
import { S3Error } from './errors.js'

export const MAX_PARTS = 10000
export const MIN_PART_SIZE = 5 * 1024 * 1024
/** The stored content type that tells upload markers from parts in listings. */
export const MARKER_CONTENT_TYPE = 'application/x-ringstore-s3-upload'
/** The final object's content type, kept on the marker. */
export const UPLOAD_CONTENT_TYPE = 'x-object-sysmeta-s3-upload-content-type'
/** A completed upload's S3 ETag (MD5 of the parts' MD5s, `-N`), on the manifest. */
export const SLO_S3_ETAG = 'x-object-sysmeta-slo-s3-etag'
/** The upload a completed object was made of, on the manifest: a retried Complete answers as the first did. */
export const UPLOAD_ID_SYSMETA = 'x-object-sysmeta-s3-upload-id'

export function newUploadId (): string {
  return randomBytes(18).toString('base64url')
}

export function checkUploadId (id: string | null): string {
  if (id === null || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id ?? '' })
  }
  return id
}

export function checkPartNumber (raw: string | null): number {
  const n = Number(raw)
  if (raw === null || !/^\d+$/.test(raw) || n < 1 || n > MAX_PARTS) {
    throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`, { ArgumentName: 'partNumber', ArgumentValue: raw ?? '' })
  }
  return n
}

export function markerName (key: string, uploadId: string): string {
  return `${key}/${uploadId}`
}

export function partPrefix (key: string, uploadId: string): string {
  return `${key}/${uploadId}/`
}

export function partName (key: string, uploadId: string, part: number): string {
  return partPrefix(key, uploadId) + String(part).padStart(5, '0')
}

export function partNumberOf (name: string): number {
  return Number(name.slice(name.lastIndexOf('/') + 1))
}

/** S3's multipart ETag: MD5 over the parts' binary MD5s, then `-<count>`. */
export function multipartEtag (partEtags: string[], md5: (b: Buffer) => string): string {
  return `${md5(Buffer.concat(partEtags.map((e) => Buffer.from(e, 'hex'))))}-${partEtags.length}`
}
