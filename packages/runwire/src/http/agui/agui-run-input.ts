import { contentToText, omitOptionalNulls, type RunAgentInput } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { BadRequestError } from '../../errors.js';
import { idProblem } from '../../ids.js';

/** What a Runwire run takes from an AG-UI `RunAgentInput`. */
export interface AguiRunRequest {
  /** The client's ids, echoed in `RUN_STARTED` and `RUN_FINISHED`. The thread is also the Runwire thread. */
  readonly threadId: string;
  readonly runId: string;
  /** `forwardedProps.agent`, when given. */
  readonly agent?: string;
  /** The text of the last user message: the run's input. */
  readonly content: string;
  /** `forwardedProps.cancelOnDisconnect`: a client that goes away cancels the run. @default false */
  readonly cancelOnDisconnect: boolean;
}

/**
 * Reads and validates a `RunAgentInput` with AG-UI's own schema. Lenient to older clients: optional fields that are
 * `null` are dropped first, and `protocolVersion`, `tools` and `context` may be absent.
 * @throws BadRequestError naming the field, before any stream starts.
 */
export function parseAguiRunInput(body: unknown): AguiRunRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('The body must be a JSON RunAgentInput object');
  }
  const parsed = RunAgentInputSchema.safeParse(omitOptionalNulls(body, 'RunAgentInput'));
  if (!parsed.success) {
    throw new BadRequestError(
      'Invalid RunAgentInput',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const input = parsed.data as RunAgentInput;
  for (const key of ['threadId', 'runId'] as const) {
    const problem = idProblem(input[key]);
    if (problem !== undefined)
      throw new BadRequestError(`Invalid ${key}: ${problem}`, [{ path: key, message: problem }]);
  }
  const lastUser = [...input.messages].reverse().find((m) => m.role === 'user');
  const content = lastUser === undefined ? '' : contentToText(lastUser.content as Parameters<typeof contentToText>[0]);
  if (content.trim().length === 0) {
    throw new BadRequestError('The run needs a user message with text: the last user message is its input', [
      { path: 'messages', message: 'no user message with text' },
    ]);
  }
  const props = forwardedProps(input.forwardedProps);
  return {
    threadId: input.threadId,
    runId: input.runId,
    content,
    cancelOnDisconnect: props.cancelOnDisconnect === true,
    ...(typeof props.agent === 'string' ? { agent: props.agent } : {}),
  };
}

function forwardedProps(value: unknown): { agent?: unknown; cancelOnDisconnect?: unknown } {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('forwardedProps must be an object', [
      { path: 'forwardedProps', message: 'not an object' },
    ]);
  }
  const props = value as { agent?: unknown; cancelOnDisconnect?: unknown };
  if (props.agent !== undefined && typeof props.agent !== 'string') {
    throw new BadRequestError('forwardedProps.agent must be an agent name', [
      { path: 'forwardedProps.agent', message: 'not a string' },
    ]);
  }
  if (props.cancelOnDisconnect !== undefined && typeof props.cancelOnDisconnect !== 'boolean') {
    throw new BadRequestError('forwardedProps.cancelOnDisconnect must be true or false', [
      { path: 'forwardedProps.cancelOnDisconnect', message: 'not a boolean' },
    ]);
  }
  return props;
}
