import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { RunEndedError } from '../../errors.js';
import { type RunEvent, TERMINAL_EVENT_TYPES, type UnsequencedRunEvent } from '../../protocol/run-events.js';
import { DEFAULT_EVENT_RETENTION, type EventLog, type EventRetention, type LogBounds } from '../event-log.js';
import type { PubSubMode } from './pubsub-mode.js';
import type { RedisConnection } from './redis-connection.js';
import { escapeGlob } from './redis-keys.js';
import type { ScriptedRedis } from './redis-scripts.js';

/** Options of a `RedisEventLog`. */
export interface RedisEventLogOptions {
  readonly connection: RedisConnection;
  /** Time of each append (for retention by age). */
  readonly clock: Clock;
  /** @default 24 h and 10,000 events per user */
  readonly retention?: EventRetention;
  /**
   * Publish each event to its user's channel from inside the append script, so the order of a user's channel is
   * exactly `seq` order even when several nodes append for the same user. Pair it with a `RedisBus` created with
   * `deliveredByLog: true` (whose `publish` then does nothing). @default false
   */
  readonly publish?: boolean;
}

/** How many stream entries `readRun` reads per round trip. */
const READ_RUN_BATCH = 1_000;
/** How many keys one SCAN step of `prune` asks for. */
const PRUNE_SCAN_COUNT = 500;

/**
 * An `EventLog` on Redis: one stream per user whose entry ids are the seqs (`<seq>-0`), so replay is a range read.
 * One Lua script assigns the seq (INCR of the user's counter), adds the entry with the length cap, and optionally
 * publishes the event, all in one atomic step: seqs are gap-free across every node.
 *
 * `append` sends its command at once, on the one connection that carries every write, so a user's appends get seqs
 * in call order and a read issued after an append (even one not yet awaited) sees it: reads of a user with appends
 * in flight go on that connection too; other reads use the fail-fast read connection.
 *
 * A resent append (ioredis resends unanswered commands after a reconnect) is recognised by its writer id and append
 * number and answered with the seq it already got, so an event is never logged twice.
 *
 * Nothing is logged after a run's terminal event, whichever node sends it: the script refuses it and `append`
 * rejects with `RunEndedError`. This is the fence against a node that lost a run to another (its lease expired and
 * the other node ended the run as `dead`) and still sends what its agent did meanwhile.
 */
export class RedisEventLog implements EventLog {
  readonly #connection: RedisConnection;
  readonly #clock: Clock;
  readonly #retention: EventRetention;
  readonly #publish: boolean;
  /** Tags this log's appends (with an increasing number) so the script can recognise a resent one. */
  readonly #writerId = randomBytes(12).toString('base64url');
  #appendNumber = 0;
  /** Appends in flight per user: that user's reads must not overtake them. */
  readonly #inFlight = new Map<string, number>();
  readonly #pending = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: RedisEventLogOptions) {
    this.#connection = options.connection.retain();
    this.#clock = options.clock;
    this.#retention = options.retention ?? DEFAULT_EVENT_RETENTION;
    this.#publish = options.publish ?? false;
    // Detected now, so appends name the exact mode instead of letting the script find out.
    if (this.#publish) void this.#connection.pubSubMode().catch(() => undefined);
  }

  append(event: UnsequencedRunEvent): Promise<RunEvent> {
    const keys = this.#connection.keys;
    const userId = event.userId;
    // `seq` is set by the script; dropping a stray one keeps the stored JSON from holding two.
    const body = JSON.stringify({ ...event, seq: undefined });
    this.#inFlight.set(userId, (this.#inFlight.get(userId) ?? 0) + 1);
    const done = this.#connection.writes
      .runwireAppend(
        keys.userSeq(userId),
        keys.userStream(userId),
        keys.userWriters(userId),
        keys.userClosedRuns(userId),
        body,
        this.#clock.now(),
        this.#retention.maxEventsPerUser,
        event.runId,
        this.#writerId,
        ++this.#appendNumber,
        keys.userChannel(userId),
        this.#publishArgument(),
        TERMINAL_EVENT_TYPES.has(event.type) ? '1' : '',
      )
      .then((seq) => {
        if (seq === 0) throw new RunEndedError(event.runId, 'ended');
        // What a read returns: the JSON round trip drops `undefined` fields.
        return { seq, ...(JSON.parse(body) as Omit<RunEvent, 'seq'>) } as RunEvent;
      })
      .finally(() => {
        const left = (this.#inFlight.get(userId) ?? 1) - 1;
        if (left === 0) this.#inFlight.delete(userId);
        else this.#inFlight.set(userId, left);
        this.#pending.delete(done);
      });
    this.#pending.add(done);
    return done;
  }

  async read(userId: string, afterSeq: number, limit?: number): Promise<RunEvent[]> {
    if (limit !== undefined && limit <= 0) return [];
    const redis = this.#readerFor(userId);
    const stream = this.#connection.keys.userStream(userId);
    const start = `${Math.max(0, Math.floor(afterSeq)) + 1}-0`;
    const entries =
      limit === undefined || !Number.isFinite(limit)
        ? await redis.xrange(stream, start, '+')
        : await redis.xrange(stream, start, '+', 'COUNT', Math.floor(limit));
    return entries.map(([, fields]) => parseEntry(fields));
  }

  async readRun(userId: string, runId: string): Promise<RunEvent[]> {
    const redis = this.#readerFor(userId);
    const stream = this.#connection.keys.userStream(userId);
    const out: RunEvent[] = [];
    let start = '-';
    for (;;) {
      const entries = await redis.xrange(stream, start, '+', 'COUNT', READ_RUN_BATCH);
      for (const [, fields] of entries) {
        if (field(fields, 'r') === runId) out.push(parseEntry(fields));
      }
      const last = entries[entries.length - 1];
      if (last === undefined || entries.length < READ_RUN_BATCH) return out;
      start = `(${last[0]}`;
    }
  }

  async bounds(userId: string): Promise<LogBounds> {
    const keys = this.#connection.keys;
    const results = await this.#readerFor(userId)
      .multi()
      .get(keys.userSeq(userId))
      .xrange(keys.userStream(userId), '-', '+', 'COUNT', 1)
      .exec();
    const [seqResult, oldestResult] = results ?? [];
    const failure = seqResult?.[0] ?? oldestResult?.[0];
    if (failure) throw failure;
    const lastSeq = Number(seqResult?.[1] ?? 0);
    const oldest = (oldestResult?.[1] as Array<[string, string[]]> | undefined)?.[0];
    return { oldestSeq: oldest === undefined ? lastSeq + 1 : seqOfId(oldest[0]), lastSeq };
  }

  async prune(now: number): Promise<number> {
    const keys = this.#connection.keys;
    const redis = this.#connection.writes;
    const cutoff = now - this.#retention.maxAgeMs;
    const pattern = `${escapeGlob(keys.prefix)}u:*:stream`;
    let dropped = 0;
    let cursor = '0';
    do {
      const [next, streams] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', PRUNE_SCAN_COUNT, 'TYPE', 'stream');
      cursor = next;
      for (const stream of streams) {
        const user = stream.slice(0, -':stream'.length);
        dropped += await redis.runwirePruneLog(
          stream,
          `${user}:writers`,
          `${user}:closed`,
          cutoff,
          this.#retention.maxEventsPerUser,
        );
      }
    } while (cursor !== '0');
    return dropped;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
    await this.#connection.release();
  }

  /** The connection for reads of a user: the writes one while that user has appends in flight. */
  #readerFor(userId: string): ScriptedRedis {
    return this.#inFlight.has(userId) ? this.#connection.writes : this.#connection.reads;
  }

  #publishArgument(): string {
    if (!this.#publish) return '';
    const mode: PubSubMode | undefined = this.#connection.knownPubSubMode;
    return mode === 'sharded' ? 's' : mode === 'classic' ? 'c' : 'a';
  }
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function parseEntry(fields: string[]): RunEvent {
  return JSON.parse(field(fields, 'e') ?? 'null') as RunEvent;
}

function seqOfId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
