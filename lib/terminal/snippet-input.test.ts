import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { snippetInputOf } from './snippet-input'

describe('snippetInputOf', () => {
  it('runs a command with no placeholder, trimmed', () => {
    assert.deepEqual(snippetInputOf(' sessions '), { text: 'sessions', submits: true })
  })

  it('runs a meta-command and an operator command with a version in it', () => {
    assert.deepEqual(['\\d product', 'canary v1.1.0 10', 'deploy step-4'].map(snippetInputOf), [
      { text: '\\d product', submits: true },
      { text: 'canary v1.1.0 10', submits: true },
      { text: 'deploy step-4', submits: true },
    ])
  })

  it('types a command up to its placeholder and leaves it for the reader to finish', () => {
    assert.deepEqual(snippetInputOf('terminate PID'), { text: 'terminate ', submits: false })
  })

  it('stops at the first of several placeholders', () => {
    assert.deepEqual(snippetInputOf('canary VERSION PERCENT'), { text: 'canary ', submits: false })
  })

  it('never reads SQL keywords in capitals as a placeholder', () => {
    assert.deepEqual(snippetInputOf('SELECT count(*) FROM users;'), {
      text: 'SELECT count(*) FROM users;',
      submits: true,
    })
  })

  it('reads neither one capital letter nor a capital inside a word as a placeholder', () => {
    assert.deepEqual(snippetInputOf('\\d T'), { text: '\\d T', submits: true })
    assert.deepEqual(snippetInputOf('deploy v2-RC1'), { text: 'deploy v2-RC1', submits: true })
  })
})
