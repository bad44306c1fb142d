// Static web and CORS against a real cluster (one cluster for both, to spare the machine).
// Static web: index pages, listings with and without .rlistings, error pages, directory
// redirects, private containers staying private. CORS: preflight allowed and refused, and the
// headers on actual requests.
import t from 'tap'
import { swiftClient } from './client.js'

const swift = await swiftClient(t)
const anon = { token: false as const }

t.before(async () => {
  t.equal((await swift.call('PUT', '/site', { headers: { 'x-container-read': '.r:*,.rlistings', 'x-container-meta-web-index': 'index.html', 'x-container-meta-web-error': 'error.html' } })).status, 201)
  for (const [name, body] of [['index.html', '<h1>home</h1>'], ['404error.html', '<h1>lost</h1>'], ['docs/index.html', '<h1>docs</h1>'],
    ['files/a.txt', 'a'], ['files/b/c.txt', 'c'], ['page.html', '<p>page</p>']]) {
    t.equal((await swift.call('PUT', `/site/${name}`, { body, headers: { 'content-type': name.endsWith('.html') ? 'text/html' : 'text/plain' } })).status, 201)
  }
})

t.test('static web: index pages, redirects, error pages', async (t) => {
  const home = await swift.call('GET', '/site/', anon)
  t.equal(home.status, 200)
  t.equal(home.text, '<h1>home</h1>')
  const redirect = await swift.call('GET', '/site', anon)
  t.equal(redirect.status, 301)
  t.match(redirect.headers.get('location'), /\/site\/$/)
  t.equal((await swift.call('GET', '/site/docs/', anon)).text, '<h1>docs</h1>')
  t.equal((await swift.call('GET', '/site/docs', anon)).status, 301, 'a directory without its slash')
  t.equal((await swift.call('GET', '/site/page.html', anon)).text, '<p>page</p>')
  const missing = await swift.call('GET', '/site/nope.html', anon)
  t.equal(missing.status, 404)
  t.equal(missing.text, '<h1>lost</h1>')
  const owner = await swift.call('GET', '/site')
  t.equal(owner.status, 200, 'a token holder gets the plain API')
  t.match(owner.text, /index.html/)
})

t.test('static web: listings need web-listings and .rlistings', async (t) => {
  t.equal((await swift.call('POST', '/site', { headers: { 'x-container-meta-web-listings': 'true', 'x-container-meta-web-listings-css': 'style.css' } })).status, 204)
  const listing = await swift.call('GET', '/site/files/', anon)
  t.equal(listing.status, 200)
  t.match(listing.text, /Listing of \/v1\/AUTH_test\/site\/files\//)
  t.match(listing.text, /<a href="a.txt">a.txt<\/a>/)
  t.match(listing.text, /<a href="b\/">b\/<\/a>/)
  t.match(listing.text, /style.css/)
  t.equal((await swift.call('GET', '/site/empty/', anon)).status, 404)
  t.equal((await swift.call('POST', '/site', { headers: { 'x-container-read': '.r:*' } })).status, 204)
  t.equal((await swift.call('GET', '/site/files/', anon)).status, 401, 'no .rlistings: no listing')
  t.equal((await swift.call('GET', '/site/files/a.txt', anon)).text, 'a', 'objects still readable')
})

t.test('static web: a private container stays private', async (t) => {
  t.equal((await swift.call('PUT', '/private', { headers: { 'x-container-meta-web-index': 'index.html', 'x-container-meta-web-error': 'error.html' } })).status, 201)
  t.equal((await swift.call('PUT', '/private/index.html', { body: 'secret' })).status, 201)
  t.equal((await swift.call('GET', '/private/', anon)).status, 401)
  t.equal((await swift.call('GET', '/private/index.html', anon)).status, 401)
  t.equal((await swift.call('GET', '/private/nothing', anon)).status, 401, 'no hint of what exists')
})

t.test('CORS: preflight and actual requests', async (t) => {
  t.equal((await swift.call('PUT', '/cors', {
    headers: { 'x-container-meta-access-control-allow-origin': 'https://a.example https://b.example', 'x-container-meta-access-control-max-age': '600', 'x-container-meta-access-control-expose-headers': 'X-Object-Meta-Color' }
  })).status, 201)
  t.equal((await swift.call('PUT', '/cors/o', { body: 'x', headers: { 'x-object-meta-color': 'red' } })).status, 201)
  const ok = await swift.call('OPTIONS', '/cors/o', { token: false, headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-auth-token, content-type' } })
  t.equal(ok.status, 200)
  t.equal(ok.headers.get('access-control-allow-origin'), 'https://a.example')
  t.equal(ok.headers.get('access-control-max-age'), '600')
  t.match(ok.headers.get('access-control-allow-methods'), /PUT/)
  t.equal(ok.headers.get('access-control-allow-headers'), 'x-auth-token, content-type')
  const refused = await swift.call('OPTIONS', '/cors/o', { token: false, headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })
  t.equal(refused.status, 401)
  t.equal(refused.headers.get('access-control-allow-origin'), null)
  const plain = await swift.call('OPTIONS', '/cors/o', anon)
  t.equal(plain.status, 200)
  t.match(plain.headers.get('allow'), /GET/)
  const actual = await swift.call('GET', '/cors/o', { headers: { origin: 'https://b.example' } })
  t.equal(actual.status, 200)
  t.equal(actual.headers.get('access-control-allow-origin'), 'https://b.example')
  t.match(actual.headers.get('access-control-expose-headers'), /etag/)
  t.match(actual.headers.get('access-control-expose-headers'), /x-object-meta-color/)
  const other = await swift.call('GET', '/cors/o', { headers: { origin: 'https://evil.example' } })
  t.equal(other.status, 200)
  t.equal(other.headers.get('access-control-allow-origin'), null)
  const noCors = await swift.call('OPTIONS', '/site/index.html', { token: false, headers: { origin: 'https://a.example', 'access-control-request-method': 'GET' } })
  t.equal(noCors.status, 401, 'a container without CORS settings refuses preflights')
})
