import { z } from 'zod'

// The cost model's per-row figures, measured on a real PostgreSQL 18 server (scripts/calibrate.ts):
// the record lib/sim/cost-model.test.ts holds the model to, so the two cannot drift apart.

const measurementSchema = z
  .object({ operation: z.string(), constant: z.string(), rows: z.number().int().positive(), ms: z.number() })
  .strict()

const fitSchema = z
  .object({
    constant: z.string(),
    /** µs per row, least squares through the origin over every size and operation of the class. */
    microsPerRow: z.number().positive(),
    /** At each size, (fit − measured) ÷ measured over the class's operations there. */
    errorBySize: z.array(z.object({ rows: z.number().int(), error: z.number() }).strict()),
  })
  .strict()

export const costCalibrationSchema = z
  .object({
    server: z.string().min(1),
    measuredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    repeats: z.number().int().positive(),
    measurements: z.array(measurementSchema).min(1),
    fits: z.array(fitSchema).min(1),
  })
  .strict()

export type CostCalibration = z.infer<typeof costCalibrationSchema>
export type CostFit = z.infer<typeof fitSchema>

/** Where the calibration is recorded, from the repository's root. */
export const costCalibrationFile = 'content/reference/cost-calibration.json'

/**
 * The µs per row that best fits a class's measurements (least squares through the origin, as the
 * cost model is rows × a figure), to two significant digits, and its error at each size.
 */
export function fitMicrosPerRow(constant: string, measurements: CostCalibration['measurements']): CostFit {
  const sumTimesRows = measurements.reduce((sum, { rows, ms }) => sum + ms * 1000 * rows, 0)
  const sumRowsSquared = measurements.reduce((sum, { rows }) => sum + rows * rows, 0)
  const microsPerRow = Number((sumTimesRows / sumRowsSquared).toPrecision(2))
  const sizes = [...new Set(measurements.map(({ rows }) => rows))].sort((a, b) => a - b)
  const errorBySize = sizes.map((rows) => {
    const measuredMs = measurements.filter((row) => row.rows === rows).reduce((sum, row) => sum + row.ms, 0)
    const count = measurements.filter((row) => row.rows === rows).length
    const fittedMs = (microsPerRow * rows * count) / 1000
    return { rows, error: Math.round(((fittedMs - measuredMs) / measuredMs) * 1000) / 1000 }
  })
  return { constant, microsPerRow, errorBySize }
}
