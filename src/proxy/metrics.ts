/** The proxy's Prometheus metrics, declared in one place. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface ProxyMetrics {
  registry: Registry
  requestDuration: Histogram<'api' | 'method' | 'status'>
  bytesIn: Counter<'api'>
  bytesOut: Counter<'api'>
  /** `kind`: timeout (connect, headers), network (refused, reset), status (5xx and 507 answers). */
  backendErrors: Counter<'node' | 'kind'>
}

export function createProxyMetrics (): ProxyMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    requestDuration: new Histogram({
      name: 'ringstore_proxy_request_duration_seconds',
      help: 'Client request latency by API, verb and status',
      labelNames: ['api', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry]
    }),
    bytesIn: new Counter({ name: 'ringstore_proxy_bytes_in_total', help: 'Request body bytes received from clients', labelNames: ['api'], registers: [registry] }),
    bytesOut: new Counter({ name: 'ringstore_proxy_bytes_out_total', help: 'Response body bytes sent to clients', labelNames: ['api'], registers: [registry] }),
    backendErrors: new Counter({
      name: 'ringstore_proxy_backend_errors_total',
      help: 'Failed requests to storage nodes, by node (ip:port/device) and kind (timeout, network, status)',
      labelNames: ['node', 'kind'],
      registers: [registry]
    })
  }
}

