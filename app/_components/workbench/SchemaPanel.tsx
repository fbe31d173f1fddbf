import { memo, useId } from 'react'
import type { SchemaTable, SchemaView } from '@/lib/workbench'

/** What the schema panel shows. */
export interface SchemaPanelProps {
  /** The live schema as read from the catalogs; undefined while it is being read. */
  schema: SchemaView | undefined
}

/**
 * The live schema, table by table: columns, indexes and constraints, with the half-done states
 * a zero-downtime migration passes through (an INVALID index, a NOT VALID constraint) marked.
 */
export const SchemaPanel = memo(function SchemaPanel({ schema }: SchemaPanelProps) {
  const headingId = useId()
  return (
    <section className="wb-panel wb-schema" aria-labelledby={headingId} aria-busy={schema === undefined}>
      <h3 id={headingId}>Schema</h3>
      {schema === undefined ? (
        <p className="wb-empty">Reading the schema…</p>
      ) : schema.tables.length === 0 ? (
        <p className="wb-empty">The database has no tables.</p>
      ) : (
        schema.tables.map((table) => <TableDetails key={table.name} table={table} />)
      )}
    </section>
  )
})

function TableDetails({ table }: { table: SchemaTable }) {
  return (
    <details className="wb-schema-table" open data-table={table.name}>
      <summary>
        <code>{table.name}</code>
      </summary>
      <div className="wb-scroll" role="region" aria-label={`Columns of ${table.name}`} tabIndex={0}>
        <table className="wb-table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Null</th>
              <th scope="col">Default</th>
            </tr>
          </thead>
          <tbody>
            {table.columns.map((column) => (
              <tr key={column.name} data-column={column.name}>
                <th scope="row">
                  <code>{column.name}</code>
                </th>
                <td>
                  <code>{column.type}</code>
                </td>
                <td>{column.nullable ? 'nullable' : 'NOT NULL'}</td>
                <td>{column.default === undefined ? '—' : <code>{column.default}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h4>Indexes</h4>
      {table.indexes.length === 0 ? (
        <p className="wb-empty">None.</p>
      ) : (
        <ul className="wb-schema-list">
          {table.indexes.map((index) => (
            <li key={index.name} data-index={index.name} data-valid={index.valid}>
              <code>{index.name}</code>{' '}
              {!index.valid && (
                <span className="wb-badge wb-badge-error" title="A failed CREATE INDEX CONCURRENTLY left it">
                  INVALID
                </span>
              )}
              <code className="wb-definition">{index.definition}</code>
            </li>
          ))}
        </ul>
      )}

      <h4>Constraints</h4>
      {table.constraints.length === 0 ? (
        <p className="wb-empty">None.</p>
      ) : (
        <ul className="wb-schema-list">
          {table.constraints.map((constraint) => (
            <li key={constraint.name} data-constraint={constraint.name} data-validated={constraint.validated}>
              <code>{constraint.name}</code> <span className="wb-kind">{constraint.kind}</span>{' '}
              {!constraint.validated && (
                <span className="wb-badge wb-badge-warn" title="Added NOT VALID and not validated yet">
                  NOT VALID
                </span>
              )}
              <code className="wb-definition">{constraint.definition}</code>
            </li>
          ))}
        </ul>
      )}
    </details>
  )
}
