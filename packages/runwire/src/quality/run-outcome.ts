import { assertNever } from '../errors.js';
import type { RunRecord } from '../tracker/run-record.js';

/** How a run ended, as the rollups count it: a failure carries its error code (`failed:tool_timeout`). */
export type RunOutcome = 'completed' | `failed:${string}` | 'cancelled' | 'timeout' | 'dead';

/** The kinds of outcome, in the order reports list them. */
export const OUTCOME_KINDS = ['completed', 'failed', 'cancelled', 'timeout', 'dead'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** The outcome of a finished run; `undefined` for a run that has not ended. */
export function outcomeOf(record: Pick<RunRecord, 'status' | 'error'>): RunOutcome | undefined {
  switch (record.status) {
    case 'completed':
    case 'cancelled':
    case 'timeout':
    case 'dead':
      return record.status;
    case 'failed':
      return `failed:${record.error?.code ?? 'unknown'}`;
    case 'pending':
    case 'starting':
    case 'running':
    case 'completing':
      return undefined;
    default:
      return assertNever(record.status, 'run status');
  }
}

/** The kind of a stored outcome (`failed:x` → `failed`); `undefined` for a string that is not an outcome. */
export function kindOf(outcome: string): OutcomeKind | undefined {
  if (outcome.startsWith('failed:')) return 'failed';
  return (OUTCOME_KINDS as readonly string[]).includes(outcome) ? (outcome as OutcomeKind) : undefined;
}
