// Which operation a request is, how addresses parse, and the XML the front end writes.
import t from 'tap'
import { checkNewBucketName, parseAddress } from '../../src/proxy/s3/address.js'
import { operationFor } from '../../src/proxy/s3/operations.js'
import { renderXml } from '../../src/proxy/s3/xml.js'

const name = (method: string, bucket?: string, key?: string, query = '', headers: Record<string, string> = {}): string =>
  operationFor(method, bucket, key, new URLSearchParams(query), headers).name

t.test('operations by method, level and sub-resource', async (t) => {
  t.equal(name('GET'), 'ListBuckets')
  t.equal(name('GET', 'b', undefined, 'list-type=2'), 'ListObjectsV2')
  t.equal(name('GET', 'b', undefined, 'uploads'), 'ListMultipartUploads')
  t.equal(name('PUT', 'b', undefined, 'acl'), 'PutBucketAcl')
  t.equal(name('POST', 'b', undefined, 'delete'), 'DeleteObjects')
  t.equal(name('PUT', 'b', 'k', 'partNumber=1&uploadId=u'), 'UploadPart')
  t.equal(name('PUT', 'b', 'k', 'partNumber=1&uploadId=u', { 'x-amz-copy-source': 'b/s' }), 'UploadPartCopy')
  t.equal(name('PUT', 'b', 'k', '', { 'x-amz-copy-source': 'b/s' }), 'CopyObject')
  t.equal(name('POST', 'b', 'k', 'uploads'), 'CreateMultipartUpload')
  t.equal(name('DELETE', 'b', 'k', 'uploadId=u'), 'AbortMultipartUpload')
  t.equal(name('GET', 'b', undefined, 'tagging'), 'GetBucketTagging')
  t.equal(name('DELETE', 'b', 'k', 'tagging'), 'DeleteObjectTagging')
  t.equal(name('GET', 'b', undefined, 'lifecycle'), 'GET ?lifecycle')
  t.throws(() => name('DELETE'), { code: 'MethodNotAllowed' })
})

t.test('path and virtual-hosted addresses; bucket names', async (t) => {
  t.same(parseAddress('127.0.0.1:8080', '/b/dir/a%20b', ''), { bucket: 'b', key: 'dir/a b', virtualHost: false })
  t.same(parseAddress('photos.s3.example:8080', '/x/y', 's3.example'), { bucket: 'photos', key: 'x/y', virtualHost: true })
  t.same(parseAddress('s3.example', '/photos', 's3.example'), { bucket: 'photos', key: undefined, virtualHost: false })
  t.throws(() => parseAddress('h', '/b/%E0%A4%A', ''), { code: 'InvalidURI' })
  for (const bad of ['ab', 'UPPER', 'under_score', '-start', 'a..b', '192.168.1.1', 'x'.repeat(64), 'seg+ments']) {
    t.throws(() => { checkNewBucketName(bad) }, { code: 'InvalidBucketName' }, bad)
  }
  t.doesNotThrow(() => { checkNewBucketName('my-bucket.2026') })
})

t.test('XML: escaping, repeated elements, attributes, empty documents', async (t) => {
  t.equal(renderXml('R', { A: 'x&<y>', B: [1, 2], C: { '@_k': 'v"', '#text': 't' }, D: undefined, E: [] }),
    '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><A>x&amp;&lt;y&gt;</A><B>1</B><B>2</B><C k="v&quot;">t</C></R>')
  t.equal(renderXml('VersioningConfiguration', {}), '<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></VersioningConfiguration>')
})
