// The Swift feature pipeline without a cluster: configured lists are checked at startup
// (unknown names, duplicates, pre-auth after post-auth, Swift's ordering rules), phases run in
// order around the terminal, a middleware may answer without passing on, and /info lists only
// what is enabled.
import t from 'tap'
import { DEFAULT_PIPELINE } from '../../src/proxy/config.js'
import { buildSwiftPipeline, type SwiftFeatureSettings } from '../../src/proxy/swift/middleware/index.js'
import { Pipeline, PipelineError, type SwiftMiddleware } from '../../src/proxy/swift/pipeline.js'
import type { SwiftContext, SwiftRequest } from '../../src/proxy/swift/context.js'

const settings = (pipeline: string[]): SwiftFeatureSettings => ({
  pipeline,
  slo_min_segment_size: 1,
  slo_max_manifest_segments: 1000,
  bulk_max_deletes_per_request: 10000,
  bulk_max_containers_per_extraction: 10000,
  max_file_size: 5 * 1024 ** 3
})

t.test('the default pipeline enables every feature and lists them in /info', async (t) => {
  const info = buildSwiftPipeline(settings(DEFAULT_PIPELINE)).info()
  t.same(Object.keys(info).sort(), ['bulk_delete', 'bulk_upload', 'dlo', 'formpost', 'slo', 'staticweb', 'symlink', 'tempurl', 'versioned_writes'])
  const without = buildSwiftPipeline(settings(DEFAULT_PIPELINE.filter((n) => n !== 'tempurl' && n !== 'slo'))).info()
  t.notOk('tempurl' in without)
  t.notOk('slo' in without)
})

t.test('bad lists are refused at startup', async (t) => {
  const refuses = (list: string[], pattern: RegExp): void => {
    t.throws(() => buildSwiftPipeline(settings(list)), pattern)
    t.throws(() => buildSwiftPipeline(settings(list)), PipelineError)
  }
  refuses(['tempurl', 'nosuch'], /unknown middleware 'nosuch'/)
  refuses(['slo', 'slo'], /listed twice/)
  refuses(['slo', 'tempurl'], /'tempurl' runs before authentication and must come before 'slo'/)
  refuses(['slo', 'versioned_writes'], /'versioned_writes' must come before 'slo'/)
  refuses(['bulk', 'versioned_writes'], /'versioned_writes' must come before 'bulk'/)
  refuses(['tempurl', 'cors'], /'cors' must come before 'tempurl'/)
  refuses(['symlink', 'versioned_writes'], /'versioned_writes' must come before 'symlink'/)
  t.ok(buildSwiftPipeline(settings([])), 'an empty pipeline is allowed')
})

t.test('phases run in order, and a middleware may answer on its own', async (t) => {
  const trace: string[] = []
  const mw = (name: string, phase: 'pre-auth' | 'post-auth', answers = false): SwiftMiddleware => ({
    name,
    phase,
    handle: async (_ctx, _r, next) => {
      trace.push(`${name}>`)
      if (!answers) await next()
      trace.push(`<${name}`)
    }
  })
  const ctx = {} as unknown as SwiftContext
  const r = {} as unknown as SwiftRequest
  const pipeline = new Pipeline(['a', 'b', 'c'], [mw('a', 'pre-auth'), mw('b', 'post-auth'), mw('c', 'post-auth')])
  await pipeline.run(ctx, r, async (c, _r, postAuth) => {
    trace.push('auth')
    await postAuth(c, async () => { trace.push('handler') })
  })
  t.same(trace, ['a>', 'auth', 'b>', 'c>', 'handler', '<c', '<b', '<a'])
  trace.length = 0
  const answering = new Pipeline(['a', 'b'], [mw('a', 'pre-auth', true), mw('b', 'post-auth')])
  await answering.run(ctx, r, async () => { trace.push('auth') })
  t.same(trace, ['a>', '<a'], 'nothing after an answer')
})
