import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createElement, type FunctionComponent } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import type { SecondMetrics } from '@/lib/sim'
import { ClockPanel } from './ClockPanel'
import { defaultCanary, DeployPanel } from './DeployPanel'
import { InvariantChart } from './InvariantChart'
import { RequestLog, formatLogLine } from './RequestLog'
import { SchemaPanel } from './SchemaPanel'
import { sessionRowsOf, SessionsPanel } from './SessionsPanel'
import { TrafficChart } from './TrafficChart'
import { VersionGrid } from './VersionGrid'

// the panels are memo()s of function components; render them as the container would
function render<P extends object>(component: FunctionComponent<P> | object, props: P): string {
  return renderToStaticMarkup(createElement(component as FunctionComponent<P>, props))
}

// the elements carrying `attribute`, each as its attributes and its text with tags stripped
function elementsWith(html: string, tag: string, attribute: string): Record<string, string>[] {
  const pattern = new RegExp(`<${tag}(\\s[^>]*\\b${attribute}="[^"]*"[^>]*)>([\\s\\S]*?)</${tag}>`, 'g')
  return [...html.matchAll(pattern)].map(([, attributes, inner]) => ({
    ...Object.fromEntries(
      [...attributes.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, name, value]) => [name, decode(value)]),
    ),
    text: decode(inner.replace(/<[^>]+>/g, '')),
  }))
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

const versions = [
  { id: 'v1', label: 'v1.0.0' },
  { id: 'v2', label: 'v2.0.0' },
]

describe('VersionGrid', () => {
  it('marks each cell with its state in words, and shows a 42703 failure’s code and message', () => {
    const html = render(VersionGrid, {
      versions,
      endpoints: [
        { version: 'v1', name: 'POST /orders' },
        { version: 'v1', name: 'GET /orders' },
        { version: 'v2', name: 'POST /orders' },
      ],
      statuses: [
        {
          version: 'v1',
          endpoint: 'POST /orders',
          last: 'error',
          lastAtMs: 12_000,
          lastFailure: {
            outcome: 'error',
            code: '42703',
            message: 'column "note" does not exist',
            atMs: 12_000,
          },
          recent: { answered: 40, failed: 3 },
        },
        {
          version: 'v1',
          endpoint: 'GET /orders',
          last: 'timeout',
          lastAtMs: 11_000,
          recent: { answered: 9, failed: 9 },
        },
      ],
      deployment: { v1: 100 },
      nowMs: 15_500,
    })
    assert.deepEqual(
      elementsWith(html, 'td', 'data-state').map((cell) => [
        cell['data-version'],
        cell['data-endpoint'],
        cell['data-state'],
        cell.text,
      ]),
      [
        [
          'v1',
          'POST /orders',
          'error',
          '✗ error 42703' +
            '3 of 40 failed in 10 s' +
            'last failure 3.5 s agoat 00:12: 42703 column "note" does not exist',
        ],
        ['v2', 'POST /orders', 'undeployed', '– not deployed'],
        ['v1', 'GET /orders', 'timeout', '◔ timeout' + '9 of 9 failed in 10 s'],
        ['v2', 'GET /orders', 'absent', 'not in this version'],
      ],
    )
  })

  it('shows under each endpoint the SQL it sends, version by version where they differ', () => {
    const html = render(VersionGrid, {
      versions,
      endpoints: [
        { version: 'v1', name: 'POST /orders', sql: 'insert into orders (total) values ($1)' },
        { version: 'v2', name: 'POST /orders', sql: 'insert into orders (total, note) values ($1, $2)' },
        { version: 'v1', name: 'GET /orders', sql: 'select * from orders' },
      ],
      statuses: [],
      deployment: { v1: 100 },
    })
    assert.match(
      html,
      /<dt>v1\.0\.0<\/dt><dd><code>insert into orders \(total\) values \(\$1\)<\/code><\/dd><\/div><div><dt>v2\.0\.0<\/dt><dd><code>insert into orders \(total, note\)/,
    )
    assert.match(html, /<summary>its SQL<\/summary><code>select \* from orders<\/code>/)
  })

  it('says a deployed endpoint that has had no request yet is idle', () => {
    const html = render(VersionGrid, {
      versions: versions.slice(0, 1),
      endpoints: [{ version: 'v1', name: 'GET /orders' }],
      statuses: [],
      deployment: { v1: 100 },
    })
    assert.deepEqual(
      elementsWith(html, 'td', 'data-state').map((cell) => [cell['data-state'], cell.text]),
      [['idle', '· no requests yet']],
    )
  })
})

describe('SessionsPanel', () => {
  it('folds identical waiting requests into one row with a count, and never the root of the queue', () => {
    const waiting = (owner: number, sinceMs: number) => ({
      owner,
      kind: 'app' as const,
      label: 'v1.0.0 · GET /users',
      state: 'waiting' as const,
      sql: `select * from users where id = ${owner}`,
      sinceMs,
      locks: [{ relation: 'users', mode: 'AccessShareLock' as const, granted: false }],
      blockedBy: [7],
    })
    const rows = sessionRowsOf([
      { ...waiting(7, 0), state: 'idle in transaction', blockedBy: [] },
      waiting(11, 4_000),
      waiting(12, 3_000),
      { ...waiting(13, 5_000), label: 'v1.0.0 · POST /users' },
    ])
    assert.deepEqual(
      rows.map((row) => [row.owners, row.isRoot, row.sinceMs]),
      [
        [[7], true, 0],
        [[11, 12], false, 3_000],
        [[13], false, 5_000],
      ],
    )
  })

  const sessions = [
    {
      owner: 7,
      kind: 'migration' as const,
      label: 'migration',
      state: 'waiting' as const,
      sql: 'alter table orders add column note text',
      sinceMs: 10_000,
      locks: [{ relation: 'orders', mode: 'AccessExclusiveLock' as const, granted: false }],
      blockedBy: [3],
    },
    {
      owner: 3,
      kind: 'app' as const,
      label: 'v1.0.0 · GET /orders',
      state: 'idle in transaction' as const,
      sql: 'select * from orders',
      sinceMs: 2_000,
      locks: [{ relation: 'orders', mode: 'AccessShareLock' as const, granted: true }],
      blockedBy: [],
    },
  ]

  it('shows who waits on whom, which lock each holds or waits for, and how long', () => {
    const html = render(SessionsPanel, {
      sessions,
      moreSessions: 2,
      nowMs: 12_500,
      onTerminate: () => {},
      disabled: false,
    })
    assert.deepEqual(
      elementsWith(html, 'tr', 'data-owner').map((row) => [
        row['data-owner'],
        row['data-state'],
        row['data-root'],
        row.text,
      ]),
      [
        [
          '7',
          'waiting',
          undefined,
          '#7 migration migrationwaiting 2.5 swaits on #3waits for ACCESS EXCLUSIVE on ordersalter table orders add column note textTerminate',
        ],
        [
          '3',
          'idle in transaction',
          'true',
          '#3 v1.0.0 · GET /orders appidle in transaction 10.5 sroot of the queue: the others wait behind itholds ACCESS SHARE on ordersselect * from ordersTerminate',
        ],
      ],
    )
    assert.deepEqual(
      [...html.matchAll(/aria-label="(Terminate[^"]*)"/g)].map(([, label]) => decode(label)),
      ['Terminate session #7 (migration)', 'Terminate session #3 (v1.0.0 · GET /orders)'],
    )
    assert.match(html, /\+ 2 more/)
  })

  it('says so when no session holds or waits for a lock', () => {
    const html = render(SessionsPanel, {
      sessions: [],
      moreSessions: 0,
      nowMs: 0,
      onTerminate: () => {},
      disabled: false,
    })
    assert.deepEqual(
      elementsWith(html, 'p', 'class').map((p) => p.text),
      [
        'No session holds or waits for a lock.',
        'What each statement locks, as a real PostgreSQL 18 server showed it.',
      ],
    )
  })
})

describe('TrafficChart', () => {
  function second(version: string, at: number, fields: Partial<SecondMetrics>): SecondMetrics {
    return {
      second: at,
      version,
      ok: 0,
      errors: {},
      timeouts: 0,
      degraded: 0,
      p50Ms: 0,
      p95Ms: 0,
      lockWaitMs: 0,
      reads: { ok: 0, errors: {}, timeouts: 0, degraded: 0, p95Ms: 0 },
      writes: { ok: 0, errors: {}, timeouts: 0, degraded: 0, p95Ms: 0 },
      ...fields,
    }
  }

  it('exposes each version’s last second as data attributes and a spoken summary: the traffic cliff', () => {
    const html = render(TrafficChart, {
      versions,
      metrics: [
        second('v1', 4, { ok: 50, p95Ms: 4 }),
        second('v1', 5, { ok: 38, timeouts: 12, p95Ms: 5000 }),
        second('v2', 5, { ok: 2, errors: { '42703': 3 }, p95Ms: 12 }),
      ],
      markers: [{ index: 0, id: 'add-column', title: 'Add the column', atMs: 4_200, how: 'naive' }],
      nowMs: 6_300,
    })
    assert.deepEqual(
      elementsWith(html, 'div', 'data-version').map((chart) => [
        chart['data-version'],
        chart['data-last-second'],
        chart['data-last-ok'],
        chart['data-last-failed'],
      ]),
      [
        ['v1', '5', '38', '12'],
        ['v2', '5', '2', '3'],
      ],
    )
    assert.deepEqual(
      [...html.matchAll(/<svg[^>]*aria-label="([^"]*)"/g)].map(([, label]) => decode(label)),
      [
        'v1.0.0: last second 38 ok, 0 errors, 12 timeouts, p95 5.0 s',
        'v2.0.0: last second 2 ok, 3 errors, 0 timeouts, p95 12 ms',
      ],
    )
    assert.match(decode(html), /title="Step 1: Add the column \(the naive way\)"/)
    // the learner's switch, off until the browser has read the choice
    assert.match(html, /<input type="checkbox" role="switch"\/>Reads and writes apart<\/label>/)
  })

  it('gives each version a reads lane and a writes lane when they are apart: the writes time out, the reads go on; an idle version keeps its head alone', () => {
    const access = (fields: Partial<SecondMetrics['reads']>) => ({
      ok: 0,
      errors: {},
      timeouts: 0,
      degraded: 0,
      p95Ms: 0,
      ...fields,
    })
    const html = render(TrafficChart, {
      versions,
      metrics: [
        second('v1', 5, {
          ok: 38,
          timeouts: 12,
          p95Ms: 5000,
          reads: access({ ok: 38, p95Ms: 4 }),
          writes: access({ timeouts: 12, p95Ms: 5000 }),
        }),
      ],
      markers: [],
      nowMs: 6_300,
      readsAndWritesApart: true,
    })
    assert.deepEqual(
      elementsWith(html, 'div', 'data-access').map((lane) => [
        lane['data-access'],
        lane['data-last-ok'],
        lane['data-last-timeouts'],
      ]),
      [
        ['reads', '38', '0'],
        ['writes', '0', '12'],
      ],
    )
    assert.deepEqual(
      [...html.matchAll(/<svg[^>]*aria-label="([^"]*)"/g)].map(([, label]) => decode(label)),
      [
        'v1.0.0 reads: last second 38 ok, 0 errors, 0 timeouts, p95 4 ms',
        'v1.0.0 writes: last second 0 ok, 0 errors, 12 timeouts, p95 5.0 s',
      ],
    )
    // the version keeps its totals; the host chose, so there is no switch
    assert.match(html, /data-version="v1" data-last-second="5" data-last-ok="38" data-last-failed="12"/)
    assert.doesNotMatch(html, /role="switch"/)
    assert.match(decode(html), /v2\.0\.0<\/span><span class="wb-chart-scale">no traffic in the last 60 s</)
  })
})

describe('InvariantChart', () => {
  it('puts each invariant’s latest count on its row, the top of its line, and the steps’ marks', () => {
    const html = render(InvariantChart, {
      points: [
        { name: 'orders have a total', atMs: 1_000, violations: 0 },
        { name: 'orders have a total', atMs: 2_000, violations: 5 },
      ],
      names: ['orders have a total', 'emails are unique'],
      nowMs: 2_500,
      markers: [{ index: 1, id: 'break', title: 'Break it', atMs: 1_500, how: 'naive' }],
    })
    // step 2 began at 1.5 s of the first minute: its mark stands 2.5% in, over every line
    assert.match(html, /class="wb-marker-label" style="left:2.5%"[^>]*>2</)
    assert.equal([...html.matchAll(/class="wb-marker-line"/g)].length, 2)
    assert.deepEqual(
      elementsWith(html, 'li', 'data-invariant').map((row) => [
        row['data-invariant'],
        row['data-violations'],
        row.text,
      ]),
      [
        ['orders have a total', '5', 'orders have a total5 violating rows ✗the line’s top: 5 rows'],
        ['emails are unique', undefined, 'emails are uniquenot checked yet'],
      ],
    )
  })

  it('stacks a band per cause under the line and names each cause with its latest count, in the legend and the label', () => {
    const html = render(InvariantChart, {
      points: [
        { name: 'names match', atMs: 1_000, violations: 2, causes: { 'name missing': 2 } },
        { name: 'names match', atMs: 2_000, violations: 5, causes: { 'name missing': 3, disagree: 2 } },
      ],
      names: ['names match'],
      nowMs: 3_000,
    })
    assert.deepEqual(
      elementsWith(html, 'li', 'data-cause').map((cause) => [
        cause['data-cause'],
        cause['data-rows'],
        cause.text,
      ]),
      [
        ['name missing', '3', '3 name missing'],
        ['disagree', '2', '2 disagree'],
      ],
    )
    assert.match(
      decode(html),
      /aria-label="names match: up to 5 violating rows in the last 60 virtual seconds; by cause, name missing up to 3, disagree up to 2"/,
    )
    // one band per cause, the second stacked on the first: its bottom is the first's top
    assert.deepEqual(
      [...html.matchAll(/<path class="(wb-cause-\d)" d="([^"]*)"/g)].map(([, colour, path]) => [
        colour,
        path,
      ]),
      [
        ['wb-cause-0', 'M5 25.6H10V18.4H15V40H10V40H5Z'],
        ['wb-cause-1', 'M5 25.6H10V4H15V18.4H10V25.6H5Z'],
      ],
    )
  })

  it('says when a lesson declares no invariants', () => {
    assert.match(
      render(InvariantChart, { points: [], names: [], nowMs: 0 }),
      /This lesson declares no invariants\./,
    )
  })
})

describe('RequestLog', () => {
  const entries = [
    { id: 1, version: 'v1.0.0', endpoint: 'GET /orders', outcome: 'ok' as const, atMs: 12_345, latencyMs: 3 },
    {
      id: 2,
      version: 'v1.0.0',
      endpoint: 'POST /orders',
      outcome: 'timeout' as const,
      atMs: 13_000,
      latencyMs: 5_000,
    },
    {
      id: 3,
      version: 'v2.0.0',
      endpoint: 'POST /orders',
      outcome: 'error' as const,
      code: '42703',
      message: 'column "x" does not exist',
      atMs: 13_500,
      latencyMs: 2,
    },
  ]

  it('prints the newest lines first, up to the limit, like tailing an app’s log', () => {
    const html = render(RequestLog, { entries, limit: 2 })
    assert.deepEqual(
      elementsWith(html, 'li', 'data-outcome').map((line) => [line['data-outcome'], line.text]),
      [
        ['error', '00:13.500 v2.0.0 POST /orders 500 42703 column "x" does not exist (2 ms)'],
        ['timeout', '00:13.000 v1.0.0 POST /orders 504 timeout after 5.0 s'],
      ],
    )
    assert.match(html, /role="log" aria-live="off"/)
  })

  it('formats an ok request with its status and latency', () => {
    assert.equal(formatLogLine(entries[0]), '00:12.345 v1.0.0 GET /orders 200 ok 3 ms')
  })
})

describe('SchemaPanel', () => {
  it('badges an index a failed CONCURRENTLY build left INVALID and a constraint NOT VALID', () => {
    const html = render(SchemaPanel, {
      schema: {
        tables: [
          {
            name: 'orders',
            columns: [
              { name: 'id', type: 'bigint', nullable: false, default: "nextval('orders_id_seq'::regclass)" },
            ],
            indexes: [
              {
                name: 'orders_pkey',
                definition: 'CREATE UNIQUE INDEX orders_pkey ON orders (id)',
                valid: true,
              },
              {
                name: 'orders_total',
                definition: 'CREATE INDEX orders_total ON orders (total_cents)',
                valid: false,
              },
            ],
            constraints: [
              {
                name: 'total_not_null',
                kind: 'check',
                definition: 'CHECK (total_cents IS NOT NULL)',
                validated: false,
              },
            ],
          },
        ],
      },
    })
    assert.deepEqual(
      [...elementsWith(html, 'li', 'data-index'), ...elementsWith(html, 'li', 'data-constraint')].map(
        (item) => item.text,
      ),
      [
        'orders_pkey CREATE UNIQUE INDEX orders_pkey ON orders (id)',
        'orders_total INVALIDCREATE INDEX orders_total ON orders (total_cents)',
        'total_not_null check NOT VALIDCHECK (total_cents IS NOT NULL)',
      ],
    )
  })

  it('says it is reading the schema until it has one', () => {
    assert.match(render(SchemaPanel, { schema: undefined }), /aria-busy="true"[\s\S]*Reading the schema…/)
  })
})

describe('DeployPanel and ClockPanel', () => {
  it('shows each version’s share, the canary split and whether the database runs', () => {
    const html = render(DeployPanel, {
      versions,
      deployment: { v1: 90, v2: 10 },
      databaseState: 'down',
      disabled: false,
      onDeploy: () => {},
      onDatabase: () => {},
    })
    assert.deepEqual(
      elementsWith(html, 'li', 'data-version').map((item) => [
        item['data-version'],
        item['data-share'],
        item.text,
      ]),
      [
        ['v1', '90', 'v1.0.0 running, 90% of trafficDeploy 100% of traffic to v1.0.0Stop v1.0.0'],
        ['v2', '10', 'v2.0.0 running, 10% of trafficDeploy 100% of traffic to v2.0.0Stop v2.0.0'],
      ],
    )
    // the canary in flight is the running version with the smaller share, named with the rest
    assert.match(html, /Canary share for v2\.0\.0/)
    assert.match(html, /value="10"/)
    assert.match(html, /Running: v2\.0\.0 10% · v1\.0\.0 90%/)
    assert.match(html, /data-database="stopped">stopped<[\s\S]*Start the database/)
  })

  it('says the database hangs, and offers to end the hang or stop it', () => {
    const html = render(DeployPanel, {
      versions,
      deployment: { v1: 100 },
      databaseState: 'hanging',
      disabled: false,
      onDeploy: () => {},
      onDatabase: () => {},
    })
    assert.match(html, /class="wb-hanging" data-database="hanging">hanging</)
    assert.deepEqual(
      [
        ...html.matchAll(
          /<button[^>]*>(End the hang|Stop the database|Start the database|Make the database hang)</g,
        ),
      ].map((match) => match[1]),
      ['End the hang', 'Stop the database'],
    )
  })

  it('offers the next release as the canary when one version runs, and the one before the newest when it runs alone', () => {
    const three = [
      { id: 'a', label: 'a' },
      { id: 'b', label: 'b' },
      { id: 'c', label: 'c' },
    ]
    assert.equal(defaultCanary(three, { a: 100 }), 'b')
    assert.equal(defaultCanary(three, { b: 100 }), 'c')
    assert.equal(defaultCanary(three, { c: 100 }), 'b')
    assert.equal(defaultCanary(three, {}), 'a')
    // two run: the one with less traffic is the canary, on a tie the newer
    assert.equal(defaultCanary(three, { b: 10, a: 90 }), 'b')
    assert.equal(defaultCanary(three, { a: 50, c: 50 }), 'c')
    assert.equal(defaultCanary(three, { a: 5, b: 5, c: 90 }), 'b')
  })

  it('presses the button of the speed the clock runs at', () => {
    const html = render(ClockPanel, { nowMs: 65_250, speed: 10, onSpeed: () => {}, disabled: false })
    assert.deepEqual(
      elementsWith(html, 'button', 'aria-pressed').map((button) => [button.text, button['aria-pressed']]),
      [
        ['Pause', 'false'],
        ['1×', 'false'],
        ['10×', 'true'],
      ],
    )
    assert.match(html, /01:05\.2/)
  })
})
