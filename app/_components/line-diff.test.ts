import assert from 'node:assert/strict'
import { test } from 'node:test'
import { diffLines, diffStatements } from './line-diff'

test('identical texts are the same on every line', () => {
  assert.deepEqual(diffLines('begin;\ncommit;', 'begin;\ncommit;'), [
    { kind: 'same', text: 'begin;' },
    { kind: 'same', text: 'commit;' },
  ])
})

test('two empty texts have no lines', () => {
  assert.deepEqual(diffLines('', ''), [])
})

test('everything is added to an empty text', () => {
  assert.deepEqual(diffLines('', 'select 1;\nselect 2;'), [
    { kind: 'added', text: 'select 1;' },
    { kind: 'added', text: 'select 2;' },
  ])
})

test('everything is removed when the second text is empty', () => {
  assert.deepEqual(diffLines('select 1;\n', ''), [{ kind: 'removed', text: 'select 1;' }])
})

test('a changed line is removed, then added, between the lines around it', () => {
  assert.deepEqual(
    diffLines(
      'begin;\nalter table users add column email text not null;\ncommit;',
      'begin;\nalter table users add column email text;\ncommit;',
    ),
    [
      { kind: 'same', text: 'begin;' },
      { kind: 'removed', text: 'alter table users add column email text not null;' },
      { kind: 'added', text: 'alter table users add column email text;' },
      { kind: 'same', text: 'commit;' },
    ],
  )
})

test('a changed block lists all its removed lines before its added ones', () => {
  assert.deepEqual(diffLines('a\nb\nc\nz', 'a\nx\ny\nz'), [
    { kind: 'same', text: 'a' },
    { kind: 'removed', text: 'b' },
    { kind: 'removed', text: 'c' },
    { kind: 'added', text: 'x' },
    { kind: 'added', text: 'y' },
    { kind: 'same', text: 'z' },
  ])
})

test('lines kept in order between changes at both ends are the same', () => {
  assert.deepEqual(diffLines('a\nb\nc\nd', 'b\nc\nd\ne'), [
    { kind: 'removed', text: 'a' },
    { kind: 'same', text: 'b' },
    { kind: 'same', text: 'c' },
    { kind: 'same', text: 'd' },
    { kind: 'added', text: 'e' },
  ])
})

test('the longest run of common lines is kept, not the first match', () => {
  assert.deepEqual(diffLines('x\na\nb\nc', 'a\nb\nc\nx'), [
    { kind: 'removed', text: 'x' },
    { kind: 'same', text: 'a' },
    { kind: 'same', text: 'b' },
    { kind: 'same', text: 'c' },
    { kind: 'added', text: 'x' },
  ])
})

test('repeated lines match their last copy first, without losing or inventing any', () => {
  assert.deepEqual(diffLines('commit;\nselect 1;\ncommit;', 'select 1;\ncommit;\ncommit;'), [
    { kind: 'removed', text: 'commit;' },
    { kind: 'same', text: 'select 1;' },
    { kind: 'added', text: 'commit;' },
    { kind: 'same', text: 'commit;' },
  ])
})

test('a final line break and Windows line endings make no difference', () => {
  assert.deepEqual(diffLines('select 1;\r\nselect 2;\r\n', 'select 1;\nselect 2;'), [
    { kind: 'same', text: 'select 1;' },
    { kind: 'same', text: 'select 2;' },
  ])
})

test('an empty line in the middle is a line like any other', () => {
  assert.deepEqual(diffLines('a\n\nb', 'a\nb'), [
    { kind: 'same', text: 'a' },
    { kind: 'removed', text: '' },
    { kind: 'same', text: 'b' },
  ])
})

test('whitespace inside a line counts as a change', () => {
  assert.deepEqual(diffLines('select  1;', 'select 1;'), [
    { kind: 'removed', text: 'select  1;' },
    { kind: 'added', text: 'select 1;' },
  ])
})

test('a statement wrapped over two lines is the same statement as on one', () => {
  assert.deepEqual(
    diffStatements(
      'alter table product add column slug text;',
      'alter table product\n  add column slug text;',
    ),
    [
      { kind: 'same', text: 'alter table product' },
      { kind: 'same', text: '  add column slug text;' },
    ],
  )
})

test('a changed statement is removed whole, in its lines, and the solution’s added', () => {
  assert.deepEqual(
    diffStatements(
      'begin;\ncreate index i\n  on t (a);\ncommit;',
      'begin;\ncreate index concurrently i on t (a);\ncommit;',
    ),
    [
      { kind: 'same', text: 'begin;' },
      { kind: 'removed', text: 'create index i' },
      { kind: 'removed', text: '  on t (a);' },
      { kind: 'added', text: 'create index concurrently i on t (a);' },
      { kind: 'same', text: 'commit;' },
    ],
  )
})

test('the lesson’s locked comment lines are not the learner’s to be told about', () => {
  assert.deepEqual(diffStatements('-- v1 runs.\nselect 1;', 'select 1;', ['-- v1 runs.']), [
    { kind: 'same', text: 'select 1;' },
  ])
  assert.deepEqual(diffStatements('-- mine\nselect 1;', 'select 1;', ['-- v1 runs.']), [
    { kind: 'removed', text: '-- mine' },
    { kind: 'same', text: 'select 1;' },
  ])
})

test('spacing inside a statement and blank lines between them do not count', () => {
  assert.deepEqual(diffStatements('select  f( a ,b );\n\nselect 2;', 'select f(a, b);\nselect 2;'), [
    { kind: 'same', text: 'select f(a, b);' },
    { kind: 'same', text: 'select 2;' },
  ])
})
