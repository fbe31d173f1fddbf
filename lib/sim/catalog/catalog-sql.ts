import { lexSql } from '../../engine'

/**
 * The schema holding the simulation's catalog: views and functions named as Postgres's own,
 * which read the simulated sessions and locks instead of PGlite's one backend. A statement
 * that names `pg_stat_activity`, `pg_locks` or one of the functions below (bare, or as
 * `pg_catalog.…`) is sent to PGlite naming this schema's instead.
 */
export const catalogSchema = 'cutover_sim'

/** The relations and functions the simulation stands in for. */
export const simulatedCatalogNames = [
  'pg_stat_activity',
  'pg_locks',
  'pg_blocking_pids',
  'pg_backend_pid',
  'pg_terminate_backend',
  'pg_cancel_backend',
] as const

/** The settings the simulation fills before such a statement: JSON rows, and the asking session's pid. */
export const catalogSettings = {
  activity: 'cutover.activity',
  locks: 'cutover.locks',
  blocking: 'cutover.blocking',
  pid: 'cutover.pid',
} as const

/**
 * How the catalog's functions ask the simulation to act: a NOTICE Postgres passes back with the
 * statement's result, which survives the rollback of a probe (a table row would not).
 */
export const catalogRequestPrefix = 'cutover_sim: '

// pg_terminate_backend and pg_cancel_backend: true and a request to the simulation for a pid
// it has, Postgres's own warning and false for any other
function signalFunction(name: string, parameters: string, action: 'terminate' | 'cancel'): string {
  return `
create or replace function ${catalogSchema}.${name}(${parameters})
returns boolean language plpgsql volatile strict as $$
begin
  if not exists (select 1 from ${catalogSchema}.pg_stat_activity a where a.pid = ${name}.pid) then
    raise warning 'PID % is not a PostgreSQL backend process', pid;
    return false;
  end if;
  raise notice '${catalogRequestPrefix}${action} %', pid;
  return true;
end $$;`
}

// Timestamps are now() less the modelled age, so `now() - state_change` is the simulated idle
// time whatever the clock's speed; the column lists are pg_stat_activity's and pg_locks's own.
const catalogDdl = `
create schema if not exists ${catalogSchema};

create or replace function ${catalogSchema}.rows_of(setting text) returns json
language sql stable as $$ select coalesce(nullif(current_setting(setting, true), ''), '[]')::json $$;

create or replace view ${catalogSchema}.pg_stat_activity as
select d.oid as datid, d.datname, a.pid, null::integer as leader_pid, r.oid as usesysid,
       r.rolname as usename, a.application_name, a.client_addr, null::text as client_hostname,
       a.client_port,
       now() - make_interval(secs => a.backend_age_s) as backend_start,
       now() - make_interval(secs => a.xact_age_s) as xact_start,
       now() - make_interval(secs => a.query_age_s) as query_start,
       now() - make_interval(secs => a.state_age_s) as state_change,
       a.wait_event_type, a.wait_event, a.state, a.backend_xid, null::xid as backend_xmin,
       null::bigint as query_id, a.query, 'client backend'::text as backend_type
from json_to_recordset(${catalogSchema}.rows_of('${catalogSettings.activity}')) as a(
       pid integer, application_name text, client_addr inet, client_port integer,
       backend_age_s float8, xact_age_s float8, query_age_s float8, state_age_s float8,
       wait_event_type text, wait_event text, state text, backend_xid xid, query text)
left join pg_catalog.pg_database d on d.datname = current_database()
left join pg_catalog.pg_roles r on r.rolname = current_user;

create or replace view ${catalogSchema}.pg_locks as
select l.locktype, case when l.locktype = 'relation' then d.oid end as database,
       to_regclass(l.relation)::oid as relation, null::integer as page, null::smallint as tuple,
       l.virtualxid, l.transactionid, null::oid as classid, null::oid as objid,
       null::smallint as objsubid, l.virtualtransaction, l.pid, l.mode, l.granted,
       false as fastpath, now() - make_interval(secs => l.wait_age_s) as waitstart
from json_to_recordset(${catalogSchema}.rows_of('${catalogSettings.locks}')) as l(
       locktype text, relation text, virtualxid text, transactionid xid,
       virtualtransaction text, pid integer, mode text, granted boolean, wait_age_s float8)
left join pg_catalog.pg_database d on d.datname = current_database();

create or replace function ${catalogSchema}.pg_backend_pid() returns integer
language sql stable as $$
  select coalesce(nullif(current_setting('${catalogSettings.pid}', true), '')::integer, pg_catalog.pg_backend_pid())
$$;

create or replace function ${catalogSchema}.pg_blocking_pids(integer) returns integer[]
language sql stable strict as $$
  select array(select json_array_elements_text(${catalogSchema}.rows_of('${catalogSettings.blocking}') -> ($1::text))::integer)
$$;

${signalFunction('pg_terminate_backend', 'pid integer, timeout bigint default 0', 'terminate')}
${signalFunction('pg_cancel_backend', 'pid integer', 'cancel')}
`

/** Creates (or re-creates) the catalog's schema; idempotent. */
export const createCatalogSql = catalogDdl

/** A statement as PGlite is sent it, and how to read Postgres's error position in it back. */
export interface CatalogRewrite {
  sql: string
  /** A 1-based character position in the rewritten text, as a position in the original. */
  toOriginalPosition(position: number): number
}

const namesPattern = simulatedCatalogNames.join('|')
// a bare name, or pg_catalog.name; not a column of something else (`a.pid`), nor an alias
const reference = new RegExp(`(?<![\\w$.])(?:pg_catalog\\s*\\.\\s*)?(${namesPattern})(?![\\w$])`, 'gi')

/**
 * The statement with every reference to the simulated catalog pointed at `cutover_sim`, or
 * undefined when it names none. Strings, comments and quoted identifiers are left alone.
 */
export function rewriteCatalogReferences(sql: string): CatalogRewrite | undefined {
  // the code alone, with quotes and comments blanked to spaces of the same length
  let code = ''
  let last = 0
  for (const token of lexSql(sql)) {
    code += sql.slice(last, token.start)
    const text = sql.slice(token.start, token.end)
    code +=
      token.kind === 'code' || token.kind.endsWith('paren') || token.kind === 'semicolon'
        ? text
        : ' '.repeat(text.length)
    last = token.end
  }
  code += sql.slice(last)
  const edits: { start: number; end: number; replacement: string }[] = []
  for (const match of code.matchAll(reference)) {
    const start = match.index
    if (/\bas\s*$/i.test(code.slice(0, start))) continue
    edits.push({
      start,
      end: start + match[0].length,
      replacement: `${catalogSchema}.${match[1].toLowerCase()}`,
    })
  }
  if (edits.length === 0) return undefined
  let rewritten = ''
  let from = 0
  // in characters, as Postgres counts: where each edit lands in the rewritten text, and its sizes
  const spans: { at: number; originalAt: number; length: number; originalLength: number }[] = []
  for (const edit of edits) {
    rewritten += sql.slice(from, edit.start)
    spans.push({
      at: Array.from(rewritten).length,
      originalAt: Array.from(sql.slice(0, edit.start)).length,
      length: edit.replacement.length,
      originalLength: edit.end - edit.start,
    })
    rewritten += edit.replacement
    from = edit.end
  }
  rewritten += sql.slice(from)
  return {
    sql: rewritten,
    toOriginalPosition(position) {
      let shift = 0
      for (const span of spans) {
        const offset = position - 1
        if (offset < span.at) break
        if (offset < span.at + span.length) return span.originalAt + 1
        shift += span.length - span.originalLength
      }
      return position - shift
    },
  }
}

/** Whether the statement names the simulated catalog. */
export function readsSimulatedCatalog(sql: string): boolean {
  return rewriteCatalogReferences(sql) !== undefined
}
