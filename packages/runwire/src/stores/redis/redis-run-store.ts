import type { Clock } from '../../clock.js';
import { LeaseConflictError } from '../../errors.js';
import type { RunRecord } from '../../tracker/run-record.js';
import { isTerminal } from '../../tracker/run-status.js';
import type { RunLeases } from '../run-leases.js';
import { decodeRunCursor, encodeRunCursor, type RunPage, type RunQuery, type RunStore } from '../run-store.js';
import type { RedisConnection } from './redis-connection.js';
import { runIdOfIndexMember, runIndexMember } from './redis-keys.js';

/** Options of a `RedisRunStore`. */
export interface RedisRunStoreOptions {
  readonly connection: RedisConnection;
  /** Time of lease expiry and claims. */
  readonly clock: Clock;
  /** How long a claimed lease is remembered, so its old holder cannot take it again. @default 86_400_000 (24 h) */
  readonly claimedLeaseTtlMs?: number;
}

/** How many index entries `list` reads per round trip (more when the page is larger). */
const LIST_BATCH = 100;
/** How many ended runs `prune` deletes per round trip. */
const PRUNE_BATCH = 500;

/**
 * A `RunStore` on Redis, shared by every node: records as JSON strings, a per-user index in list order, the set of
 * active runs (all nodes and per node), and an index of ended runs for pruning (key layout: `RedisKeys`). It also
 * holds the cluster's run leases and per-user concurrency slots (`RunLeases`), with Lua scripts where several
 * nodes may race.
 */
export class RedisRunStore implements RunStore, RunLeases {
  readonly #connection: RedisConnection;
  readonly #clock: Clock;
  readonly #claimedTtlMs: number;
  #closed = false;

  constructor(options: RedisRunStoreOptions) {
    this.#connection = options.connection.retain();
    this.#clock = options.clock;
    this.#claimedTtlMs = options.claimedLeaseTtlMs ?? 86_400_000;
  }

  /**
   * Stores the record with its index entries in one script, which refuses (changing nothing) when the stored record
   * is terminal: a node that paused past its lease cannot overwrite the ending another node stored meanwhile.
   */
  async put(record: RunRecord): Promise<void> {
    const keys = this.#connection.keys;
    await this.#connection.writes.runwirePutRun(
      keys.run(record.runId),
      keys.userRuns(record.userId),
      keys.active,
      keys.nodeActive(record.nodeId),
      keys.ended,
      JSON.stringify(record),
      runIndexMember(record),
      record.runId,
      isTerminal(record.status) ? '1' : '',
      record.endedAt === undefined ? '' : String(record.endedAt),
    );
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    return parseRecord(await this.#connection.reads.get(this.#connection.keys.run(runId)));
  }

  async list(userId: string, query: RunQuery): Promise<RunPage> {
    const redis = this.#connection.reads;
    const cursor = query.before === undefined ? undefined : decodeRunCursor(query.before);
    const index = this.#connection.keys.userRuns(userId);
    const batch = Math.max(LIST_BATCH, query.limit + 1);
    const matching: RunRecord[] = [];
    // Members sort like the list (createdAt, then run id), so an exclusive lex bound pages without offsets and
    // without skipping or repeating runs created meanwhile.
    let bound = cursor === undefined ? '+' : `(${runIndexMember(cursor)}`;
    while (matching.length <= query.limit) {
      const members = await redis.zrange(index, bound, '-', 'BYLEX', 'REV', 'LIMIT', 0, batch);
      if (members.length === 0) break;
      const records = await redis.mget(members.map((m) => this.#connection.keys.run(runIdOfIndexMember(m))));
      for (const [i, text] of records.entries()) {
        const record = parseRecord(text);
        // Skips members left by a record that changed user or creation time (the index holds its current one too).
        if (record === undefined || record.userId !== userId || runIndexMember(record) !== members[i]) continue;
        if (query.status !== undefined && record.status !== query.status) continue;
        if (query.threadId !== undefined && record.threadId !== query.threadId) continue;
        matching.push(record);
        if (matching.length > query.limit) break;
      }
      if (members.length < batch) break;
      bound = `(${members[members.length - 1]}`;
    }
    const page = matching.slice(0, query.limit);
    const last = page[page.length - 1];
    return matching.length > query.limit && last !== undefined
      ? { runs: page, next: encodeRunCursor(last) }
      : { runs: page };
  }

  async listActive(nodeId?: string): Promise<RunRecord[]> {
    const keys = this.#connection.keys;
    // The writes client: this runs at start (recovery), when waiting for Redis is better than failing.
    const redis = this.#connection.writes;
    const ids = await redis.smembers(nodeId === undefined ? keys.active : keys.nodeActive(nodeId));
    if (ids.length === 0) return [];
    const out: RunRecord[] = [];
    for (const text of await redis.mget(ids.map((id) => keys.run(id)))) {
      const record = parseRecord(text);
      if (record !== undefined && !isTerminal(record.status) && (nodeId === undefined || record.nodeId === nodeId)) {
        out.push(record);
      }
    }
    return out;
  }

  async prune(endedBefore: number): Promise<number> {
    const keys = this.#connection.keys;
    const redis = this.#connection.writes;
    let pruned = 0;
    for (;;) {
      const ids = await redis.zrangebyscore(keys.ended, '-inf', `(${endedBefore}`, 'LIMIT', 0, PRUNE_BATCH);
      if (ids.length === 0) return pruned;
      const records = await redis.mget(ids.map((id) => keys.run(id)));
      const tx = redis.multi();
      ids.forEach((id, i) => {
        const record = parseRecord(records[i] ?? null);
        tx.del(keys.run(id)).zrem(keys.ended, id);
        if (record === undefined) return;
        tx.zrem(keys.userRuns(record.userId), runIndexMember(record));
        if (record.endedAt !== undefined && record.endedAt < endedBefore) pruned++;
      });
      await tx.exec();
      if (ids.length < PRUNE_BATCH) return pruned;
    }
  }

  async acquireLease(runId: string, nodeId: string, ttlMs: number): Promise<number> {
    const keys = this.#connection.keys;
    const [token, reason, holder] = await this.#connection.writes.runwireAcquireLease(
      keys.lease(runId),
      keys.leases,
      keys.fence,
      runId,
      nodeId,
      this.#clock.now(),
      Math.max(1, Math.trunc(ttlMs)),
    );
    if (token > 0) return token;
    throw new LeaseConflictError(runId, nodeId, reason === 'claimed' ? undefined : holder);
  }

  async renewLeases(nodeId: string, runIds: readonly string[], ttlMs: number): Promise<string[]> {
    if (runIds.length === 0) return [];
    const keys = this.#connection.keys;
    return this.#connection.writes.runwireRenewLeases(
      keys.leases,
      keys.prefix,
      nodeId,
      this.#clock.now(),
      Math.max(1, Math.trunc(ttlMs)),
      ...runIds,
    );
  }

  async releaseLease(runId: string, token: number): Promise<boolean> {
    const keys = this.#connection.keys;
    const released = await this.#connection.writes.runwireReleaseLease(
      keys.lease(runId),
      keys.leases,
      runId,
      String(token),
      keys.prefix,
    );
    return released === 1;
  }

  async expiredLeases(now: number): Promise<string[]> {
    return this.#connection.writes.zrangebyscore(this.#connection.keys.leases, '-inf', now, 'LIMIT', 0, 1_000);
  }

  async claimDeadRun(runId: string): Promise<boolean> {
    const keys = this.#connection.keys;
    const claimed = await this.#connection.writes.runwireClaimDeadRun(
      keys.lease(runId),
      keys.leases,
      runId,
      this.#clock.now(),
      keys.prefix,
      this.#claimedTtlMs,
    );
    return claimed === 1;
  }

  async acquireUserSlot(userId: string, runId: string, limit: number): Promise<boolean> {
    const keys = this.#connection.keys;
    const held = await this.#connection.writes.runwireAcquireUserSlot(
      keys.userSlots(userId),
      keys.prefix,
      runId,
      userId,
      limit,
      this.#clock.now(),
    );
    return held === 1;
  }

  async userSlotCount(userId: string): Promise<number> {
    const keys = this.#connection.keys;
    return this.#connection.reads.runwireUserSlotCount(keys.userSlots(userId), keys.prefix, this.#clock.now());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.release();
  }
}

function parseRecord(text: string | null): RunRecord | undefined {
  return text === null ? undefined : (JSON.parse(text) as RunRecord);
}
