import { recordToolCall } from '../agents/model/history-messages.js';
import type { Clock } from '../clock.js';
import { BadRequestError, ThreadNotFoundError } from '../errors.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { RunEvent } from '../protocol/run-events.js';
import {
  decodeMessageCursor,
  decodeThreadCursor,
  type ThreadMessagePage,
  type ThreadMessageRecord,
  type ThreadPage,
  type ThreadStore,
} from '../stores/thread-store.js';

/** Which run (and so which user's thread): plain strings, as events and records both carry them. */
interface RunKey {
  readonly runId: string;
  readonly userId: string;
  readonly threadId: string;
}

interface ThreadKey {
  readonly userId: string;
  readonly threadId: string;
}

/**
 * Keeps each thread's history in the `ThreadStore` as its runs go: the user's message when a run is accepted, each
 * tool call with its result when it completes, the final answer when the run completes. Appends of one thread are
 * written in order (one queue per thread); `earlier()` waits for them, so a run sees every message before it.
 * The user-facing reads check ownership: another user's thread is `not_found`, exactly like a missing one.
 */
export class ThreadHistory {
  readonly #store: ThreadStore;
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #onError: (error: unknown, threadId: string) => void;
  readonly #queue = new KeyedQueue();
  /** User messages of accepted runs, until the run starts (a queued run's message goes in when it starts). */
  readonly #pending = new Map<string, { content: string; at: number }>();
  /** Parameters of tool calls in flight, by run and call id, until their `tool_completed`. */
  readonly #openCalls = new Map<string, Record<string, unknown>>();

  constructor(options: {
    store: ThreadStore;
    clock: Clock;
    /** Earlier messages an agent receives (`--history-limit`). */
    limit: number;
    onError: (error: unknown, threadId: string) => void;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#limit = options.limit;
    this.#onError = options.onError;
  }

  /**
   * Notes the user's message of an accepted run; it goes into the thread when the run starts (so a run queued behind
   * another on its thread comes after that run's answer), and never for a run cancelled before it started.
   */
  userMessage(run: RunKey, content: string): void {
    this.#pending.set(run.runId, { content, at: this.#clock.now() });
  }

  /** Observes a published run event (tool calls and final answers go into the thread). */
  observe(event: RunEvent): void {
    switch (event.type) {
      case 'agent_started': {
        const pending = this.#pending.get(event.runId);
        if (pending === undefined) return;
        this.#pending.delete(event.runId);
        this.#append(event, { role: 'user', content: pending.content, runId: event.runId, createdAt: pending.at });
        return;
      }
      case 'agent_error':
      case 'agent_cancelled':
        this.#pending.delete(event.runId);
        return;
      case 'tool_executing':
        this.#openCalls.set(`${event.runId}\0${event.toolCallId}`, event.parameters);
        return;
      case 'tool_completed': {
        const key = `${event.runId}\0${event.toolCallId}`;
        const parameters = this.#openCalls.get(key) ?? {};
        this.#openCalls.delete(key);
        const content = recordToolCall(
          event.success
            ? { parameters, result: event.results }
            : { parameters, error: event.error?.message ?? 'The tool failed' },
        );
        this.#append(event, {
          role: 'tool',
          content,
          runId: event.runId,
          toolCallId: event.toolCallId,
          toolName: event.toolName,
          createdAt: Date.parse(event.ts),
        });
        return;
      }
      case 'agent_completed':
        this.#pending.delete(event.runId);
        this.#append(event, {
          role: 'assistant',
          content: event.finalResponse,
          runId: event.runId,
          createdAt: Date.parse(event.ts),
        });
        return;
      default:
        return;
    }
  }

  /** The thread's messages before `run` (its own left out), oldest first, at most the history limit. */
  async earlier(run: RunKey): Promise<ThreadMessageRecord[]> {
    await this.#queue.run(threadKey(run), async () => undefined);
    const recent = await this.#store.recent(run.userId, run.threadId, this.#limit + 1);
    return recent.filter((m) => m.runId !== run.runId).slice(-this.#limit);
  }

  /** The user's threads, newest first. @throws BadRequestError for a cursor that is not ours. */
  async list(userId: string, query: { limit: number; before?: string }): Promise<ThreadPage> {
    if (query.before !== undefined && decodeThreadCursor(query.before) === undefined) {
      throw new BadRequestError('Invalid cursor in "before"; pass the "next" value of a previous page', [
        { path: 'before', message: 'unknown cursor' },
      ]);
    }
    return this.#store.list(userId, query);
  }

  /** A page of one of the user's threads. @throws ThreadNotFoundError for a missing thread and another user's alike. */
  async messages(
    userId: string,
    threadId: string,
    query: { limit: number; after?: string },
  ): Promise<ThreadMessagePage> {
    if (query.after !== undefined && decodeMessageCursor(query.after) === undefined) {
      throw new BadRequestError('Invalid cursor in "after"; pass the "next" value of a previous page', [
        { path: 'after', message: 'unknown cursor' },
      ]);
    }
    await this.#queue.run(threadKey({ userId, threadId }), async () => undefined);
    const page = await this.#store.messages(userId, threadId, query);
    if (page === undefined) throw new ThreadNotFoundError(threadId);
    return page;
  }

  /** Deletes one of the user's threads. @throws ThreadNotFoundError for a missing thread and another user's alike. */
  async delete(userId: string, threadId: string): Promise<void> {
    const deleted = await this.#queue.run(threadKey({ userId, threadId }), () =>
      this.#store.deleteThread(userId, threadId),
    );
    if (!deleted) throw new ThreadNotFoundError(threadId);
  }

  /** Resolves when every append queued so far is written. */
  flush(): Promise<void> {
    return this.#queue.drain();
  }

  #append(run: ThreadKey, message: ThreadMessageRecord): void {
    this.#queue
      .run(threadKey(run), () => this.#store.append(run.userId, run.threadId, [message]))
      .catch((error: unknown) => this.#onError(error, run.threadId));
  }
}

function threadKey(run: ThreadKey): string {
  return `${run.userId}\0${run.threadId}`;
}
