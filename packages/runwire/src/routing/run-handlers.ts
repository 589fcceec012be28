import { DEFAULTS } from '../config/defaults.js';
import {
  getRunFrameSchema,
  listRunsFrameSchema,
  startAgentFrameSchema,
  stopAgentFrameSchema,
  userMessageFrameSchema,
} from '../protocol/inbound-frames.js';
import type { RunService } from '../runs/run-service.js';
import type { MessageRouter } from './message-router.js';

/** Default agent of `user_message` (docs/protocol.md §2). */
export const DEFAULT_AGENT = DEFAULTS.agent;

/**
 * Registers `user_message`, `start_agent`, `stop_agent`, `get_run` and `list_runs`. `defaultAgent` takes a
 * `user_message` without `agent` (`assistant` when a model is configured). @default DEFAULT_AGENT
 */
export function registerRunHandlers(
  router: MessageRouter,
  runs: RunService,
  defaultAgent: string = DEFAULT_AGENT,
): void {
  router.register('user_message', userMessageFrameSchema, (frame, { context }) => {
    const run = runs.start(context, {
      agent: frame.agent ?? defaultAgent,
      input: { kind: 'message', content: frame.content },
      ...(frame.threadId === undefined ? {} : { threadId: frame.threadId }),
    });
    return { type: 'ack', ...idOf(frame), runId: run.runId, threadId: run.threadId };
  });

  router.register('start_agent', startAgentFrameSchema, (frame, { context }) => {
    const run = runs.start(context, {
      agent: frame.agent,
      input: { kind: 'input', value: frame.input },
      ...(frame.threadId === undefined ? {} : { threadId: frame.threadId }),
    });
    return { type: 'ack', ...idOf(frame), runId: run.runId, threadId: run.threadId };
  });

  router.register('stop_agent', stopAgentFrameSchema, async (frame, { context }) => {
    const status = await runs.cancel(context.userId, frame.runId);
    return { type: 'ack', ...idOf(frame), runId: frame.runId, status };
  });

  router.register('get_run', getRunFrameSchema, async (frame, { context }) => {
    const run = await runs.get(context.userId, frame.runId);
    return { type: 'run', ...idOf(frame), run };
  });

  router.register('list_runs', listRunsFrameSchema, async (frame, { context }) => {
    const page = await runs.list(context.userId, {
      limit: frame.limit ?? 20,
      ...(frame.status === undefined ? {} : { status: frame.status }),
      ...(frame.threadId === undefined ? {} : { threadId: frame.threadId }),
      ...(frame.before === undefined ? {} : { before: frame.before }),
    });
    return { type: 'runs', ...idOf(frame), ...page };
  });
}

/** The `id` field to echo, if the request had one. */
export function idOf(frame: { id?: string | undefined }): { id?: string } {
  return frame.id === undefined ? {} : { id: frame.id };
}
