import t from 'tap'
import { httpDate, normalizeTimestamp, nowTimestamp, parseTimestamp } from '../../src/common/timestamp.js'

t.test('normalizes to the fixed width form', async (t) => {
  t.equal(normalizeTimestamp('1700000000'), '1700000000.00000')
  t.equal(normalizeTimestamp(1700000000.123456), '1700000000.12346')
  t.equal(normalizeTimestamp('5'), '0000000005.00000')
  t.throws(() => normalizeTimestamp('abc'))
  t.equal(parseTimestamp('-1'), undefined)
  t.equal(parseTimestamp(undefined), undefined)
})

t.test('issued timestamps strictly increase', async (t) => {
  let prev = nowTimestamp()
  for (let i = 0; i < 1000; i++) {
    const next = nowTimestamp()
    t.ok(next > prev, 'increases') || t.fail(`${next} <= ${prev}`)
    prev = next
  }
})

t.test('HTTP dates round up to the whole second, as Swift\'s Last-Modified', async (t) => {
  t.equal(httpDate('1700000000.00000'), 'Tue, 14 Nov 2023 22:13:20 GMT')
  t.equal(httpDate('1700000000.00001'), 'Tue, 14 Nov 2023 22:13:21 GMT', 'a fraction counts as the next second')
  t.equal(httpDate('1700000000.99999'), 'Tue, 14 Nov 2023 22:13:21 GMT', 'the same second again')
  t.equal(httpDate('1700000000.00000'), 'Tue, 14 Nov 2023 22:13:20 GMT', 'and back: no stale answer')
  t.equal(httpDate('0000000005.00000'), 'Thu, 01 Jan 1970 00:00:05 GMT')
})
