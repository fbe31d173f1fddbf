// `npm run schema`: writes content/scenario.schema.json from the zod schema, so editors
// complete and check scenario.yaml files (a test fails when the file is out of date).
import { writeFile } from 'node:fs/promises'
import { scenarioJsonSchemaFile, scenarioJsonSchemaText } from '../lib/scenario'

await writeFile(scenarioJsonSchemaFile, scenarioJsonSchemaText())
console.log(`wrote ${scenarioJsonSchemaFile}`)
