// The storage node's batched point reads, on a real LevelDB: reads started in one turn of the
// event loop share one getMany and each gets its own value; a failed getMany fails each of them.
import t from 'tap'
import { Level } from 'level'
import { join } from 'node:path'
import { ReadBatch } from '../../src/objectd/read-batch.js'
import { tempDir } from '../helpers/process.js'

t.test('reads started together share one getMany, each with its own value', async (t) => {
  const db = new Level<string, Buffer>(join(await tempDir(t), 'db'), { keyEncoding: 'utf8', valueEncoding: 'buffer' })
  t.teardown(async () => { if (db.status === 'open') await db.close() })
  await db.batch([{ type: 'put', key: 'a', value: Buffer.from('1') }, { type: 'put', key: 'b', value: Buffer.from('2') }])
  let calls = 0
  const getMany = db.getMany.bind(db)
  db.getMany = (async (keys: string[]) => { calls++; return await getMany(keys) }) as typeof db.getMany
  const reads = new ReadBatch(db)

  const values = await Promise.all(['a', 'missing', 'b', 'a'].map(async (k) => await reads.get(k)))
  t.same(values.map((v) => v?.toString()), ['1', undefined, '2', '1'])
  t.equal(calls, 1, 'one getMany for the four reads')

  t.equal((await reads.get('b'))?.toString(), '2', 'a lone read')
  t.equal(calls, 2)

  await db.close()
  const failed = await Promise.allSettled([reads.get('a'), reads.get('b')])
  t.same(failed.map((r) => r.status), ['rejected', 'rejected'], 'a closed database fails every read of the batch')
})
