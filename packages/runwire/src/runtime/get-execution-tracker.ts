import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { UserExecutionScope } from '../tracker/user-execution-scope.js';
import { getDefaultRuntime } from './default-runtime.js';
import { resolveTracker } from './resolve-tracker.js';

/**
 * The factory of the execution tracker. Without arguments it returns the one tracker of the default runtime
 * (the same object every time); with `{ userId }` it returns that user's `UserExecutionScope` (the same object for
 * the same user), which can only see that user's runs.
 *
 * @throws InvalidArgumentError (a `TypeError`) for a string, an object without `userId`, or a placeholder id.
 * @example
 * const scope = getExecutionTracker({ userId: 'alice' });
 * const run = scope.createExecution({ agentName: 'echo', threadId: 'thr_1' });
 */
export function getExecutionTracker(): AgentExecutionTracker;
export function getExecutionTracker(options: { userId: string }): UserExecutionScope;
export function getExecutionTracker(options?: unknown): AgentExecutionTracker | UserExecutionScope {
  return resolveTracker(getDefaultRuntime().tracker, options);
}
