// Writes docs/report.schema.json, the documented JSON Schema of `runwire report --format json`, from the one zod
// schema (src/quality/report-schema.ts); test/quality/report-formats.test.ts keeps the two equal:
//   npx tsx scripts/report-schema.ts
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../src/quality/report-json-schema.js';

writeFileSync(
  new URL('../docs/report.schema.json', import.meta.url),
  `${JSON.stringify(reportJsonSchema(), null, 2)}\n`,
);
