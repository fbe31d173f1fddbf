import { z } from 'zod'
import { scenarioSchema } from './scenario'

/** Where the generated JSON Schema lives; scenario files point at it with a yaml-language-server comment. */
export const scenarioJsonSchemaFile = 'content/scenario.schema.json'

/** The JSON Schema of `scenario.yaml`, as written to disk: what authors type (durations as text too). */
export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' })
  return `${JSON.stringify({ ...schema, title: 'Cutover lesson scenario' }, null, 2)}\n`
}
