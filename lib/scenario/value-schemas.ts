import { z } from 'zod'

const durationUnits: Record<string, number> = { ms: 1, s: 1000, min: 60_000 }

/** A duration as people say it: `500ms`, `2s`, `1min`; a bare number is ms. */
export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?\s*(ms|s|min)$/, 'a duration such as 500ms, 2s or 1min'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value
    const [, amount, unit] = /^(\d+(?:\.\d+)?)\s*(ms|s|min)$/.exec(value) ?? []
    return Number(amount) * durationUnits[unit]
  })

/** A row count; YAML 1.2 reads 50_000_000 as a string, and authors write big ones that way. */
export const rowCount = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(/^\d{1,3}(_?\d{3})*$/, 'a whole number such as 50_000_000'),
  ])
  .transform((value) => (typeof value === 'number' ? value : Number(value.replace(/_/g, ''))))

/** An id steps and versions are named by: v1.0.0, add-columns. */
export const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, dots and dashes, e.g. v1.0.0 or add-columns')

/** A five-character SQLSTATE, as a claim names an error. */
export const sqlstate = z
  .string()
  .regex(/^[0-9A-Z]{5}$/, 'a five-character SQLSTATE such as 42703')
  .describe('SQLSTATE, e.g. 42703 undefined_column, 23502 not_null_violation, 55P03 lock_not_available.')
