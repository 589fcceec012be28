import { z } from 'zod';
import { serverReportSchema } from './report-schema.js';

/** The JSON Schema (draft 2020-12) of `runwire-report/v2`, as committed in `docs/report.schema.json`. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(serverReportSchema, { target: 'draft-2020-12' }),
    title: 'Runwire server-wide quality report (runwire report --format json, GET /api/admin/report)',
  };
}
