// Range and conditional rules as Swift applies them (checked against a Swift 2.30 all-in-one).
import t from 'tap'
import { byteRangesBody, evaluateConditions, missingFailsIfMatch, parseRange, rangeApplies } from '../../src/common/http-conditionals.js'

/** How many ranges a satisfiable header gives (0 for undefined or unsatisfiable). */
const count = (r: ReturnType<typeof parseRange>): number => Array.isArray(r) ? r.length : 0
const ranges = (n: number, at: (i: number) => number): string => `bytes=${Array.from({ length: n }, (_, i) => `${at(i)}-${at(i)}`).join(',')}`

t.test('ranges: single, suffix, open, malformed, unsatisfiable', async (t) => {
  t.same(parseRange('bytes=2-4', 10), [{ start: 2, end: 4 }])
  t.same(parseRange('bytes=-3', 10), [{ start: 7, end: 9 }])
  t.same(parseRange('bytes=7-', 10), [{ start: 7, end: 9 }])
  t.same(parseRange('bytes=5-100', 10), [{ start: 5, end: 9 }])
  t.equal(parseRange('bytes=x', 10), undefined, 'a malformed Range is ignored')
  t.equal(parseRange('bytes=4-2', 10), undefined)
  t.equal(parseRange('bytes=10-', 10), 'unsatisfiable')
  t.equal(parseRange('bytes=-0', 10), 'unsatisfiable')
  t.same(parseRange('bytes=500-600,0-1', 10), [{ start: 0, end: 1 }], 'unsatisfiable parts are dropped when others are not')
})

t.test('ranges of an empty object: a suffix is the whole (200), anything else 416', async (t) => {
  t.equal(parseRange('bytes=-1', 0), undefined)
  t.equal(parseRange('bytes=0-', 0), 'unsatisfiable')
  t.equal(parseRange('bytes=5-9', 0), 'unsatisfiable')
})

t.test('egregious multi-range requests are unsatisfiable', async (t) => {
  t.equal(count(parseRange(ranges(50, (i) => 2 * i), 200)), 50)
  t.equal(parseRange(ranges(51, (i) => 2 * i), 200), 'unsatisfiable', 'more than 50 ranges')
  t.equal(count(parseRange('bytes=0-5,3-8', 20)), 2, 'one overlapping pair')
  t.equal(parseRange('bytes=0-5,3-8,4-9', 20), 'unsatisfiable', 'three overlapping pairs')
  t.equal(parseRange('bytes=0-5,5-8,8-9,0-0', 200), 'unsatisfiable', 'ranges sharing a byte overlap')
  t.equal(count(parseRange('bytes=0-5,0-5,0-5', 200)), 3, 'equal ranges do not count as overlapping')
  t.equal(count(parseRange(ranges(7, (i) => 100 - i), 200)), 7)
  t.equal(parseRange(ranges(8, (i) => 100 - i), 200), 'unsatisfiable', 'eight ranges out of order')
  t.equal(parseRange('bytes=0-1,5-6,3-4,10-11,12-13,14-15,16-17,18-19', 200), 'unsatisfiable', 'one swap among eight')
})

t.test('conditionals: strong comparison, each header judged on its own', async (t) => {
  const etag = 'abc'
  const modified = Date.parse('Sun, 22 Nov 2026 00:00:00 GMT') / 1000
  t.equal(evaluateConditions({ 'if-match': '"abc"' }, etag, modified), undefined)
  t.equal(evaluateConditions({ 'if-match': 'W/"abc"' }, etag, modified), 412, 'a weak tag never matches If-Match')
  t.equal(evaluateConditions({ 'if-none-match': 'W/"abc"' }, etag, modified), undefined, 'nor If-None-Match')
  t.equal(evaluateConditions({ 'if-none-match': '"x", "abc"' }, etag, modified), 304)
  t.equal(evaluateConditions({ 'if-match': '*' }, etag, modified), undefined)
  t.equal(evaluateConditions({ 'if-match': '"abc"', 'if-unmodified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' }, etag, modified), 412)
  t.equal(evaluateConditions({ 'if-none-match': '"zzz"', 'if-modified-since': 'Sun, 22 Nov 2099 00:00:00 GMT' }, etag, modified), 304)
  t.equal(evaluateConditions({ 'if-none-match': '"zzz"', 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' }, etag, modified), undefined)
  t.equal(missingFailsIfMatch({ 'if-match': '*' }), true)
  t.equal(missingFailsIfMatch({ 'if-match': '"abc"' }), false)
  t.equal(missingFailsIfMatch({}), false)
})

t.test('ranges ignored for objects with the named metadata', async (t) => {
  t.equal(rangeApplies(undefined, { 'x-static-large-object': 'True' }), true)
  t.equal(rangeApplies('X-Static-Large-Object', { 'x-static-large-object': 'True' }), false)
  t.equal(rangeApplies('x-object-manifest, x-static-large-object', { 'x-static-large-object': 'True' }), false)
  t.equal(rangeApplies('x-static-large-object', { 'content-type': 'text/plain' }), true)
})

t.test('multipart/byteranges framing', async (t) => {
  const body = byteRangesBody([{ start: 0, end: 1 }, { start: 5, end: 6 }], 10, 'text/x', 'b0')
  t.equal(body.contentType, 'multipart/byteranges;boundary=b0')
  const text = `${body.heads[0]}01${body.partEnd}${body.heads[1]}56${body.partEnd}${body.closing}`
  t.equal(text, '--b0\r\nContent-Type: text/x\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n--b0\r\nContent-Type: text/x\r\nContent-Range: bytes 5-6/10\r\n\r\n56\r\n--b0--')
  t.equal(body.length, Buffer.byteLength(text))
})
