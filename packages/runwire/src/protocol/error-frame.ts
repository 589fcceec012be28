import { RunwireError, WIRE_ERROR_CODES } from '../errors.js';
import type { ErrorFrame } from './server-frames.js';

const WIRE_CODES: ReadonlySet<string> = new Set(WIRE_ERROR_CODES);

/**
 * The one mapping from an error to its wire frame. Runwire errors with a wire code keep their code, message and
 * details; anything else becomes `internal` with a fixed message, so no stack trace or internal text leaves the process.
 */
export function toErrorFrame(error: unknown, id?: string): ErrorFrame {
  const idField = id === undefined ? {} : { id };
  if (error instanceof RunwireError && WIRE_CODES.has(error.code)) {
    return {
      type: 'error',
      ...idField,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: { ...error.details } }),
    };
  }
  return { type: 'error', ...idField, code: 'internal', message: 'Internal server error' };
}
