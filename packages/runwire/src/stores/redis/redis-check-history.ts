import type { CheckHistory, CheckScore, CheckScoreQuery } from '../check-history.js';
import { endOfDay, startOfDay } from '../quality-rollups.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * `CheckHistory` in Redis, shared by every node: each path's scores are one sorted set scored by when they were
 * recorded (`P:check:<path>`, members the scores as JSON), so the latest of a range of days is one
 * ZREVRANGEBYSCORE whichever node wrote it; `P:checks` lists the paths for `prune`.
 */
export class RedisCheckHistory implements CheckHistory {
  readonly #connection: RedisConnection;
  #closed = false;

  constructor(connection: RedisConnection) {
    this.#connection = connection.retain();
  }

  async record(score: CheckScore): Promise<void> {
    const keys = this.#connection.keys;
    const key = keys.checkScores(score.path);
    const stored: CheckScore = {
      path: score.path,
      recordedAt: score.recordedAt,
      score: score.score,
      concepts: score.concepts,
      violated: score.violated,
      findings: score.findings,
      byRule: score.byRule,
    };
    // One key per MULTI (one cluster slot): a score of the same time replaces the one there.
    const results = await this.#connection.writes
      .multi()
      .zremrangebyscore(key, score.recordedAt, score.recordedAt)
      .zadd(key, score.recordedAt, JSON.stringify(stored))
      .exec();
    const failure = results?.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
    await this.#connection.writes.sadd(keys.checkPaths, score.path);
  }

  async latest(query: CheckScoreQuery): Promise<CheckScore | undefined> {
    const from = startOfDay(query.fromDay);
    const to = endOfDay(query.toDay);
    const [member] = await this.#connection.reads.zrevrangebyscore(
      this.#connection.keys.checkScores(query.path),
      `(${to}`,
      from,
      'LIMIT',
      0,
      1,
    );
    return member === undefined ? undefined : (JSON.parse(member) as CheckScore);
  }

  async prune(beforeDay: string): Promise<number> {
    const keys = this.#connection.keys;
    const redis = this.#connection.writes;
    const before = startOfDay(beforeDay);
    let removed = 0;
    for (const path of await redis.smembers(keys.checkPaths)) {
      const key = keys.checkScores(path);
      removed += await redis.zremrangebyscore(key, '-inf', `(${before}`);
      if ((await redis.zcard(key)) === 0) await redis.srem(keys.checkPaths, path);
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.release();
  }
}
