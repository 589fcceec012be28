import type { Clock } from '../../clock.js';
import { DEFAULT_EVENT_RETENTION, type EventLog, type EventRetention, type LogBounds } from '../../events/event-log.js';
import { decodeStoredEvent, encodeStoredEvent } from '../../events/stored-event.js';
import type { RunEvent, UnsequencedRunEvent } from '../../protocol/run-events.js';

/** A retained event: kept as JSON text, like the durable logs, so no caller can change it through a reference. */
interface StoredEvent {
  readonly seq: number;
  readonly runId: string;
  readonly body: string;
}

interface UserLog {
  lastSeq: number;
  /** Retained events, ascending by seq, contiguous. */
  events: StoredEvent[];
  /** Append time of each retained event (parallel to `events`). */
  times: number[];
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
      log = { lastSeq: 0, events: [], times: [] };
      this.#logs.set(event.userId, log);
    }
    const body = encodeStoredEvent(event);
    log.lastSeq++;
    log.events.push({ seq: log.lastSeq, runId: event.runId, body });
    log.times.push(this.#clock.now());
    if (log.events.length > this.#retention.maxEventsPerUser) {
      const drop = log.events.length - this.#retention.maxEventsPerUser;
      log.events.splice(0, drop);
      log.times.splice(0, drop);
    }
    return { ...event, seq: log.lastSeq } as RunEvent;
  }

  async read(userId: string, afterSeq: number, limit = Number.POSITIVE_INFINITY): Promise<RunEvent[]> {
    const log = this.#logs.get(userId);
    if (log === undefined || log.events.length === 0) return [];
    const first = log.events[0]!.seq;
    const start = Math.max(0, afterSeq + 1 - first);
    return log.events
      .slice(start, Number.isFinite(limit) ? start + Math.max(0, limit) : undefined)
      .map((e) => decodeStoredEvent(e.body, e.seq));
  }

  async readRun(userId: string, runId: string): Promise<RunEvent[]> {
    return (this.#logs.get(userId)?.events ?? [])
      .filter((e) => e.runId === runId)
      .map((e) => decodeStoredEvent(e.body, e.seq));
  }

  async bounds(userId: string): Promise<LogBounds> {
    const log = this.#logs.get(userId);
    if (log === undefined) return { oldestSeq: 1, lastSeq: 0 };
    return { oldestSeq: log.events[0]?.seq ?? log.lastSeq + 1, lastSeq: log.lastSeq };
  }

  async prune(now: number): Promise<number> {
    let dropped = 0;
    const cutoff = now - this.#retention.maxAgeMs;
    for (const log of this.#logs.values()) {
      let n = 0;
      while (n < log.times.length && log.times[n]! < cutoff) n++;
      if (n > 0) {
        log.events.splice(0, n);
        log.times.splice(0, n);
        dropped += n;
      }
    }
    return dropped;
  }

  async close(): Promise<void> {}
}
