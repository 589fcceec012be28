import { InvalidArgumentError } from '../errors.js';
import { describeValue } from '../ids.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { UserExecutionScope } from '../tracker/user-execution-scope.js';

/** The shared logic of every `getExecutionTracker`: no argument → the tracker; `{ userId }` → that user's scope. */
export function resolveTracker(
  tracker: AgentExecutionTracker,
  opts: unknown,
): AgentExecutionTracker | UserExecutionScope {
  if (opts === undefined) return tracker;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new InvalidArgumentError(
      `getExecutionTracker() expects no argument or an object { userId: string }, got ${describeValue(opts)}`,
    );
  }
  if (!('userId' in opts)) {
    throw new InvalidArgumentError('getExecutionTracker() expects { userId: string }; the object has no userId');
  }
  return tracker.forUser((opts as { userId: string }).userId);
}
