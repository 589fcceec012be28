import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requestToken } from '../auth/request-token.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { DEFAULTS } from '../config/defaults.js';
import { toMs } from '../duration.js';
import { RunwireError } from '../errors.js';
import { buildServerReport } from '../quality/server-report.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { sendError } from './send-error.js';

/** Longest period a report covers (the default rollup retention). */
const MAX_SINCE_MS = DEFAULTS.qualityRetentionMs;

const querySchema = z.strictObject({ since: z.string().min(1).max(16).optional() });

/**
 * `GET /api/admin/report?since=7d`: the server-wide quality report (JSON, `runwire-report/v1`) for admins only. An
 * admin is a user whose token has `"runwire:admin": true`, or whose id is in `adminUsers` (`--admin-users`); any
 * other valid token gets `403 forbidden`, a missing or bad one `401`. Deny by default: no admin is configured.
 */
export function registerAdminReportRoute(
  app: FastifyInstance,
  deps: { runtime: Runtime; verifier: TokenVerifier; adminUsers: readonly string[] },
): void {
  const admins = new Set(deps.adminUsers);
  app.get('/api/admin/report', async (req, reply) => {
    try {
      const found = requestToken(new URL(req.url, 'http://localhost'), req.headers, 'http');
      if (!found.ok) throw new RunwireError('unauthenticated', found.reason);
      const identity = await deps.verifier.verify(found.token);
      if (!identity.admin && !admins.has(identity.userId)) {
        throw new RunwireError(
          'forbidden',
          'The report is for admins only (a token with "runwire:admin": true, or --admin-users)',
        );
      }
      const parsed = querySchema.safeParse(req.query);
      if (!parsed.success) throw new RunwireError('bad_request', 'Invalid query: only since=DURATION (e.g. 7d)');
      const sinceMs = parsed.data.since === undefined ? DEFAULTS.reportSinceMs : sinceOf(parsed.data.since);
      const { runtime } = deps;
      return await buildServerReport(runtime.quality.rollups, runtime.clock.now(), sinceMs);
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
