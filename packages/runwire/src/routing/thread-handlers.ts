import { getThreadFrameSchema, listThreadsFrameSchema } from '../protocol/inbound-frames.js';
import type { ThreadFrame, ThreadsFrame } from '../protocol/server-frames.js';
import type { ThreadHistory } from '../runs/thread-history.js';
import type { ThreadMessagePage, ThreadPage } from '../stores/thread-store.js';
import type { MessageRouter } from './message-router.js';
import { idOf } from './run-handlers.js';

/** Registers `list_threads` and `get_thread` (the caller's own threads only; another user's is `not_found`). */
export function registerThreadHandlers(router: MessageRouter, history: ThreadHistory): void {
  router.register('list_threads', listThreadsFrameSchema, async (frame, { context }) => {
    const page = await history.list(context.userId, {
      limit: frame.limit ?? 20,
      ...(frame.before === undefined ? {} : { before: frame.before }),
    });
    return { type: 'threads', ...idOf(frame), ...threadPageToWire(page) };
  });

  router.register('get_thread', getThreadFrameSchema, async (frame, { context }) => {
    const page = await history.messages(context.userId, frame.threadId, {
      limit: frame.limit ?? 50,
      ...(frame.after === undefined ? {} : { after: frame.after }),
    });
    return { type: 'thread', ...idOf(frame), threadId: frame.threadId, ...messagePageToWire(page) };
  });
}

/** A page of threads as the wire carries it (ISO times); shared with `GET /api/threads`. */
export function threadPageToWire(page: ThreadPage): Pick<ThreadsFrame, 'threads' | 'next'> {
  const threads = page.threads.map((t) => ({
    threadId: t.threadId,
    title: t.title,
    createdAt: new Date(t.createdAt).toISOString(),
    updatedAt: new Date(t.updatedAt).toISOString(),
    lastRunId: t.lastRunId,
  }));
  return page.next === undefined ? { threads } : { threads, next: page.next };
}

/** A page of messages as the wire carries it (ISO times); shared with `GET /api/threads/:id/messages`. */
export function messagePageToWire(page: ThreadMessagePage): Pick<ThreadFrame, 'messages' | 'next'> {
  const messages = page.messages.map((m) => ({
    role: m.role,
    content: m.content,
    runId: m.runId,
    ...(m.toolCallId === undefined ? {} : { toolCallId: m.toolCallId }),
    ...(m.toolName === undefined ? {} : { toolName: m.toolName }),
    createdAt: new Date(m.createdAt).toISOString(),
  }));
  return page.next === undefined ? { messages } : { messages, next: page.next };
}
