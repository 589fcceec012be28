import type { FastifyInstance } from 'fastify';
import { RunwireError } from '../errors.js';
import { checkSubmissionSchema } from '../quality/report-schema.js';
import type { Runtime } from '../runtime/create-runtime.js';
import type { AdminAccess } from './admin-access.js';
import { sendError } from './send-error.js';

/**
 * `POST /api/admin/check-scores` with one checker run (`{path, score, concepts, violated, findings, byRule}`):
 * records it in the check score history, stamped with the server's time, for admins only (see `AdminAccess`).
 * Answers `201 {recordedAt}`. `runwire report --check PATH` sends it before asking for the report.
 */
export function registerAdminCheckScoresRoute(
  app: FastifyInstance,
  deps: { runtime: Runtime; access: AdminAccess },
): void {
  app.post('/api/admin/check-scores', async (req, reply) => {
    try {
      await deps.access.require(req, 'Recording check scores');
      const parsed = checkSubmissionSchema.safeParse(req.body);
      if (!parsed.success) {
        throw new RunwireError(
          'bad_request',
          'Invalid check score: expected {path, score (0 to 100), concepts, violated, findings, byRule {rule: count}}',
        );
      }
      const recordedAt = deps.runtime.clock.now();
      await deps.runtime.quality.checks.record({ ...parsed.data, recordedAt });
      return reply.code(201).send({ recordedAt: new Date(recordedAt).toISOString() });
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
