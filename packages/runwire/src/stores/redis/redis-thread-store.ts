import { StoreClosedError } from '../../errors.js';
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
import type { RedisConnection } from './redis-connection.js';

/** Extra entries read per page of `list`, for threads updated in the same millisecond as the cursor. */
const SAME_MS_SLACK = 100;

/**
 * A `ThreadStore` on Redis (keys in `RedisKeys`): per user a zset of threads by update time, a hash per thread and
 * a list of its messages. All keys of a user share its hash tag, so each append is one MULTI in one slot.
 */
export class RedisThreadStore implements ThreadStore {
  readonly #connection: RedisConnection;
  #closed = false;

  constructor(options: { connection: RedisConnection }) {
    this.#connection = options.connection.retain();
  }

  async append(userId: string, threadId: string, messages: readonly ThreadMessageRecord[]): Promise<void> {
    this.#assertOpen();
    const last = messages[messages.length - 1];
    if (last === undefined) return;
    const keys = this.#connection.keys;
    const threadKey = keys.thread(userId, threadId);
    const firstUser = messages.find((m) => m.role === 'user');
    const tx = this.#connection.writes.multi();
    tx.hsetnx(threadKey, 'createdAt', String(messages[0]!.createdAt));
    if (firstUser !== undefined) tx.hsetnx(threadKey, 'title', threadTitle(firstUser.content));
    tx.hset(threadKey, 'updatedAt', String(last.createdAt), 'lastRunId', last.runId);
    tx.rpush(keys.threadMessages(userId, threadId), ...messages.map((m) => JSON.stringify(m)));
    tx.zadd(keys.userThreads(userId), 'GT', last.createdAt, threadId);
    const results = await tx.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed !== undefined) throw failed[0];
  }

  async recent(userId: string, threadId: string, limit: number): Promise<ThreadMessageRecord[]> {
    this.#assertOpen();
    if (limit <= 0) return [];
    const raw = await this.#connection.reads.lrange(this.#connection.keys.threadMessages(userId, threadId), -limit, -1);
    return raw.map(parseMessage);
  }

  async messages(
    userId: string,
    threadId: string,
    query: { readonly limit: number; readonly after?: string },
  ): Promise<ThreadMessagePage | undefined> {
    this.#assertOpen();
    const keys = this.#connection.keys;
    const start = query.after === undefined ? 0 : (decodeMessageCursor(query.after) ?? 0);
    const [exists, total, raw] = await Promise.all([
      this.#connection.reads.exists(keys.thread(userId, threadId)),
      this.#connection.reads.llen(keys.threadMessages(userId, threadId)),
      this.#connection.reads.lrange(keys.threadMessages(userId, threadId), start, start + query.limit - 1),
    ]);
    if (exists === 0) return undefined;
    const messages = raw.map(parseMessage);
    const end = start + messages.length;
    return end < total ? { messages, next: encodeMessageCursor(end) } : { messages };
  }

  async list(userId: string, query: { readonly limit: number; readonly before?: string }): Promise<ThreadPage> {
    this.#assertOpen();
    const keys = this.#connection.keys;
    const cursor = query.before === undefined ? undefined : decodeThreadCursor(query.before);
    const limit = Math.max(0, Math.floor(query.limit));
    const flat = await this.#connection.reads.zrevrangebyscore(
      keys.userThreads(userId),
      cursor === undefined ? '+inf' : cursor.updatedAt,
      '-inf',
      'WITHSCORES',
      'LIMIT',
      0,
      limit + 1 + SAME_MS_SLACK,
    );
    const candidates: Array<{ threadId: string; updatedAt: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      candidates.push({ threadId: flat[i]!, updatedAt: Number(flat[i + 1]) });
    const ordered = candidates
      .filter((c) => cursor === undefined || threadListOrder(cursor, c) < 0)
      .sort(threadListOrder)
      .slice(0, limit + 1);
    const hashes = await Promise.all(
      ordered.map((c) => this.#connection.reads.hgetall(keys.thread(userId, c.threadId))),
    );
    const threads: ThreadRecord[] = ordered.map((c, i) => {
      const hash = hashes[i] ?? {};
      return {
        threadId: c.threadId,
        title: hash.title ?? '',
        createdAt: Number(hash.createdAt ?? c.updatedAt),
        updatedAt: Number(hash.updatedAt ?? c.updatedAt),
        lastRunId: hash.lastRunId ?? '',
      };
    });
    const page = threads.slice(0, limit);
    const last = page[page.length - 1];
    return threads.length > limit && last !== undefined
      ? { threads: page, next: encodeThreadCursor(last) }
      : { threads: page };
  }

  async deleteThread(userId: string, threadId: string): Promise<boolean> {
    this.#assertOpen();
    const keys = this.#connection.keys;
    const results = await this.#connection.writes
      .multi()
      .del(keys.thread(userId, threadId))
      .del(keys.threadMessages(userId, threadId))
      .zrem(keys.userThreads(userId), threadId)
      .exec();
    const deleted = results?.[0]?.[1];
    return typeof deleted === 'number' && deleted > 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.release();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError('The Redis thread store');
  }
}

function parseMessage(raw: string): ThreadMessageRecord {
  return JSON.parse(raw) as ThreadMessageRecord;
}
