import type { CatalogQuery } from './describe'
import { metaCommandNames } from './interpreter'
import { operatorCommandNames } from './operator-commands'

/** Where the completed word starts in the line, and what may replace it. */
export interface Completion {
  from: number
  candidates: string[]
}

/** The names completion offers: relations with their columns, and the simulation's words. */
export interface CompletionNames {
  relations: string[]
  columns: string[]
  versions: string[]
  sessions: number[]
}

const keywords = [
  'ABORT',
  'ALTER',
  'AND',
  'AS',
  'ASC',
  'BEGIN',
  'BY',
  'CHECK',
  'COLUMN',
  'COMMIT',
  'CONCURRENTLY',
  'CONSTRAINT',
  'COUNT',
  'CREATE',
  'DEFAULT',
  'DELETE',
  'DESC',
  'DISTINCT',
  'DROP',
  'EXISTS',
  'EXPLAIN',
  'FOREIGN',
  'FROM',
  'GROUP',
  'HAVING',
  'IF',
  'INDEX',
  'INSERT',
  'INTO',
  'JOIN',
  'KEY',
  'LEFT',
  'LIMIT',
  'LOCK',
  'NOT',
  'NULL',
  'ON',
  'OR',
  'ORDER',
  'PRIMARY',
  'REFERENCES',
  'RENAME',
  'RETURNING',
  'ROLLBACK',
  'SELECT',
  'SET',
  'SHOW',
  'TABLE',
  'TO',
  'TRIGGER',
  'UNIQUE',
  'UPDATE',
  'USING',
  'VALID',
  'VALIDATE',
  'VALUES',
  'VIEW',
  'WHERE',
  'WITH',
  'ADD',
  'TYPE',
  'lock_timeout',
  'statement_timeout',
]

// after these words a relation name comes next
const relationContext = /\b(from|join|into|update|table|on|index on|\\d[tivs]*)\s+\S*$/i

/** Reads the relation and column names completion offers, from the catalogs. */
export async function readCompletionNames(
  query: CatalogQuery,
): Promise<Pick<CompletionNames, 'relations' | 'columns'>> {
  const relations = await query(`select c.relname from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r','p','v','m','S') and pg_catalog.pg_table_is_visible(c.oid)
  and n.nspname not in ('pg_catalog', 'information_schema') order by 1`)
  const columns = await query(`select distinct a.attname from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r','p','v','m')
  and n.nspname not in ('pg_catalog', 'information_schema') order by 1`)
  return {
    relations: relations.ok ? relations.rows.flatMap(([name]) => name ?? []) : [],
    columns: columns.ok ? columns.rows.flatMap(([name]) => name ?? []) : [],
  }
}

/**
 * What Tab offers at the end of `line`: meta-commands after a backslash, operator commands
 * and their arguments at the start of a line, relation names where a relation goes, and
 * otherwise keywords, relations and columns. Keywords keep the case the word was typed in.
 */
export function completeLine(line: string, isStartOfStatement: boolean, names: CompletionNames): Completion {
  const from = line.search(/[^\s(,]*$/)
  const word = line.slice(from)
  const before = line.slice(0, from)
  const matching = (candidates: readonly string[]) =>
    [...new Set(candidates)]
      .filter((candidate) => candidate.toLowerCase().startsWith(word.toLowerCase()))
      .sort()
  if (word.startsWith('\\') && before.trim() === '') return { from, candidates: matching(metaCommandNames) }
  const firstWord = /^\s*(\S+)\s/.exec(line)?.[1]?.toLowerCase()
  if (isStartOfStatement && firstWord && operatorCommandNames.includes(firstWord) && !before.includes(';')) {
    return { from, candidates: matching(operatorArguments(firstWord, names)) }
  }
  if (relationContext.test(line)) return { from, candidates: matching(names.relations) }
  if (isStartOfStatement && before.trim() === '') {
    return { from, candidates: matching([...operatorCommandNames, ...caseLike(word, keywords)]) }
  }
  return { from, candidates: matching([...caseLike(word, keywords), ...names.relations, ...names.columns]) }
}

function operatorArguments(command: string, names: CompletionNames): string[] {
  switch (command) {
    case 'deploy':
    case 'canary':
      return names.versions
    case 'db':
      return ['hang', 'start', 'stop']
    case 'traffic':
      return ['start', 'stop']
    case 'speed':
      return ['pause', '1x', '10x']
    case 'step':
      return ['list', 'next']
    case 'terminate':
      return names.sessions.map(String)
    default:
      return []
  }
}

// a word typed in lower case completes to lower-case keywords, as psql's tab completion does
function caseLike(word: string, candidates: readonly string[]): string[] {
  const isLower = word !== '' && word === word.toLowerCase()
  return candidates.map((candidate) => (isLower ? candidate.toLowerCase() : candidate))
}

/** The longest start every candidate shares: what a single Tab can fill in. */
export function commonPrefix(candidates: readonly string[]): string {
  if (candidates.length === 0) return ''
  let prefix = candidates[0]
  for (const candidate of candidates.slice(1)) {
    while (!candidate.startsWith(prefix)) prefix = prefix.slice(0, -1)
  }
  return prefix
}
