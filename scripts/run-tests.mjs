#!/usr/bin/env node
// Runs the compiled tests (dist/test) with tap, hides the passing assertions' lines, and ends
// with the line CI reads: `N passed, N failed`. Arguments narrow the run to paths under test/,
// e.g. `npm test -- test/ring`.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

const targets = process.argv.slice(2).map((p) => p.replace(/^(\.\/)?test\//, 'dist/test/').replace(/\.ts$/, '.js'))
const files = targets.length > 0
  ? targets.map((p) => (p.endsWith('.js') ? p : `${p.replace(/\/$/, '')}/**/*.test.js`))
  : ['dist/test/**/*.test.js']

const tap = spawn('npx', ['tap', '--disable-coverage', '--reporter=tap', '--jobs=2', '--timeout=900', ...files], {
  stdio: ['ignore', 'pipe', 'inherit']
})
let summary = { pass: 0, fail: 0 }
for await (const line of createInterface({ input: tap.stdout })) {
  const m = /^# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?/.exec(line)
  if (m !== null) summary = { pass: Number(m[2] ?? 0), fail: Number(m[3] ?? 0) }
  if (!/^\s+ok \d+/.test(line)) console.log(line)
}
const code = await new Promise((resolve) => tap.on('close', resolve))
const failed = summary.fail + (code !== 0 && summary.fail === 0 ? 1 : 0)
console.log(`${summary.pass} passed, ${failed} failed`)
process.exit(code === 0 ? 0 : 1)
