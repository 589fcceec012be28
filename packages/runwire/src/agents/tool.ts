import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { UserExecutionContext } from '../context/user-execution-context.js';
import { InvalidArgumentError } from '../errors.js';
import type { UserExecutionScope } from '../tracker/user-execution-scope.js';
import { NAME_PATTERN } from './named-registry.js';

/** What a tool sees of the call: the caller's context and scope, never anyone else's. */
export interface ToolCallContext {
  readonly context: UserExecutionContext;
  /** The caller's own tracker scope (e.g. for statistics of the caller's runs). */
  readonly scope: UserExecutionScope;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

/** A tool an agent can call. Its result must be JSON. */
export interface ToolDefinition<P = unknown> {
  readonly name: string;
  readonly description: string;
  readonly parameters: z.ZodType<P>;
  execute(params: P, call: ToolCallContext): Promise<unknown>;
}

/**
 * Declares a tool. The parameters schema validates every call before `execute` runs.
 *
 * @example
 * const clock = defineTool({ name: 'clock', description: 'Current time', parameters: z.object({}), execute: async (_p, c) => ({ now: new Date(c.clock.now()).toISOString() }) });
 */
export function defineTool<P>(definition: ToolDefinition<P>): ToolDefinition<P> {
  if (!NAME_PATTERN.test(definition.name)) {
    throw new InvalidArgumentError(`Tool name '${definition.name}' must match ${NAME_PATTERN}`);
  }
  return Object.freeze({ ...definition });
}
