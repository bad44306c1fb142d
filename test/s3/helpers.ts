/** Shared by the S3 functional tests: SDK clients for the development users, and small checks. */
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3'

export function client (url: string, user = 'test:tester', key = 'testing'): S3Client {
  return new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: user, secretAccessKey: key },
    maxAttempts: 1
  })
}

/** The S3 error code a call fails with, or 'ok'. */
export async function errorCode (p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    if (err instanceof S3ServiceException) return err.name === 'Unknown' || err.name === 'UnknownError' ? String(err.$metadata.httpStatusCode) : err.name
    throw err
  }
}
