/**
 * Endpoints for the node's background daemons (docs/replication.md), recognised by their query
 * parameter so the object, container and account routes stay as they are:
 *
 *   GET    /{device}?async_pending[&limit=N]            async pendings: [{key, host, path, rows}]
 *   DELETE /{device}?async_pending=KEY                  drop a delivered pending (replication header)
 *   GET    /{device}?expiring[&limit=N]                 live objects whose X-Delete-At has passed
 *   GET    /{device}/{part}?audit&suffix=abc            object rows of a suffix with ETag and data file
 *   POST   /{device}/{part}/{a}/{c}/{o}?quarantine      X-Timestamp = the data timestamp audited
 *   GET    /{device}/{part}/{a}[/{c}]?replication        a whole listing database: {info, rows}, deleted rows included
 */
import { BadRequest, HttpError, NotFound } from './errors.js'
import { header, isReplication, policyIndex, requireTimestamp, send, type RequestContext } from './http-util.js'
import { PENDING_PREFIX, prefixRange } from './keys.js'
import { auditEntries, expiringEntries, quarantineObject } from './quarantine.js'
import type { Services } from './services.js'

const DEFAULT_LIMIT = 1000

function limitOf (ctx: RequestContext): number {
  const raw = ctx.query.get('limit')
  if (raw === null || raw === '') return DEFAULT_LIMIT
  if (!/^\d{1,6}$/.test(raw)) throw new BadRequest(`invalid limit: ${raw}`)
  return Number(raw)
}

function json (ctx: RequestContext, value: unknown): void {
  send(ctx.res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(value))
}

async function pendings (s: Services, ctx: RequestContext): Promise<void> {
  const device = await s.devices.get(ctx.path.device)
  if (ctx.method === 'GET') {
    const out: unknown[] = []
    const limit = limitOf(ctx)
    for await (const [key, value] of device.db.iterator({ ...prefixRange(PENDING_PREFIX), limit })) {
      out.push({ key, ...JSON.parse(value.toString('utf8')) as object })
    }
    return json(ctx, out)
  }
  if (ctx.method !== 'DELETE') throw new HttpError(405, `method ${ctx.method} not allowed on async pendings`)
  if (!isReplication(ctx.req)) throw new BadRequest('dropping an async pending needs X-Backend-Replication: true')
  const key = ctx.query.get('async_pending') ?? ''
  if (!key.startsWith(PENDING_PREFIX)) throw new BadRequest(`not an async pending key: ${key}`)
  if (!(await s.pendings.drop(device, key))) throw new NotFound(`no async pending ${key}`)
  send(ctx.res, 204, {})
}

async function expiring (s: Services, ctx: RequestContext): Promise<void> {
  const device = await s.devices.get(ctx.path.device)
  json(ctx, await expiringEntries(device, Date.now() / 1000, limitOf(ctx)))
}

async function audit (s: Services, ctx: RequestContext): Promise<void> {
  const suffix = ctx.query.get('suffix') ?? ''
  if (!/^[0-9a-f]{3}$/.test(suffix)) throw new BadRequest(`invalid suffix: ${suffix}`)
  const device = await s.devices.get(ctx.path.device)
  json(ctx, await auditEntries(device, policyIndex(ctx.req, s.policies), ctx.path.partition as number, suffix))
}

async function quarantine (s: Services, ctx: RequestContext): Promise<void> {
  const p = ctx.path
  const dataTs = requireTimestamp(ctx.req)
  const device = await s.devices.get(p.device)
  const ref = s.objects.ref(device, policyIndex(ctx.req, s.policies), p.partition as number, p.account as string, p.container as string, p.object as string)
  await quarantineObject(ref, dataTs)
  s.log.warn({ device: p.device, partition: p.partition, name: `${ref.account}/${ref.container}/${ref.object}`, reason: header(ctx.req, 'x-quarantine-reason') }, 'object quarantined')
  send(ctx.res, 204, {})
}

async function listingDump (s: Services, ctx: RequestContext): Promise<void> {
  const p = ctx.path
  const device = await s.devices.get(p.device)
  const part = p.partition as number
  const ref = p.container === undefined
    ? s.accounts.ref(device, part, p.account as string)
    : s.containers.ref(device, part, p.account as string, p.container)
  const info = await device.db.get(ref.infoKey)
  if (info === undefined) throw new NotFound()
  const rows: unknown[] = []
  for await (const [key, value] of device.db.iterator(prefixRange(ref.rowPrefix))) {
    rows.push({ name: key.slice(ref.rowPrefix.length), ...JSON.parse(value.toString('utf8')) as object })
  }
  json(ctx, { info: JSON.parse(info.toString('utf8')) as unknown, rows })
}

/** Handles the request when it is one of the daemon endpoints; false otherwise. */
export async function handleDaemonRequest (s: Services, ctx: RequestContext): Promise<boolean> {
  const { path, query, method } = ctx
  if (path.partition === undefined && query.has('async_pending')) await pendings(s, ctx)
  else if (path.partition === undefined && query.has('expiring') && method === 'GET') await expiring(s, ctx)
  else if (path.account === undefined && path.partition !== undefined && query.has('audit') && method === 'GET') await audit(s, ctx)
  else if (path.object !== undefined && query.has('quarantine') && method === 'POST') await quarantine(s, ctx)
  else if (path.account !== undefined && path.object === undefined && query.has('replication') && method === 'GET') await listingDump(s, ctx)
  else return false
  return true
}
