import type { Row, RunResult } from '../engine'
import type { PrintableTable } from './psql-format'

/** Runs a catalog query for a meta-command; a SQL error comes back as a value. */
export type CatalogQuery = (sql: string) => Promise<RunResult>

/** What a meta-command printed: to the output, or as an error (psql writes those to stderr). */
export type DescribeOutput = { text: string } | { error: string }

type RelationKind = 't' | 'i' | 'v' | 's'

const kindNames: Record<RelationKind, { relkinds: string; title: string; noun: string }> = {
  t: { relkinds: "'r','p'", title: 'List of tables', noun: 'tables' },
  i: { relkinds: "'i','I'", title: 'List of indexes', noun: 'indexes' },
  v: { relkinds: "'v'", title: 'List of views', noun: 'views' },
  s: { relkinds: "'S'", title: 'List of sequences', noun: 'sequences' },
}

const relkindLabel = `CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
  WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table'
  WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END`

const userSchemas = `n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema'`

/**
 * `\d`, `\dt`, `\di`, `\dv`, `\ds` and their combinations: the relations of those kinds,
 * as psql 18 lists them (its titles and "Did not find" messages name the kind when one is asked for).
 */
export async function listRelations(
  query: CatalogQuery,
  kinds: RelationKind[],
  pattern: string | undefined,
  print: TablePrinter,
): Promise<DescribeOutput> {
  const shown: RelationKind[] = kinds.length > 0 ? kinds : ['t', 'v', 's']
  const relkinds = [
    ...shown.map((kind) => kindNames[kind].relkinds),
    ...(kinds.length === 0 ? ["'m'", "'f'"] : []),
  ].join(',')
  const withTable = shown.includes('i')
  const sql = `SELECT n.nspname as "Schema", c.relname as "Name", ${relkindLabel} as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"${withTable ? ', c2.relname as "Table"' : ''}
FROM pg_catalog.pg_class c
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  ${withTable ? 'LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid' : ''}
WHERE c.relkind IN (${relkinds}) AND ${patternCondition(pattern, 'n.nspname', 'c.relname', 'pg_catalog.pg_table_is_visible(c.oid)', userSchemas)}
ORDER BY 1,2`
  const result = await query(sql)
  if (!result.ok) return { error: `ERROR:  ${result.error.message}\n` }
  const single = kinds.length === 1 ? kindNames[kinds[0]] : undefined
  if (result.rows.length === 0) {
    const noun = single?.noun ?? 'relations'
    return {
      error: pattern ? `Did not find any ${noun} named "${pattern}".\n` : `Did not find any ${noun}.\n`,
    }
  }
  return {
    text: print({
      headers: result.fields.map((field) => field.name),
      rows: result.rows,
      aligns: result.fields.map(() => 'l'),
      title: single?.title ?? 'List of relations',
      showRowCount: true,
    }),
  }
}

/** `\df`: functions, with their result and argument types. */
export async function listFunctions(
  query: CatalogQuery,
  pattern: string | undefined,
  print: TablePrinter,
): Promise<DescribeOutput> {
  const sql = `SELECT n.nspname as "Schema", p.proname as "Name",
  pg_catalog.pg_get_function_result(p.oid) as "Result data type",
  pg_catalog.pg_get_function_arguments(p.oid) as "Argument data types",
  CASE p.prokind WHEN 'a' THEN 'agg' WHEN 'w' THEN 'window' WHEN 'p' THEN 'proc' ELSE 'func' END as "Type"
FROM pg_catalog.pg_proc p LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE ${patternCondition(pattern, 'n.nspname', 'p.proname', 'pg_catalog.pg_function_is_visible(p.oid)', "n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema'")}
ORDER BY 1, 2, 4`
  const result = await query(sql)
  if (!result.ok) return { error: `ERROR:  ${result.error.message}\n` }
  return {
    text: print({
      headers: result.fields.map((field) => field.name),
      rows: result.rows,
      aligns: result.fields.map(() => 'l'),
      title: 'List of functions',
      showRowCount: true,
    }),
  }
}

/** `\d NAME`: each matching table, view, index or sequence, described as psql describes it. */
export async function describeRelations(
  query: CatalogQuery,
  pattern: string,
  print: TablePrinter,
): Promise<DescribeOutput> {
  const found = await query(`SELECT c.oid::text, n.nspname, c.relname, c.relkind::text
FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${patternCondition(pattern, 'n.nspname', 'c.relname', 'pg_catalog.pg_table_is_visible(c.oid)', 'true')}
ORDER BY 2, 3`)
  if (!found.ok) return { error: `ERROR:  ${found.error.message}\n` }
  if (found.rows.length === 0) return { error: `Did not find any relation named "${pattern}".\n` }
  let text = ''
  for (const [oid, schema, name, relkind] of found.rows as string[][]) {
    const described = await describeOne(query, oid, `${schema}.${name}`, relkind)
    text += print(described)
  }
  return { text }
}

/** How the session prints a table: psql's `\x` mode on its screen. */
export type TablePrinter = (table: PrintableTable) => string

async function describeOne(
  query: CatalogQuery,
  oid: string,
  qualified: string,
  relkind: string,
): Promise<PrintableTable> {
  if (relkind === 'S') return describeSequence(query, oid, qualified)
  if (relkind === 'i' || relkind === 'I') return describeIndex(query, oid, qualified, relkind)
  const columns = await rowsOf(
    query,
    `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation),
  CASE WHEN a.attnotnull THEN 'not null' ELSE '' END,
  CASE WHEN a.attidentity = 'a' THEN 'generated always as identity'
       WHEN a.attidentity = 'd' THEN 'generated by default as identity'
       WHEN a.attgenerated = 's' THEN 'generated always as (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) || ') stored'
       WHEN a.attgenerated = 'v' THEN 'generated always as (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) || ')'
       ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) END
FROM pg_catalog.pg_attribute a
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef
WHERE a.attrelid = '${oid}' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`,
  )
  const kind =
    relkind === 'v'
      ? 'View'
      : relkind === 'm'
        ? 'Materialized view'
        : relkind === 'p'
          ? 'Partitioned table'
          : 'Table'
  const table: PrintableTable = {
    headers: ['Column', 'Type', 'Collation', 'Nullable', 'Default'],
    rows: columns.map(([name, type, collation, nullable, fallback]) => [
      name,
      type,
      collation ?? '',
      nullable,
      fallback ?? '',
    ]),
    aligns: ['l', 'l', 'l', 'l', 'l'],
    title: `${kind} "${qualified}"`,
    footers: relkind === 'r' || relkind === 'p' ? await tableFooters(query, oid) : [],
  }
  return table
}

async function tableFooters(query: CatalogQuery, oid: string): Promise<string[]> {
  const footers: string[] = []
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) footers.push(title, ...lines.map((line) => `    ${line}`))
  }
  const indexes = await rowsOf(
    query,
    `SELECT c2.relname, i.indisprimary::text, i.indisunique::text, i.indisclustered::text, i.indisvalid::text,
  pg_catalog.pg_get_indexdef(i.indexrelid, 0, true), pg_catalog.pg_get_constraintdef(con.oid, true),
  con.contype::text, con.condeferrable::text, con.condeferred::text, i.indisreplident::text
FROM pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))
WHERE i.indrelid = '${oid}' AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname`,
  )
  section(
    'Indexes:',
    indexes.map(
      ([
        name,
        primary,
        unique,
        clustered,
        valid,
        definition,
        constraint,
        contype,
        deferrable,
        deferred,
        replica,
      ]) => {
        let line = `"${name}"`
        if (contype === 'x') line += ` ${constraint}`
        else {
          if (primary === 'true') line += ' PRIMARY KEY,'
          else if (unique === 'true') line += contype === 'u' ? ' UNIQUE CONSTRAINT,' : ' UNIQUE,'
          const usingAt = (definition ?? '').indexOf(' USING ')
          line += ` ${usingAt === -1 ? definition : (definition ?? '').slice(usingAt + 7)}`
          if (deferrable === 'true') line += ' DEFERRABLE'
          if (deferred === 'true') line += ' INITIALLY DEFERRED'
        }
        if (clustered === 'true') line += ' CLUSTER'
        if (valid !== 'true') line += ' INVALID'
        if (replica === 'true') line += ' REPLICA IDENTITY'
        return line
      },
    ),
  )
  const checks = await rowsOf(
    query,
    `SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true) FROM pg_catalog.pg_constraint r
WHERE r.conrelid = '${oid}' AND r.contype = 'c' ORDER BY 1`,
  )
  section(
    'Check constraints:',
    checks.map(([name, definition]) => `"${name}" ${definition}`),
  )
  const foreignKeys = await rowsOf(
    query,
    `SELECT conname, pg_catalog.pg_get_constraintdef(r.oid, true) FROM pg_catalog.pg_constraint r
WHERE r.conrelid = '${oid}' AND r.contype = 'f' AND conparentid = 0 ORDER BY conname`,
  )
  section(
    'Foreign-key constraints:',
    foreignKeys.map(([name, definition]) => `"${name}" ${definition}`),
  )
  const referencedBy = await rowsOf(
    query,
    `SELECT conname, conrelid::pg_catalog.regclass::text, pg_catalog.pg_get_constraintdef(oid, true)
FROM pg_catalog.pg_constraint c WHERE confrelid = '${oid}' AND contype = 'f' AND conparentid = 0 ORDER BY conname`,
  )
  section(
    'Referenced by:',
    referencedBy.map(([name, table, definition]) => `TABLE "${table}" CONSTRAINT "${name}" ${definition}`),
  )
  const triggers = await rowsOf(
    query,
    `SELECT pg_catalog.pg_get_triggerdef(t.oid, true) FROM pg_catalog.pg_trigger t
WHERE t.tgrelid = '${oid}' AND NOT t.tgisinternal AND t.tgenabled <> 'D' ORDER BY t.tgname`,
  )
  section(
    'Triggers:',
    triggers.map(([definition]) => {
      const at = (definition ?? '').indexOf(' TRIGGER ')
      return at === -1 ? (definition ?? '') : (definition ?? '').slice(at + 9)
    }),
  )
  return footers
}

async function describeIndex(
  query: CatalogQuery,
  oid: string,
  qualified: string,
  relkind: string,
): Promise<PrintableTable> {
  const columns = await rowsOf(
    query,
    `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
  CASE WHEN a.attnum <= (SELECT i.indnkeyatts FROM pg_catalog.pg_index i WHERE i.indexrelid = '${oid}') THEN 'yes' ELSE 'no' END,
  pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, TRUE)
FROM pg_catalog.pg_attribute a WHERE a.attrelid = '${oid}' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
  )
  const [about] = await rowsOf(
    query,
    `SELECT i.indisunique::text, i.indisprimary::text, i.indisclustered::text, i.indisvalid::text,
  i.indisreplident::text, i.indnullsnotdistinct::text, a.amname, n.nspname || '.' || c2.relname,
  pg_catalog.pg_get_expr(i.indpred, i.indrelid, true)
FROM pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_am a, pg_catalog.pg_namespace n
WHERE i.indexrelid = c.oid AND c.oid = '${oid}' AND c.relam = a.oid AND i.indrelid = c2.oid AND n.oid = c2.relnamespace`,
  )
  const footers: string[] = []
  if (about) {
    const [unique, primary, clustered, valid, replica, nullsNotDistinct, method, table, predicate] = about
    let line = ''
    if (primary === 'true') line = 'primary key, '
    else if (unique === 'true') line = `unique${nullsNotDistinct === 'true' ? ' nulls not distinct' : ''}, `
    line += `${method}, for table "${table}"`
    if (predicate) line += `, predicate (${predicate})`
    if (clustered === 'true') line += ', clustered'
    if (valid !== 'true') line += ', invalid'
    if (replica === 'true') line += ', replica identity'
    footers.push(line)
  }
  return {
    headers: ['Column', 'Type', 'Key?', 'Definition'],
    rows: columns,
    aligns: ['l', 'l', 'l', 'l'],
    title: `${relkind === 'I' ? 'Partitioned index' : 'Index'} "${qualified}"`,
    footers,
  }
}

async function describeSequence(
  query: CatalogQuery,
  oid: string,
  qualified: string,
): Promise<PrintableTable> {
  const rows = await rowsOf(
    query,
    `SELECT pg_catalog.format_type(seqtypid, NULL), seqstart::text, seqmin::text, seqmax::text, seqincrement::text,
  CASE WHEN seqcycle THEN 'yes' ELSE 'no' END, seqcache::text
FROM pg_catalog.pg_sequence WHERE seqrelid = '${oid}'`,
  )
  const [owner] = await rowsOf(
    query,
    `SELECT pg_catalog.quote_ident(nspname) || '.' || pg_catalog.quote_ident(relname) || '.' || pg_catalog.quote_ident(attname),
  d.deptype::text
FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_depend d ON c.oid = d.refobjid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND d.objid = '${oid}' AND d.deptype IN ('a', 'i')`,
  )
  const footers = owner
    ? [owner[1] === 'i' ? `Sequence for identity column: ${owner[0]}` : `Owned by: ${owner[0]}`]
    : []
  return {
    headers: ['Type', 'Start', 'Minimum', 'Maximum', 'Increment', 'Cycles?', 'Cache'],
    rows,
    aligns: ['l', 'r', 'r', 'r', 'r', 'l', 'r'],
    title: `Sequence "${qualified}"`,
    footers,
  }
}

async function rowsOf(query: CatalogQuery, sql: string): Promise<Row[]> {
  const result = await query(sql)
  return result.ok ? result.rows : []
}

/**
 * psql's name patterns (docs: psql, "Patterns"): `*` any text, `?` one character, `.`
 * between schema and name; unquoted letters fold to lower case, double quotes keep them.
 * Without a pattern, or without a schema, only what the search path sees is listed.
 */
export function patternCondition(
  pattern: string | undefined,
  schemaColumn: string,
  nameColumn: string,
  visibleCondition: string,
  defaultSchemas: string,
): string {
  if (!pattern) return `${defaultSchemas} AND ${visibleCondition}`
  const parts = splitPattern(pattern)
  const name = parts[parts.length - 1]
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined
  const conditions = [`${nameColumn} OPERATOR(pg_catalog.~) '^(${name})$' COLLATE pg_catalog.default`]
  if (schema !== undefined)
    conditions.push(`${schemaColumn} OPERATOR(pg_catalog.~) '^(${schema})$' COLLATE pg_catalog.default`)
  else conditions.push(visibleCondition)
  return conditions.join(' AND ')
}

function splitPattern(pattern: string): string[] {
  const parts: string[] = ['']
  let isQuoted = false
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '"') {
      if (isQuoted && pattern[i + 1] === '"') {
        parts[parts.length - 1] += '"'
        i++
      } else isQuoted = !isQuoted
    } else if (!isQuoted && ch === '.') parts.push('')
    else if (!isQuoted && ch === '*') parts[parts.length - 1] += '.*'
    else if (!isQuoted && ch === '?') parts[parts.length - 1] += '.'
    else {
      const literal = isQuoted ? ch : ch.toLowerCase()
      // regex specials are literal in a name; a quote would end the SQL string
      parts[parts.length - 1] += literal.replace(/[\\^$.|+()[\]{}]/g, '\\$&').replace(/'/g, "''")
    }
  }
  return parts
}
