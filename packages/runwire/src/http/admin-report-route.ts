import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULTS } from '../config/defaults.js';
import { toMs } from '../duration.js';
import { RunwireError } from '../errors.js';
import { buildServerReport } from '../quality/server-report.js';
import type { Runtime } from '../runtime/create-runtime.js';
import type { AdminAccess } from './admin-access.js';
import { sendError } from './send-error.js';

/** Longest period a report covers (the default rollup retention). */
const MAX_SINCE_MS = DEFAULTS.qualityRetentionMs;

const querySchema = z.strictObject({
  since: z.string().min(1).max(16).optional(),
  check: z.string().min(1).max(1024).optional(),
});

/**
 * `GET /api/admin/report?since=7d[&check=PATH]`: the server-wide quality report (JSON, `runwire-report/v2`) for
 * admins only (see `AdminAccess`): any other valid token gets `403 forbidden`, a missing or bad one `401`. With
 * `check`, the report has the SSOT section of that path from its recorded scores (`POST /api/admin/check-scores`).
 */
export function registerAdminReportRoute(app: FastifyInstance, deps: { runtime: Runtime; access: AdminAccess }): void {
  app.get('/api/admin/report', async (req, reply) => {
    try {
      await deps.access.require(req, 'The report');
      const parsed = querySchema.safeParse(req.query);
      if (!parsed.success) {
        throw new RunwireError('bad_request', 'Invalid query: only since=DURATION (e.g. 7d) and check=PATH');
      }
      const sinceMs = parsed.data.since === undefined ? DEFAULTS.reportSinceMs : sinceOf(parsed.data.since);
      const { runtime } = deps;
      return await buildServerReport(runtime.quality, runtime.clock.now(), sinceMs, parsed.data.check);
    } catch (error) {
      return sendError(reply, error);
    }
  });
}

/** `since` in ms, 1 day to the longest retention. @throws RunwireError bad_request. */
function sinceOf(text: string): number {
  let ms: number;
  try {
    ms = toMs(text, 'since');
  } catch {
    throw new RunwireError('bad_request', `since must be a duration such as 7d or 24h, got '${text}'`);
  }
  if (ms < 1 || ms > MAX_SINCE_MS) {
    throw new RunwireError('bad_request', `since must be from 1 ms to ${MAX_SINCE_MS / 86_400_000}d, got '${text}'`);
  }
  return ms;
}
