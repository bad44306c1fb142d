import t from 'tap'
import { normalizeTimestamp, nowTimestamp, parseTimestamp } from '../../src/common/timestamp.js'

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
