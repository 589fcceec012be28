import type { FastifyReply } from 'fastify';
import type { WireErrorCode } from '../errors.js';
import { toErrorFrame } from '../protocol/error-frame.js';

/** HTTP status of each wire error code (docs/protocol.md §7). */
export const HTTP_STATUS_OF: Record<WireErrorCode, number> = {
  bad_json: 400,
  bad_request: 400,
  unknown_type: 400,
  not_found: 404,
  thread_busy: 409,
  too_many_runs: 429,
  rate_limited: 429,
  unauthenticated: 401,
  origin_not_allowed: 403,
  internal: 500,
};

/** Sends `{"error":{code,message}}` with the status of its code. */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const frame = toErrorFrame(error);
  return reply.code(HTTP_STATUS_OF[frame.code as WireErrorCode] ?? 500).send({
    error: {
      code: frame.code,
      message: frame.message,
      ...(frame.details === undefined ? {} : { details: frame.details }),
    },
  });
}
