/** S3's words for bucket versioning (core/bucket-versioning.ts holds the versions themselves). */
import { isTimestamp } from '../../common/timestamp.js'
import { NULL_VERSION, type BucketVersions, type Found } from '../core/bucket-versioning.js'
import { S3Error, invalidArgument } from './errors.js'

/** A versionId parameter: "null" or a timestamp; anything else is S3's InvalidArgument. */
export function checkVersionId (value: string, name = 'versionId'): string {
  if (value !== NULL_VERSION && !isTimestamp(value)) throw invalidArgument('Invalid version id specified', name, value)
  return value
}

export const noSuchVersion = (key: string, versionId: string): S3Error =>
  new S3Error('NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId })

/**
 * The version `versionId` of `key`: NoSuchVersion when there is none, and what `markerError` makes
 * when it is a delete marker, since each operation refuses a marker in its own words.
 */
export async function findVersion (versions: BucketVersions, key: string, versionId: string,
  markerError: (markerStamp: string) => S3Error): Promise<Found> {
  const found = await versions.find(key, versionId)
  if (found === undefined) throw noSuchVersion(key, versionId)
  if (found.where === 'archive' && found.marker) throw markerError(found.stamp)
  return found
}
