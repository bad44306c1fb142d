/**
 * Account and container quotas against a real cluster: at, just under and just over the limit,
 * bytes and object count, chunked uploads aborted while streaming, copies; a refused write
 * stores nothing. Stats follow writes shortly after, so each step waits for them.
 */
import t from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { as, callers, rawRequest, waitForStat } from './helpers.js'

const cluster = await startCluster(t, { overrides: { proxy: { info_cache_ttl: 0 } } })
const { owner, admin } = await callers(cluster)
const test = owner.storageUrl as string
const token = owner.token as string

async function put (url: string, body: string): Promise<number> {
  return (await as(owner, 'PUT', url, {}, body)).status
}

/** A chunked PUT (no Content-Length), as a backup tool streams. */
async function chunkedPut (path: string, chunks: Buffer[]): Promise<number> {
  return (await rawRequest(cluster.url, 'PUT', path, { 'x-auth-token': token, 'transfer-encoding': 'chunked' }, chunks)).status
}

t.test('container bytes quota: under, at, over', async (t) => {
  const c = `${test}/qbytes`
  t.equal((await as(owner, 'PUT', c, { 'x-container-meta-quota-bytes': '10' })).status, 201)
  t.equal(await put(`${c}/a`, '123456789'), 201, '9 of 10 bytes: under')
  await waitForStat(token, c, 'x-container-bytes-used', '9')
  t.equal(await put(`${c}/b`, '12'), 413, '11 of 10: just over')
  t.equal((await as(owner, 'GET', `${c}/b`)).status, 404, 'the refused object was not stored')
  t.equal(await put(`${c}/b`, '1'), 201, '10 of 10: at the limit')
  await waitForStat(token, c, 'x-container-bytes-used', '10')
  t.equal(await put(`${c}/c`, '1'), 413, 'full')
  t.equal(await put(`${c}/empty`, ''), 201, 'an empty object still fits')
})

t.test('container count quota', async (t) => {
  const c = `${test}/qcount`
  t.equal((await as(owner, 'PUT', c, { 'x-container-meta-quota-count': '2' })).status, 201)
  t.equal(await put(`${c}/1`, 'x'), 201)
  await waitForStat(token, c, 'x-container-object-count', '1')
  t.equal(await put(`${c}/2`, 'x'), 201, 'the second of two')
  await waitForStat(token, c, 'x-container-object-count', '2')
  t.equal(await put(`${c}/3`, 'x'), 413, 'a third is over')
  t.equal((await as(owner, 'GET', `${c}/3`)).status, 404)
})

t.test('chunked uploads are aborted as they cross the quota', async (t) => {
  const c = `${test}/qchunked`
  t.equal((await as(owner, 'PUT', c, { 'x-container-meta-quota-bytes': '100000' })).status, 201)
  const chunk = Buffer.alloc(30000, 'a')
  t.equal(await chunkedPut('/v1/AUTH_test/qchunked/fits', [chunk, chunk, chunk]), 201, '90000 bytes chunked: fits')
  await waitForStat(token, c, 'x-container-bytes-used', '90000')
  t.equal(await chunkedPut('/v1/AUTH_test/qchunked/too-big', [chunk, chunk]), 413, 'crosses the quota mid-stream')
  t.equal((await as(owner, 'GET', `${c}/too-big`)).status, 404, 'nothing stored')
  t.equal(await chunkedPut('/v1/AUTH_test/qchunked/small', [Buffer.alloc(10000, 'b')]), 201, 'exactly the rest fits')
})

t.test('copies count against the destination quota', async (t) => {
  const c = `${test}/qcopy`
  t.equal((await as(owner, 'PUT', c, { 'x-container-meta-quota-bytes': '10' })).status, 201)
  t.equal(await put(`${c}/six`, '123456'), 201)
  await waitForStat(token, c, 'x-container-bytes-used', '6')
  t.equal((await as(owner, 'PUT', `${c}/copy`, { 'x-copy-from': 'qcopy/six' }, '')).status, 413, 'X-Copy-From over the quota')
  t.equal((await as(owner, 'COPY', `${c}/six`, { destination: 'qcopy/copy2' })).status, 413, 'COPY over the quota')
  t.equal((await as(owner, 'GET', `${c}/copy`)).status, 404)
  t.equal((await as(owner, 'PUT', `${test}/unlimited`)).status, 201)
  t.equal((await as(owner, 'PUT', `${test}/unlimited/copy`, { 'x-copy-from': 'qcopy/six' }, '')).status, 201, 'a copy elsewhere is fine')
})

t.test('account bytes quota, set by the reseller admin', async (t) => {
  const acct = test.replace('AUTH_test', 'AUTH_quota')
  t.equal((await as(admin, 'PUT', `${acct}/c1`)).status, 201)
  t.equal((await as(admin, 'PUT', `${acct}/c2`)).status, 201)
  t.equal((await as(admin, 'POST', acct, { 'x-account-meta-quota-bytes': '10' })).status, 204)
  t.equal((await as(admin, 'PUT', `${acct}/c1/a`, {}, '123456789')).status, 201, '9 of 10')
  await waitForStat(admin.token as string, acct, 'x-account-bytes-used', '9')
  t.equal((await as(admin, 'PUT', `${acct}/c2/b`, {}, '12')).status, 413, 'another container of the account: 11 of 10')
  t.equal((await as(admin, 'PUT', `${acct}/c2/b`, {}, '1')).status, 201, '10 of 10')
  await waitForStat(admin.token as string, acct, 'x-account-bytes-used', '10')
  t.equal((await as(admin, 'PUT', `${acct}/c1/c`, {}, '1')).status, 413, 'full')
  t.equal((await as(admin, 'PUT', `${acct}/c1/copy`, { 'x-copy-from': 'c1/a' }, '')).status, 413, 'a copy too')
  t.equal((await as(admin, 'POST', acct, { 'x-account-meta-quota-bytes': '100' })).status, 204, 'raised')
  t.equal((await as(admin, 'PUT', `${acct}/c1/c`, {}, '1')).status, 201)
})
