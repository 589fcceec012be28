/** Who said a thread message: the user, the agent's final answer, or a tool call with its result. */
export type ThreadMessageRole = 'user' | 'assistant' | 'tool';

/** One message of a thread's history (the `thread` frame's `messages`). Times are epoch milliseconds. */
export interface ThreadMessageRecord {
  readonly role: ThreadMessageRole;
  /** The text; for `tool`, the JSON of `{parameters, result}` or `{parameters, error}`. */
  readonly content: string;
  readonly runId: string;
  readonly toolCallId?: string;
  readonly toolName?: string;
  readonly createdAt: number;
}

/** A thread as `list_threads` shows it. */
export interface ThreadRecord {
  readonly threadId: string;
  /** The start of the thread's first user message. */
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastRunId: string;
}

export interface ThreadPage {
  /** Newest first (by `updatedAt`, then thread id). */
  readonly threads: ThreadRecord[];
  readonly next?: string;
}

export interface ThreadMessagePage {
  /** Oldest first. */
  readonly messages: ThreadMessageRecord[];
  readonly next?: string;
}

/**
 * The history of each user's threads: user messages, final answers and tool calls, in the order they were appended.
 * Every query names the user, and a thread of another user is indistinguishable from a missing one. Not subject to
 * event retention; `deleteThread` is the only way messages go. Every implementation passes the shared conformance
 * suite (test/conformance/thread-store.suite.ts).
 */
export interface ThreadStore {
  /** Appends messages to a user's thread, creating the thread on its first message. Order is kept. */
  append(userId: string, threadId: string, messages: readonly ThreadMessageRecord[]): Promise<void>;
  /** The newest `limit` messages of the thread, oldest first (empty for a missing thread). */
  recent(userId: string, threadId: string, limit: number): Promise<ThreadMessageRecord[]>;
  /** A page of the thread's messages, oldest first; `undefined` when the user has no such thread. */
  messages(
    userId: string,
    threadId: string,
    query: { readonly limit: number; readonly after?: string },
  ): Promise<ThreadMessagePage | undefined>;
  /** The user's threads, newest first. */
  list(userId: string, query: { readonly limit: number; readonly before?: string }): Promise<ThreadPage>;
  /** Removes a thread and its messages; returns whether the user had it. */
  deleteThread(userId: string, threadId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Length of a thread's title, taken from its first user message. */
export const THREAD_TITLE_LENGTH = 80;

/** The title of a thread whose first user message is `content`. */
export function threadTitle(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > THREAD_TITLE_LENGTH ? `${line.slice(0, THREAD_TITLE_LENGTH - 1)}…` : line;
}

/** Encodes the position after `thread` in the list order (newest `updatedAt` first, then larger thread id first). */
export function encodeThreadCursor(thread: { updatedAt: number; threadId: string }): string {
  return Buffer.from(`${thread.updatedAt}:${thread.threadId}`, 'utf8').toString('base64url');
}

/** Decodes a thread cursor; `undefined` for one that is not ours. */
export function decodeThreadCursor(cursor: string): { updatedAt: number; threadId: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const updatedAt = Number(text.slice(0, colon));
  const threadId = text.slice(colon + 1);
  if (!Number.isSafeInteger(updatedAt) || threadId.length === 0) return undefined;
  return { updatedAt, threadId };
}

/** Negative when `a` comes before `b` in list order. */
export function threadListOrder(
  a: { updatedAt: number; threadId: string },
  b: { updatedAt: number; threadId: string },
): number {
  return b.updatedAt - a.updatedAt || (a.threadId < b.threadId ? 1 : a.threadId > b.threadId ? -1 : 0);
}

/** A message cursor: the position (0-based) of the next message. */
export function encodeMessageCursor(position: number): string {
  return Buffer.from(`m${position}`, 'utf8').toString('base64url');
}

export function decodeMessageCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const position = Number(text.slice(1));
  return text.startsWith('m') && Number.isSafeInteger(position) && position >= 0 ? position : undefined;
}
