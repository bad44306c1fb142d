import t from 'tap'
import { runPhase } from '../../bench/phase.js'

t.test('a phase counts every byte its concurrent operations moved', async (t) => {
  const result = await runPhase('get', 1000, 50, 8, async (i) => {
    await new Promise((resolve) => setTimeout(resolve, i % 3))
    return 1000
  })
  t.equal(result.ops, 50)
  t.equal(result.errors, 0)
  t.equal(Math.round(result.mbPerSec * result.seconds * 1e6), 50 * 1000, 'bytes = ops x size')
  t.equal(Math.round(result.opsPerSec * result.seconds), 50)
})

t.test('a failed operation is counted as an error and moves no bytes', async (t) => {
  const result = await runPhase('put', 10, 4, 2, async (i) => {
    if (i === 1) throw new Error('refused')
    return 10
  })
  t.equal(result.errors, 1)
  t.equal(result.firstError, 'refused')
  t.equal(Math.round(result.mbPerSec * result.seconds * 1e6), 30)
})
