import type { EventLog } from '../events/event-log.js';
import type { RunEvent } from '../protocol/run-events.js';
import type { ReplyFrame } from '../protocol/server-frames.js';

/** How many events one log read returns during replay and gap filling. */
const PAGE = 500;

/** Where a stream sends frames. `ready()` resolves when the socket's buffer has room (backpressure). */
export interface StreamSink {
  /** Sends a frame; returns `false` when the connection is gone. */
  send(frame: RunEvent | ReplyFrame): boolean;
  ready(): Promise<void>;
}

/**
 * The ordered event stream of one connection. It delivers a user's events in `seq` order exactly once: live events
 * that arrive while it replays are held back; a live event past a gap (a lost or late publish) makes it read the
 * missing events from the log first; events at or below its cursor are dropped. So resume and live meet with no gap
 * and no duplicate at the seam.
 */
export class EventStream {
  readonly #userId: string;
  readonly #log: EventLog;
  readonly #sink: StreamSink;
  /** Seq of the last event delivered (or skipped by design). */
  #cursor = 0;
  /** While true, live events are held in `#held` (replay or gap filling in progress, or not started). */
  #syncing = true;
  #held: RunEvent[] = [];
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(userId: string, log: EventLog, sink: StreamSink) {
    this.#userId = userId;
    this.#log = log;
    this.#sink = sink;
  }

  get cursor(): number {
    return this.#cursor;
  }

  /** Starts live delivery after `cursor` (the user's last seq when the connection opened). */
  start(cursor: number): Promise<void> {
    return this.#serial(async () => {
      this.#cursor = cursor;
      await this.#fill();
    });
  }

  /** A live event from the bus. */
  onLive(event: RunEvent): void {
    if (this.#closed) return;
    if (this.#syncing) {
      this.#held.push(event);
      return;
    }
    if (event.seq <= this.#cursor) return;
    if (event.seq === this.#cursor + 1) {
      this.#deliver(event);
      return;
    }
    this.#held.push(event);
    void this.#serial(() => this.#fill());
  }

  /** Re-reads the log after the cursor (after a bus reconnect, when publishes may have been lost). */
  catchUp(): Promise<void> {
    return this.#serial(() => this.#fill(true));
  }

  /**
   * Restarts the stream after `after`: replays retained events, then `resumed {after, lastSeq}`, then live. When
   * `after` is outside the retained window, sends `resync_required` and continues live after the newest seq.
   */
  resume(after: number, requestId: string | undefined): Promise<void> {
    const id = requestId === undefined ? {} : { id: requestId };
    return this.#serial(async () => {
      const bounds = await this.#log.bounds(this.#userId);
      if (after > bounds.lastSeq || after < bounds.oldestSeq - 1) {
        this.#cursor = bounds.lastSeq;
        this.#sink.send({ type: 'resync_required', ...id, oldestSeq: bounds.oldestSeq, lastSeq: bounds.lastSeq });
      } else {
        this.#cursor = after;
        await this.#readLog();
        this.#sink.send({ type: 'resumed', ...id, after, lastSeq: this.#cursor });
      }
      await this.#fill();
    });
  }

  close(): void {
    this.#closed = true;
    this.#held = [];
  }

  /**
   * Runs one piece of stream work at a time. Every piece ends with `#fill()`, whose last check of `#held` happens in
   * the same turn as `#syncing` turns false, so no live event can slip between them.
   */
  #serial(work: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(async () => {
      if (this.#closed) return;
      this.#syncing = true;
      try {
        await work();
      } finally {
        this.#syncing = false;
      }
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Delivers held events in order, reading the log for any gap before them. */
  async #fill(forceRead = false): Promise<void> {
    let read = forceRead;
    for (;;) {
      if (this.#closed) return;
      if (read) {
        read = false;
        const before = this.#cursor;
        await this.#readLog();
        if (this.#cursor === before && this.#lowestHeld() > this.#cursor + 1) {
          // The log has nothing at cursor + 1 though later events exist: they were pruned. Skip to what exists.
          this.#cursor = this.#lowestHeld() - 1;
        }
      }
      this.#held.sort((a, b) => a.seq - b.seq);
      while (this.#held.length > 0 && (this.#held[0]?.seq ?? 0) <= this.#cursor + 1) {
        const event = this.#held.shift() as RunEvent;
        if (event.seq === this.#cursor + 1) this.#deliver(event);
      }
      if (this.#held.length === 0) return;
      read = true;
    }
  }

  #lowestHeld(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const e of this.#held) lowest = Math.min(lowest, e.seq);
    return lowest;
  }

  /** Delivers everything the log holds after the cursor, page by page, with backpressure. */
  async #readLog(): Promise<void> {
    for (;;) {
      const page = await this.#log.read(this.#userId, this.#cursor, PAGE);
      for (const event of page) {
        // Wait for room before each event: a page can be larger than the send buffer cap, and passing the cap closes
        // the socket (1013), so a client could never catch up on a large backlog.
        await this.#sink.ready();
        if (this.#closed) return;
        if (event.seq === this.#cursor + 1) this.#deliver(event);
        else if (event.seq > this.#cursor + 1) {
          // A hole in the retained log (pruned): continue from what exists.
          this.#cursor = event.seq - 1;
          this.#deliver(event);
        }
      }
      if (page.length < PAGE) return;
    }
  }

  #deliver(event: RunEvent): void {
    this.#cursor = event.seq;
    if (!this.#sink.send(event)) this.close();
  }
}
