import type { Redis } from 'ioredis';
import {
  addDays,
  cellKey,
  mergeCells,
  parseCellKey,
  type QualityRollups,
  type RollupCell,
  type RollupDay,
  type RollupQuery,
} from '../quality-rollups.js';
import type { RedisConnection } from './redis-connection.js';
import { escapeGlob } from './redis-keys.js';

/** How many keys one SCAN step of `prune` asks for. */
const PRUNE_SCAN_COUNT = 500;
/** Longest range `read` accepts, so a typo cannot ask Redis for a thousand years of keys. */
const MAX_READ_DAYS = 3_660;

/**
 * `QualityRollups` in Redis, shared by every node: each add is HINCRBY on the day's hash of the user and on the
 * day's hash of everyone, so the counters of all nodes are merged as they are written and a read is one
 * HGETALL per day. Keys: `P:q:<day>:u:{userId}` and `P:q:<day>:all` (see `RedisKeys`).
 */
export class RedisQualityRollups implements QualityRollups {
  readonly #connection: RedisConnection;
  #closed = false;

  constructor(connection: RedisConnection) {
    this.#connection = connection.retain();
  }

  async add(day: string, userId: string | undefined, cells: readonly RollupCell[]): Promise<void> {
    const keys = this.#connection.keys;
    const nonZero = cells.filter((c) => c.value !== 0);
    if (nonZero.length === 0) return;
    const targets =
      userId === undefined ? [keys.qualityDay(day)] : [keys.qualityDay(day, userId), keys.qualityDay(day)];
    // One MULTI per key: each touches one hash (one cluster slot); the user's and everyone's hash are separate keys.
    await Promise.all(
      targets.map(async (key) => {
        const multi = this.#connection.writes.multi();
        for (const c of nonZero) multi.hincrby(key, cellKey(c), c.value);
        const results = await multi.exec();
        const failure = results?.find(([error]) => error !== null)?.[0];
        if (failure) throw failure;
      }),
    );
  }

  async read(query: RollupQuery): Promise<RollupDay[]> {
    const keys = this.#connection.keys;
    const days: string[] = [];
    for (let day = query.fromDay; day <= query.toDay && days.length < MAX_READ_DAYS; day = addDays(day, 1)) {
      days.push(day);
    }
    if (days.length === 0) return [];
    const pipeline = this.#connection.reads.pipeline();
    for (const day of days) pipeline.hgetall(keys.qualityDay(day, query.userId));
    const results = (await pipeline.exec()) ?? [];
    const out: RollupDay[] = [];
    days.forEach((day, i) => {
      const [error, hash] = results[i] ?? [null, {}];
      if (error) throw error;
      const cells = Object.entries((hash ?? {}) as Record<string, string>).map(([key, value]) =>
        parseCellKey(key, Number(value)),
      );
      const merged = mergeCells(cells);
      if (merged.length > 0) out.push({ day, cells: merged });
    });
    return out;
  }

  async prune(beforeDay: string): Promise<number> {
    const keys = this.#connection.keys;
    const redis: Redis = this.#connection.writes;
    const pattern = `${escapeGlob(keys.prefix)}q:*`;
    const dayStart = keys.prefix.length + 2;
    const dropped = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', PRUNE_SCAN_COUNT, 'TYPE', 'hash');
      cursor = next;
      const old = found.filter((key) => key.slice(dayStart, dayStart + 10) < beforeDay);
      for (const key of old) dropped.add(key.slice(dayStart, dayStart + 10));
      if (old.length > 0) await redis.unlink(...old);
    } while (cursor !== '0');
    const removed = dropped.size;
    return removed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.release();
  }
}
