import type { Statement } from 'better-sqlite3';
import {
  decodeMessageCursor,
  decodeThreadCursor,
  encodeMessageCursor,
  encodeThreadCursor,
  type ThreadMessagePage,
  type ThreadMessageRecord,
  type ThreadMessageRole,
  type ThreadPage,
  type ThreadRecord,
  type ThreadStore,
  threadTitle,
} from '../thread-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteStoreHold } from './sqlite-store-hold.js';

interface ThreadRow {
  readonly thread_id: string;
  readonly title: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly last_run_id: string;
  readonly message_count: number;
}

interface MessageRow {
  readonly role: string;
  readonly content: string;
  readonly run_id: string;
  readonly tool_call_id: string | null;
  readonly tool_name: string | null;
  readonly created_at: number;
}

/** A `ThreadStore` in the SQLite file of the other stores (schema step 2): survives restarts. */
export class SqliteThreadStore implements ThreadStore {
  readonly #db: SqliteDatabase;
  readonly #thread: Statement<[string, string], ThreadRow>;
  readonly #insertThread: Statement<[string, string, string, number, number, string, number]>;
  readonly #updateThread: Statement<[string, number, string, number, string, string]>;
  readonly #insertMessage: Statement<
    [string, string, number, string, string, string, string | null, string | null, number]
  >;
  readonly #range: Statement<[string, string, number, number], MessageRow>;
  readonly #recent: Statement<[string, string, number], MessageRow>;
  readonly #list: Statement<[string, number], ThreadRow>;
  readonly #listBefore: Statement<[string, number, number, string, number], ThreadRow>;
  readonly #deleteThread: Statement<[string, string]>;
  readonly #deleteMessages: Statement<[string, string]>;
  readonly #hold: SqliteStoreHold;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#thread = db.prepare('SELECT * FROM threads WHERE user_id = ? AND thread_id = ?');
    this.#insertThread = db.prepare(
      `INSERT INTO threads (user_id, thread_id, title, created_at, updated_at, last_run_id, message_count)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#updateThread = db.prepare(
      `UPDATE threads SET title = ?, updated_at = ?, last_run_id = ?, message_count = ?
       WHERE user_id = ? AND thread_id = ?`,
    );
    this.#insertMessage = db.prepare(
      `INSERT INTO thread_messages (user_id, thread_id, position, role, content, run_id, tool_call_id, tool_name, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#range = db.prepare(
      `SELECT role, content, run_id, tool_call_id, tool_name, created_at FROM thread_messages
       WHERE user_id = ? AND thread_id = ? AND position >= ? ORDER BY position LIMIT ?`,
    );
    this.#recent = db.prepare(
      `SELECT * FROM (SELECT position, role, content, run_id, tool_call_id, tool_name, created_at FROM thread_messages
         WHERE user_id = ? AND thread_id = ? ORDER BY position DESC LIMIT ?) ORDER BY position`,
    );
    this.#list = db.prepare('SELECT * FROM threads WHERE user_id = ? ORDER BY updated_at DESC, thread_id DESC LIMIT ?');
    this.#listBefore = db.prepare(
      `SELECT * FROM threads WHERE user_id = ? AND (updated_at < ? OR (updated_at = ? AND thread_id < ?))
       ORDER BY updated_at DESC, thread_id DESC LIMIT ?`,
    );
    this.#deleteThread = db.prepare('DELETE FROM threads WHERE user_id = ? AND thread_id = ?');
    this.#deleteMessages = db.prepare('DELETE FROM thread_messages WHERE user_id = ? AND thread_id = ?');
    this.#hold = new SqliteStoreHold(db, `The thread store on '${db.file}'`);
  }

  async append(userId: string, threadId: string, messages: readonly ThreadMessageRecord[]): Promise<void> {
    this.#hold.assertOpen();
    const last = messages[messages.length - 1];
    if (last === undefined) return;
    await this.#db.write(() => {
      const existing = this.#thread.get(userId, threadId);
      let position = existing?.message_count ?? 0;
      for (const m of messages) {
        this.#insertMessage.run(
          userId,
          threadId,
          position++,
          m.role,
          m.content,
          m.runId,
          m.toolCallId ?? null,
          m.toolName ?? null,
          m.createdAt,
        );
      }
      const firstUser = messages.find((m) => m.role === 'user');
      const title =
        existing !== undefined && existing.title !== ''
          ? existing.title
          : firstUser === undefined
            ? ''
            : threadTitle(firstUser.content);
      if (existing === undefined) {
        this.#insertThread.run(userId, threadId, title, messages[0]!.createdAt, last.createdAt, last.runId, position);
      } else {
        const updatedAt = Math.max(existing.updated_at, last.createdAt);
        this.#updateThread.run(title, updatedAt, last.runId, position, userId, threadId);
      }
    });
  }

  async recent(userId: string, threadId: string, limit: number): Promise<ThreadMessageRecord[]> {
    this.#hold.assertOpen();
    if (limit <= 0) return [];
    return this.#db.read(() => this.#recent.all(userId, threadId, limit)).map(fromMessageRow);
  }

  async messages(
    userId: string,
    threadId: string,
    query: { readonly limit: number; readonly after?: string },
  ): Promise<ThreadMessagePage | undefined> {
    this.#hold.assertOpen();
    const start = query.after === undefined ? 0 : (decodeMessageCursor(query.after) ?? 0);
    return this.#db.read(() => {
      const thread = this.#thread.get(userId, threadId);
      if (thread === undefined) return undefined;
      const messages = this.#range.all(userId, threadId, start, query.limit).map(fromMessageRow);
      const end = start + messages.length;
      return end < thread.message_count ? { messages, next: encodeMessageCursor(end) } : { messages };
    });
  }

  async list(userId: string, query: { readonly limit: number; readonly before?: string }): Promise<ThreadPage> {
    this.#hold.assertOpen();
    const cursor = query.before === undefined ? undefined : decodeThreadCursor(query.before);
    const limit = Math.max(0, Math.floor(query.limit));
    const rows = this.#db.read(() =>
      cursor === undefined
        ? this.#list.all(userId, limit + 1)
        : this.#listBefore.all(userId, cursor.updatedAt, cursor.updatedAt, cursor.threadId, limit + 1),
    );
    const threads = rows.slice(0, limit).map(fromThreadRow);
    const last = threads[threads.length - 1];
    return rows.length > limit && last !== undefined ? { threads, next: encodeThreadCursor(last) } : { threads };
  }

  async deleteThread(userId: string, threadId: string): Promise<boolean> {
    this.#hold.assertOpen();
    return this.#db.write(() => {
      this.#deleteMessages.run(userId, threadId);
      return this.#deleteThread.run(userId, threadId).changes > 0;
    });
  }

  /** Commits the pending writes and lets go of the database (closed when its last store closes). Idempotent. */
  async close(): Promise<void> {
    this.#hold.close();
  }
}

function fromThreadRow(row: ThreadRow): ThreadRecord {
  return {
    threadId: row.thread_id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRunId: row.last_run_id,
  };
}

function fromMessageRow(row: MessageRow): ThreadMessageRecord {
  return {
    role: row.role as ThreadMessageRole,
    content: row.content,
    runId: row.run_id,
    ...(row.tool_call_id === null ? {} : { toolCallId: row.tool_call_id }),
    ...(row.tool_name === null ? {} : { toolName: row.tool_name }),
    createdAt: row.created_at,
  };
}
