import type { Clock } from '../../clock.js';
import type { RunEvent, UnsequencedRunEvent } from '../../protocol/run-events.js';
import { DEFAULT_EVENT_RETENTION, type EventLog, type EventRetention, type LogBounds } from '../event-log.js';
import { decodeStoredEvent, encodeStoredEvent } from '../stored-event.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteStoreHold } from './sqlite-store-hold.js';

interface PendingAppend {
  readonly event: UnsequencedRunEvent;
  readonly body: string;
  readonly appendedAt: number;
  readonly resolve: (event: RunEvent) => void;
  readonly reject: (error: unknown) => void;
}

interface EventRow {
  readonly seq: number;
  readonly body: string;
}

/** Users pruned per transaction: keeps each pause of the event loop short. */
const PRUNE_CHUNK = 256;

/**
 * An `EventLog` in a SQLite file: survives restarts and crashes. A user's next `seq` comes from the `user_seq` table
 * in the same transaction as the insert, so it is gap-free, never reused after pruning, and safe with several
 * connections on one file (the transaction holds the write lock). Appends go through the database's group commit:
 * each resolves after its commit.
 * Retention (age, then count per user) is applied by `prune(now)`; between prunes a log may hold more than
 * `maxEventsPerUser` events.
 */
export class SqliteEventLog implements EventLog {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #retention: EventRetention;
  readonly #setSeq;
  readonly #insert;
  readonly #readAfter;
  readonly #readRun;
  readonly #lastSeq;
  readonly #oldestSeq;
  readonly #users;
  readonly #firstYoung;
  readonly #deleteBefore;
  /** Appends waiting for the next group commit, in call order. */
  #pending: PendingAppend[] = [];
  readonly #hold: SqliteStoreHold;

  constructor(db: SqliteDatabase, clock: Clock, retention: EventRetention = DEFAULT_EVENT_RETENTION) {
    this.#db = db;
    this.#clock = clock;
    this.#retention = retention;
    this.#setSeq = db.prepare<[string, number]>(
      `INSERT INTO user_seq (user_id, last_seq) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET last_seq = excluded.last_seq`,
    );
    this.#insert = db.prepare<[string, number, string, number, string]>(
      'INSERT INTO events (user_id, seq, run_id, appended_at, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.#readAfter = db.prepare<[string, number, number], EventRow>(
      'SELECT seq, body FROM events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.#readRun = db.prepare<[string, string], EventRow>(
      'SELECT seq, body FROM events WHERE user_id = ? AND run_id = ? ORDER BY seq',
    );
    this.#lastSeq = db.prepare<[string], { last_seq: number }>('SELECT last_seq FROM user_seq WHERE user_id = ?');
    this.#oldestSeq = db.prepare<[string], { seq: number }>(
      'SELECT seq FROM events WHERE user_id = ? ORDER BY seq LIMIT 1',
    );
    this.#users = db.prepare<[], { user_id: string; last_seq: number }>('SELECT user_id, last_seq FROM user_seq');
    this.#firstYoung = db.prepare<[string, number], { seq: number }>(
      'SELECT seq FROM events WHERE user_id = ? AND appended_at >= ? ORDER BY seq LIMIT 1',
    );
    this.#deleteBefore = db.prepare<[string, number]>('DELETE FROM events WHERE user_id = ? AND seq < ?');
    this.#hold = new SqliteStoreHold(db, `The event log on '${db.file}'`);
  }

  /**
   * Queues the event for the next group commit and resolves with its `seq` once committed. The appends of one turn
   * are written by one piece of work: one read of each user's last seq, the inserts in call order, one update of
   * each user's last seq.
   */
  async append(event: UnsequencedRunEvent): Promise<RunEvent> {
    this.#hold.assertOpen();
    const body = encodeStoredEvent(event);
    const appendedAt = this.#clock.now();
    return new Promise<RunEvent>((resolve, reject) => {
      this.#pending.push({ event, body, appendedAt, resolve, reject });
      if (this.#pending.length === 1) this.#queueWrite();
    });
  }

  async read(userId: string, afterSeq: number, limit = Number.POSITIVE_INFINITY): Promise<RunEvent[]> {
    this.#hold.assertOpen();
    const max = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
    return this.#db.read(() => this.#readAfter.all(userId, afterSeq, max)).map((e) => decodeStoredEvent(e.body, e.seq));
  }

  async readRun(userId: string, runId: string): Promise<RunEvent[]> {
    this.#hold.assertOpen();
    return this.#db.read(() => this.#readRun.all(userId, runId)).map((e) => decodeStoredEvent(e.body, e.seq));
  }

  async bounds(userId: string): Promise<LogBounds> {
    this.#hold.assertOpen();
    return this.#db.read(() => {
      const lastSeq = this.#lastSeq.get(userId)?.last_seq ?? 0;
      const oldestSeq = this.#oldestSeq.get(userId)?.seq ?? lastSeq + 1;
      return { oldestSeq, lastSeq };
    });
  }

  /**
   * Drops, per user, the events older than `maxAgeMs` at `now` (the oldest ones, up to the first that is young
   * enough, so the retained window stays contiguous), then all but the newest `maxEventsPerUser`. Works in short
   * transactions of a few hundred users, yielding to the event loop between them.
   */
  async prune(now: number): Promise<number> {
    this.#hold.assertOpen();
    const cutoff = now - this.#retention.maxAgeMs;
    const users = this.#db.read(() => this.#users.all());
    let dropped = 0;
    for (let start = 0; start < users.length; start += PRUNE_CHUNK) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#hold.closed || this.#db.closed) break;
      const chunk = users.slice(start, start + PRUNE_CHUNK);
      dropped += this.#db.transaction(() => {
        let n = 0;
        for (const { user_id: userId, last_seq: lastSeq } of chunk) {
          const keepByAge = this.#firstYoung.get(userId, cutoff)?.seq ?? lastSeq + 1;
          const keepByCount = lastSeq - this.#retention.maxEventsPerUser + 1;
          n += this.#deleteBefore.run(userId, Math.max(keepByAge, keepByCount)).changes;
        }
        return n;
      });
    }
    return dropped;
  }

  /** Commits the pending appends and lets go of the database (closed when its last store closes). Idempotent. */
  async close(): Promise<void> {
    this.#hold.close();
  }

  #queueWrite(): void {
    // Taken when the work first runs and kept, so running it again (after a rolled-back batch) writes the same appends.
    let batch: PendingAppend[] | undefined;
    this.#db
      .write(() => {
        batch ??= this.#pending.splice(0);
        return this.#insertAll(batch);
      })
      .then(
        (events) => {
          for (let i = 0; i < events.length; i++) batch?.[i]?.resolve(events[i] as RunEvent);
        },
        (error: unknown) => {
          for (const append of batch ?? this.#pending.splice(0)) append.reject(error);
        },
      );
  }

  #insertAll(batch: readonly PendingAppend[]): RunEvent[] {
    const last = new Map<string, number>();
    const events = batch.map(({ event, body, appendedAt }) => {
      const seq = (last.get(event.userId) ?? this.#lastSeq.get(event.userId)?.last_seq ?? 0) + 1;
      last.set(event.userId, seq);
      this.#insert.run(event.userId, seq, event.runId, appendedAt, body);
      return { ...event, seq } as RunEvent;
    });
    for (const [userId, seq] of last) this.#setSeq.run(userId, seq);
    return events;
  }
}
