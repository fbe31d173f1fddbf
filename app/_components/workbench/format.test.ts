import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LOCK_MODES } from '@/lib/engine'
import {
  describeStepHow,
  formatClock,
  formatClockMillis,
  formatClockTenths,
  formatDuration,
  formatLockMode,
  truncate,
} from './format'

describe('virtual clock', () => {
  it('shows minutes and seconds, padded, and keeps counting minutes past the hour', () => {
    assert.deepEqual([0, 999, 65_000, 600_000, 3_725_000].map(formatClock), [
      '00:00',
      '00:00',
      '01:05',
      '10:00',
      '62:05',
    ])
  })

  it('adds tenths for the running clock and milliseconds for log lines, never rounding up', () => {
    assert.deepEqual([formatClockTenths(65_299), formatClockMillis(12_345.9)], ['01:05.2', '00:12.345'])
  })

  it('treats a negative time as zero', () => {
    assert.deepEqual(
      [formatClock(-5), formatClockTenths(-5), formatClockMillis(-5)],
      ['00:00', '00:00.0', '00:00.000'],
    )
  })
})

describe('formatDuration', () => {
  it('uses ms under a second, tenths of seconds under a minute, minutes beyond', () => {
    assert.deepEqual([0, 3.4, 350, 999.4, 1000, 1234, 5000, 59_949, 59_960, 125_000].map(formatDuration), [
      '0 ms',
      '3 ms',
      '350 ms',
      '999 ms',
      '1.0 s',
      '1.2 s',
      '5.0 s',
      '59.9 s',
      '1 min 0 s',
      '2 min 5 s',
    ])
  })
})

describe('formatLockMode', () => {
  it('names all eight table-level lock modes as the docs do', () => {
    assert.deepEqual(LOCK_MODES.map(formatLockMode), [
      'ACCESS SHARE',
      'ROW SHARE',
      'ROW EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'SHARE',
      'SHARE ROW EXCLUSIVE',
      'EXCLUSIVE',
      'ACCESS EXCLUSIVE',
    ])
  })
})

describe('truncate', () => {
  it('folds whitespace and cuts long SQL with an ellipsis, leaving short SQL alone', () => {
    assert.deepEqual(
      [truncate('select 1', 20), truncate('alter table orders\n  add column note text', 20)],
      ['select 1', 'alter table orders…'],
    )
  })
})

describe('describeStepHow', () => {
  it('says whose SQL each kind of step run used', () => {
    assert.deepEqual((['yours', 'naive', 'solution', 'scripted'] as const).map(describeStepHow), [
      'your SQL',
      'the naive way',
      'the lesson’s solution',
      'scripted',
    ])
  })
})
