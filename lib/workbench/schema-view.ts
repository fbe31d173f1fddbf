import { z } from 'zod'
import type { Database } from '../engine'

/** One table of the live schema, read from the catalogs. */
export const schemaTableSchema = z.object({
  name: z.string(),
  columns: z.array(
    z.object({ name: z.string(), type: z.string(), nullable: z.boolean(), default: z.string().optional() }),
  ),
  /** `valid: false` is an index a failed CONCURRENTLY build left behind. */
  indexes: z.array(z.object({ name: z.string(), definition: z.string(), valid: z.boolean() })),
  /** `validated: false` is a constraint added NOT VALID and not validated yet. */
  constraints: z.array(
    z.object({ name: z.string(), kind: z.string(), definition: z.string(), validated: z.boolean() }),
  ),
})

/** The live schema, read from the catalogs: what the `schema` request answers. */
export const schemaViewSchema = z.object({ tables: z.array(schemaTableSchema) })

/** One table of the live schema. */
export type SchemaTable = z.infer<typeof schemaTableSchema>

/** The live schema, read from the catalogs. */
export type SchemaView = z.infer<typeof schemaViewSchema>

const constraintKinds: Record<string, string> = {
  p: 'primary key',
  f: 'foreign key',
  u: 'unique',
  c: 'check',
  n: 'not null',
  x: 'exclusion',
  t: 'trigger',
}

/**
 * The public schema as the catalogs have it now: columns, indexes with `indisvalid` (a failed
 * CONCURRENTLY build leaves an INVALID one), constraints with `convalidated` (NOT VALID).
 */
export async function readSchema(database: Database): Promise<SchemaView> {
  const [columns, indexes, constraints] = await Promise.all([
    database.run(`
      select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), not a.attnotnull,
             pg_get_expr(d.adbin, d.adrelid)
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
      where n.nspname = 'public' and c.relkind in ('r', 'p')
      order by c.relname, a.attnum`),
    database.run(`
      select t.relname, i.relname, pg_get_indexdef(x.indexrelid), x.indisvalid
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public'
      order by t.relname, i.relname`),
    database.run(`
      select t.relname, c.conname, c.contype::text, pg_get_constraintdef(c.oid), c.convalidated
      from pg_constraint c
      join pg_class t on t.oid = c.conrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public'
      order by t.relname, c.conname`),
  ])
  const tables = new Map<string, SchemaTable>()
  const tableOf = (name: string) => {
    let table = tables.get(name)
    if (!table) tables.set(name, (table = { name, columns: [], indexes: [], constraints: [] }))
    return table
  }
  if (columns.ok)
    for (const [table, name, type, nullable, defaultValue] of columns.rows)
      tableOf(String(table)).columns.push({
        name: String(name),
        type: String(type),
        nullable: nullable === 't',
        ...(defaultValue !== null && { default: String(defaultValue) }),
      })
  if (indexes.ok)
    for (const [table, name, definition, valid] of indexes.rows)
      tableOf(String(table)).indexes.push({
        name: String(name),
        definition: String(definition),
        valid: valid === 't',
      })
  if (constraints.ok)
    for (const [table, name, kind, definition, validated] of constraints.rows) {
      // PostgreSQL 18 lists every NOT NULL as a constraint; the columns already say so, unless NOT VALID
      if (kind === 'n' && validated === 't') continue
      tableOf(String(table)).constraints.push({
        name: String(name),
        kind: constraintKinds[String(kind)] ?? String(kind),
        definition: String(definition),
        validated: validated === 't',
      })
    }
  return { tables: [...tables.values()] }
}
