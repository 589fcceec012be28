import type { Clock } from '../../clock.js';
import type { RunEvent, UnsequencedRunEvent } from '../../protocol/run-events.js';
import { DEFAULT_EVENT_RETENTION, type EventLog, type EventRetention, type LogBounds } from '../event-log.js';
import { decodeStoredEvent, encodeStoredEvent } from '../stored-event.js';

/**
 * One user's retained events, oldest first and contiguous by seq, in parallel arrays (index `i` of each is one
 * event), so that a log of tens of thousands of events is not tens of thousands of objects for the garbage collector
 * to walk on every full collection. Slots before `head` are dropped and wait for compaction.
 */
interface UserLog {
  lastSeq: number;
  head: number;
  runIds: string[];
  /**
   * Each event's JSON, like the durable logs keep it, so no caller can change it through a reference; as UTF-8 bytes,
   * because a string from `JSON.stringify` is a rope of several pieces that would stay that way until read.
   */
  bodies: Buffer[];
  /** When each was appended (for age retention); an array of numbers holds them unboxed. */
  appendedAt: number[];
}

/** Dropped slots are compacted away once there are this many and they are half the arrays (amortised O(1)). */
const COMPACT_AFTER = 1024;

function dropOldest(log: UserLog, count: number): void {
  log.head += count;
  if (log.head >= COMPACT_AFTER && log.head * 2 >= log.runIds.length) {
    log.runIds = log.runIds.slice(log.head);
    log.bodies = log.bodies.slice(log.head);
    log.appendedAt = log.appendedAt.slice(log.head);
    log.head = 0;
  }
}

function retained(log: UserLog): number {
  return log.runIds.length - log.head;
}

/** The seq of the event at `index` (at `head`: the oldest retained, or `lastSeq + 1` when none is). */
function seqAt(log: UserLog, index: number): number {
  return log.lastSeq - (log.runIds.length - 1 - index);
}

function eventAt(log: UserLog, index: number): RunEvent {
  return decodeStoredEvent((log.bodies[index] as Buffer).toString(), seqAt(log, index));
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
      log = { lastSeq: 0, head: 0, runIds: [], bodies: [], appendedAt: [] };
      this.#logs.set(event.userId, log);
    }
    log.lastSeq++;
    log.runIds.push(event.runId);
    log.bodies.push(Buffer.from(encodeStoredEvent(event)));
    log.appendedAt.push(this.#clock.now());
    const excess = retained(log) - this.#retention.maxEventsPerUser;
    if (excess > 0) dropOldest(log, excess);
    return { ...event, seq: log.lastSeq } as RunEvent;
  }

  async read(userId: string, afterSeq: number, limit = Number.POSITIVE_INFINITY): Promise<RunEvent[]> {
    const log = this.#logs.get(userId);
    if (log === undefined || retained(log) === 0) return [];
    const start = log.head + Math.max(0, afterSeq + 1 - seqAt(log, log.head));
    const end = Number.isFinite(limit) ? Math.min(log.runIds.length, start + Math.max(0, limit)) : log.runIds.length;
    const out: RunEvent[] = [];
    for (let i = start; i < end; i++) out.push(eventAt(log, i));
    return out;
  }

  async readRun(userId: string, runId: string): Promise<RunEvent[]> {
    const log = this.#logs.get(userId);
    if (log === undefined) return [];
    const out: RunEvent[] = [];
    for (let i = log.head; i < log.runIds.length; i++) {
      if (log.runIds[i] === runId) out.push(eventAt(log, i));
    }
    return out;
  }

  async bounds(userId: string): Promise<LogBounds> {
    const log = this.#logs.get(userId);
    if (log === undefined) return { oldestSeq: 1, lastSeq: 0 };
    return { oldestSeq: seqAt(log, log.head), lastSeq: log.lastSeq };
  }

  async prune(now: number): Promise<number> {
    let dropped = 0;
    const cutoff = now - this.#retention.maxAgeMs;
    for (const log of this.#logs.values()) {
      let n = 0;
      while (log.head + n < log.appendedAt.length && (log.appendedAt[log.head + n] as number) < cutoff) n++;
      if (n > 0) {
        dropOldest(log, n);
        dropped += n;
      }
    }
    return dropped;
  }

  async close(): Promise<void> {}
}
