import type { Clock } from '../../clock.js';
import { DEFAULT_EVENT_RETENTION, type EventLog, type EventRetention, type LogBounds } from '../../events/event-log.js';
import { decodeStoredEvent, encodeStoredEvent } from '../../events/stored-event.js';
import type { RunEvent, UnsequencedRunEvent } from '../../protocol/run-events.js';

/**
 * A retained event: kept as JSON, like the durable logs, so no caller can change it through a reference. The JSON is
 * held as UTF-8 bytes: a string from `JSON.stringify` is a rope of several pieces that would stay that way until read,
 * and a log holds tens of thousands of them, which the garbage collector would have to walk on every full collection.
 */
interface StoredEvent {
  readonly seq: number;
  readonly runId: string;
  readonly body: Buffer;
  /** When it was appended (for age retention). */
  readonly at: number;
}

interface UserLog {
  lastSeq: number;
  /** Events ascending by seq, contiguous; those before `head` are dropped and wait for compaction. */
  events: StoredEvent[];
  head: number;
}

/** Dropped slots are compacted away once there are this many and they are half the array (amortised O(1)). */
const COMPACT_AFTER = 1024;

function dropOldest(log: UserLog, count: number): void {
  log.head += count;
  if (log.head >= COMPACT_AFTER && log.head * 2 >= log.events.length) {
    log.events = log.events.slice(log.head);
    log.head = 0;
  }
}

function retained(log: UserLog): number {
  return log.events.length - log.head;
}

/** An `EventLog` in process memory: for tests and `--store memory`. Lost on exit. */
export class MemoryEventLog implements EventLog {
  readonly #logs = new Map<string, UserLog>();
  readonly #retention: EventRetention;
  readonly #clock: Clock;

  constructor(clock: Clock, retention: EventRetention = DEFAULT_EVENT_RETENTION) {
    this.#clock = clock;
    this.#retention = retention;
  }

  async append(event: UnsequencedRunEvent): Promise<RunEvent> {
    let log = this.#logs.get(event.userId);
    if (log === undefined) {
      log = { lastSeq: 0, events: [], head: 0 };
      this.#logs.set(event.userId, log);
    }
    log.lastSeq++;
    log.events.push({
      seq: log.lastSeq,
      runId: event.runId,
      body: Buffer.from(encodeStoredEvent(event)),
      at: this.#clock.now(),
    });
    const excess = retained(log) - this.#retention.maxEventsPerUser;
    if (excess > 0) dropOldest(log, excess);
    return { ...event, seq: log.lastSeq } as RunEvent;
  }

  async read(userId: string, afterSeq: number, limit = Number.POSITIVE_INFINITY): Promise<RunEvent[]> {
    const log = this.#logs.get(userId);
    const first = log?.events[log.head];
    if (log === undefined || first === undefined) return [];
    const start = log.head + Math.max(0, afterSeq + 1 - first.seq);
    return log.events
      .slice(start, Number.isFinite(limit) ? start + Math.max(0, limit) : undefined)
      .map((e) => decodeStoredEvent(e.body.toString(), e.seq));
  }

  async readRun(userId: string, runId: string): Promise<RunEvent[]> {
    const log = this.#logs.get(userId);
    if (log === undefined) return [];
    const out: RunEvent[] = [];
    for (let i = log.head; i < log.events.length; i++) {
      const e = log.events[i] as StoredEvent;
      if (e.runId === runId) out.push(decodeStoredEvent(e.body.toString(), e.seq));
    }
    return out;
  }

  async bounds(userId: string): Promise<LogBounds> {
    const log = this.#logs.get(userId);
    if (log === undefined) return { oldestSeq: 1, lastSeq: 0 };
    return { oldestSeq: log.events[log.head]?.seq ?? log.lastSeq + 1, lastSeq: log.lastSeq };
  }

  async prune(now: number): Promise<number> {
    let dropped = 0;
    const cutoff = now - this.#retention.maxAgeMs;
    for (const log of this.#logs.values()) {
      let n = 0;
      while (log.head + n < log.events.length && (log.events[log.head + n] as StoredEvent).at < cutoff) n++;
      if (n > 0) {
        dropOldest(log, n);
        dropped += n;
      }
    }
    return dropped;
  }

  async close(): Promise<void> {}
}
