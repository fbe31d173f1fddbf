// `npm test`: builds the site, runs every suite, and ends with one line `N passed, N failed`
// summing them all (unit tests, every lesson claim in the simulator and on a real PostgreSQL
// 18 server, the statement conformance matrix, browser tests).
// `node scripts/test.mjs unit`, `lessons`, `conformance` or `e2e` runs one suite.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ensureBrowser } from './ensure-browser.mjs'

const only = process.argv[2]
const outputDir = '.cutover'
mkdirSync(outputDir, { recursive: true })

function run(command, args, env = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`)
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1
}

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : testFiles(path)
    return path.endsWith('.test.ts') ? [path] : []
  })
}

function unitSuite() {
  const tap = join(outputDir, 'unit.tap')
  rmSync(tap, { force: true })
  const files = [
    ...testFiles('lib'),
    ...testFiles('app'),
    ...testFiles('scripts'),
    ...testFiles(join('tests', 'unit')),
  ].sort()
  const status = run('node', [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ])
  const summary = readFileSync(tap, 'utf8')
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0)
  const failed = count('fail') + count('cancelled')
  return { name: 'unit', passed: count('pass'), failed: failed || (status === 0 ? 0 : 1) }
}

// every claim every lesson makes, checked by running its scenario under the simulator on
// PGlite, and again on a real PostgreSQL 18 server with real concurrent connections
function lessonsSuites() {
  console.log('\n$ npm run lessons:check -- --json --postgres')
  const result = spawnSync('node', ['--import', 'tsx', 'scripts/lessons-check.ts', '--json', '--postgres'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = (result.stdout ?? '').trimEnd().split('\n')
  process.stdout.write(lines.slice(0, -1).join('\n') + '\n')
  let totals
  try {
    totals = JSON.parse(lines.at(-1) ?? '')
  } catch {
    return [
      { name: 'lessons', passed: 0, failed: 1 },
      { name: 'postgres', passed: 0, failed: 1 },
    ]
  }
  const real = totals.postgres ?? { claims: 0, held: 0, failed: 1 }
  return [
    {
      name: 'lessons',
      passed: totals.expectations - Math.min(totals.failed, totals.expectations),
      failed: totals.failed,
    },
    // a run that died before its totals, or a server that never started, is one failure
    { name: 'postgres', passed: real.held, failed: real.failed || (result.status === 0 ? 0 : 1) },
  ]
}

// every statement of the conformance table, under each workload, in the simulator and on a
// real PostgreSQL 18 server: a cell that disagrees fails, one the simulator says it cannot
// model passes and is listed; the recorded reference page must be what the server showed
function conformanceSuite() {
  console.log('\n$ npm run conformance -- --json')
  const result = spawnSync('node', ['--import', 'tsx', 'scripts/conformance.ts', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = (result.stdout ?? '').trimEnd().split('\n')
  process.stdout.write(lines.slice(0, -1).join('\n') + '\n')
  try {
    const totals = JSON.parse(lines.at(-1) ?? '')
    return [
      {
        name: 'conformance',
        passed: totals.agree + totals.notModelled,
        failed: totals.disagree + totals.referenceDrift,
      },
    ]
  } catch {
    return [{ name: 'conformance', passed: 0, failed: 1 }]
  }
}

function e2eSuite() {
  const report = join(outputDir, 'e2e-results.json')
  rmSync(report, { force: true })
  const status = run('npx', ['playwright', 'test'])
  let stats = { expected: 0, unexpected: 0, flaky: 0 }
  try {
    stats = JSON.parse(readFileSync(report, 'utf8')).stats
  } catch {
    // no report: the run itself failed, counted below
  }
  const failed = stats.unexpected + stats.flaky
  return { name: 'browser', passed: stats.expected, failed: failed || (status === 0 ? 0 : 1) }
}

const suites = []
if (!only || only === 'unit') suites.push(unitSuite)
if (!only || only === 'lessons') suites.push(lessonsSuites)
if (!only || only === 'conformance') suites.push(conformanceSuite)
if (!only || only === 'e2e') {
  ensureBrowser()
  if (run('npm', ['run', 'build']) !== 0) {
    console.log('\nthe build failed, so the browser tests cannot run')
    console.log(`0 passed, 1 failed`)
    process.exit(1)
  }
  suites.push(e2eSuite)
}

const results = suites.flatMap((suite) => suite())
console.log('')
for (const result of results) console.log(`${result.name}: ${result.passed} passed, ${result.failed} failed`)
const passed = results.reduce((sum, result) => sum + result.passed, 0)
const failed = results.reduce((sum, result) => sum + result.failed, 0)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
