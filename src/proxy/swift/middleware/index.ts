/**
 * Every Swift middleware this build has, and the pipeline the proxy config asks for. Settings
 * come from the proxy's config section (src/proxy/config.ts documents each key).
 */
import type { ProxyConfig } from '../../config.js'
import { Pipeline, type SwiftMiddleware } from '../pipeline.js'
import { bulk } from './bulk.js'
import { cors } from './cors.js'
import { dlo } from './dlo.js'
import { formpost } from './formpost.js'
import { slo } from './slo.js'
import { staticweb } from './staticweb.js'
import { symlink } from './symlink.js'
import { tempurl } from './tempurl.js'
import { versionedWrites } from './versioned-writes.js'

export type SwiftFeatureSettings = Pick<ProxyConfig, 'pipeline' | 'slo_min_segment_size' | 'slo_max_manifest_segments' |
'bulk_max_deletes_per_request' | 'bulk_max_containers_per_extraction' | 'max_file_size'>

function available (s: SwiftFeatureSettings): SwiftMiddleware[] {
  return [
    cors,
    tempurl,
    formpost,
    staticweb,
    bulk({ maxDeletes: s.bulk_max_deletes_per_request, maxContainers: s.bulk_max_containers_per_extraction, maxFileSize: s.max_file_size }),
    slo({ minSegmentSize: s.slo_min_segment_size, maxSegments: s.slo_max_manifest_segments }),
    dlo,
    versionedWrites,
    symlink
  ]
}

/** @throws PipelineError when the configured list names an unknown feature or breaks an ordering rule. */
export function buildSwiftPipeline (s: SwiftFeatureSettings): Pipeline {
  return new Pipeline(s.pipeline, available(s))
}
