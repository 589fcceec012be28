import {
  decodeMessageCursor,
  decodeThreadCursor,
  encodeMessageCursor,
  encodeThreadCursor,
  type ThreadMessagePage,
  type ThreadMessageRecord,
  type ThreadPage,
  type ThreadRecord,
  type ThreadStore,
  threadListOrder,
  threadTitle,
} from '../thread-store.js';

interface MemoryThread {
  summary: ThreadRecord;
  readonly messages: ThreadMessageRecord[];
}

/** A `ThreadStore` in process memory: for tests and `--store memory`. Lost on exit. */
export class MemoryThreadStore implements ThreadStore {
  /** user id → thread id → thread */
  readonly #threads = new Map<string, Map<string, MemoryThread>>();

  async append(userId: string, threadId: string, messages: readonly ThreadMessageRecord[]): Promise<void> {
    const last = messages[messages.length - 1];
    if (last === undefined) return;
    let threads = this.#threads.get(userId);
    if (threads === undefined) {
      threads = new Map();
      this.#threads.set(userId, threads);
    }
    let thread = threads.get(threadId);
    if (thread === undefined) {
      const first = messages[0]!;
      thread = {
        summary: {
          threadId,
          title: '',
          createdAt: first.createdAt,
          updatedAt: first.createdAt,
          lastRunId: first.runId,
        },
        messages: [],
      };
      threads.set(threadId, thread);
    }
    const firstUser = messages.find((m) => m.role === 'user');
    thread.messages.push(...messages.map((m) => ({ ...m })));
    thread.summary = {
      ...thread.summary,
      title:
        thread.summary.title === '' && firstUser !== undefined ? threadTitle(firstUser.content) : thread.summary.title,
      updatedAt: Math.max(thread.summary.updatedAt, last.createdAt),
      lastRunId: last.runId,
    };
  }

  async recent(userId: string, threadId: string, limit: number): Promise<ThreadMessageRecord[]> {
    const messages = this.#threads.get(userId)?.get(threadId)?.messages ?? [];
    return limit <= 0 ? [] : messages.slice(-limit).map((m) => ({ ...m }));
  }

  async messages(
    userId: string,
    threadId: string,
    query: { readonly limit: number; readonly after?: string },
  ): Promise<ThreadMessagePage | undefined> {
    const thread = this.#threads.get(userId)?.get(threadId);
    if (thread === undefined) return undefined;
    const start = query.after === undefined ? 0 : (decodeMessageCursor(query.after) ?? 0);
    const page = thread.messages.slice(start, start + query.limit).map((m) => ({ ...m }));
    const end = start + page.length;
    return end < thread.messages.length ? { messages: page, next: encodeMessageCursor(end) } : { messages: page };
  }

  async list(userId: string, query: { readonly limit: number; readonly before?: string }): Promise<ThreadPage> {
    const cursor = query.before === undefined ? undefined : decodeThreadCursor(query.before);
    const all = [...(this.#threads.get(userId)?.values() ?? [])]
      .map((t) => t.summary)
      .filter((s) => cursor === undefined || threadListOrder(cursor, s) < 0)
      .sort(threadListOrder);
    const page = all.slice(0, query.limit).map((s) => ({ ...s }));
    const last = page[page.length - 1];
    return all.length > query.limit && last !== undefined
      ? { threads: page, next: encodeThreadCursor(last) }
      : { threads: page };
  }

  async deleteThread(userId: string, threadId: string): Promise<boolean> {
    return this.#threads.get(userId)?.delete(threadId) ?? false;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}
