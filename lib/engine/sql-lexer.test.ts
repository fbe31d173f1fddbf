import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lexSql } from './sql-lexer'

// Tiny notation: each token of the text between ‹ and ›; an unterminated one has no ›.
function marked(text: string): string {
  let out = ''
  let end = 0
  for (const token of lexSql(text)) {
    out += `${text.slice(end, token.start)}‹${text.slice(token.start, token.end)}${token.isUnterminated ? '' : '›'}`
    end = token.end
  }
  return out + text.slice(end)
}

const kindsOf = (text: string) => lexSql(text).map((token) => token.kind)

describe('lexSql', () => {
  it('cuts code at whitespace, quotes and punctuation, and leaves whitespace out', () => {
    assert.equal(marked('select a,b from t;'), '‹select› ‹a,b› ‹from› ‹t›‹;›')
    assert.equal(marked('f(x) ; '), '‹f›‹(›‹x›‹)› ‹;› ')
  })

  it('names each kind of token', () => {
    assert.deepEqual(kindsOf(`x 'a' "b" $$c$$ -- d\n/* e */ ; ( )`), [
      'code',
      'string',
      'quoted identifier',
      'dollar quote',
      'line comment',
      'block comment',
      'semicolon',
      'open paren',
      'close paren',
    ])
  })

  it('reads a doubled quote as a quote in strings and quoted identifiers', () => {
    assert.equal(marked(`'it''s;' "a""b;"`), `‹'it''s;'› ‹"a""b;"›`)
  })

  it('takes backslash escapes in an E-string only, not in a plain string', () => {
    assert.equal(marked(`E'a\\'b;' 'c\\' ;`), `‹E›‹'a\\'b;'› ‹'c\\'› ‹;›`)
    assert.equal(marked(`e'\\\\'`), `‹e›‹'\\\\'›`)
  })

  it('does not take the E ending a longer name for an E-string prefix', () => {
    assert.equal(marked(`name'a\\' x`), `‹name›‹'a\\'› ‹x›`)
  })

  it('keeps a dollar-quoted body whole, whatever its tag and however long the tag', () => {
    assert.equal(marked(`$$ a; 'b $$ $fn$ $$; $fn$;`), `‹$$ a; 'b $$› ‹$fn$ $$; $fn$›‹;›`)
    const tag = `$${'t'.repeat(70)}$`
    assert.equal(marked(`${tag};${tag};`), `‹${tag};${tag}›‹;›`)
  })

  it('does not take a positional parameter or a $ inside a name for a dollar quote', () => {
    assert.equal(marked('$1; a$b$ c'), '‹$1›‹;› ‹a$b$› ‹c›')
  })

  it('nests block comments, and ends a line comment before its newline', () => {
    assert.equal(marked('/* a /* b; */ c; */x'), '‹/* a /* b; */ c; */›‹x›')
    assert.equal(marked('a -- b; c\nd'), '‹a› ‹-- b; c›\n‹d›')
  })

  it('marks the quote or block comment the text stops inside as unterminated', () => {
    assert.equal(marked(`a 'b;`), `‹a› ‹'b;`)
    assert.equal(marked('a "b;'), '‹a› ‹"b;')
    assert.equal(marked('a $x$ b;'), '‹a› ‹$x$ b;')
    assert.equal(marked('a /* /* */ b;'), '‹a› ‹/* /* */ b;')
    assert.equal(marked(`E'\\'`), `‹E›‹'\\'`)
  })

  it('does not count a line comment at the end of the text as unterminated', () => {
    assert.equal(marked('a -- b'), '‹a› ‹-- b›')
  })
})
