import type { RunEvent } from '../protocol/run-events.js';
import type { ReplyFrame } from '../protocol/server-frames.js';
import type { EventLog, LogBounds } from '../stores/event-log.js';

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
 *
 * After an interruption of the bus (`catchUp`) it first checks that the log still holds the last event it delivered
 * at its seq. A store that lost its data (Redis restarted without persistence) numbers a user's events from 1 again;
 * then the stream sends `resync_required` with the new log's bounds and goes on from there, instead of dropping the
 * new events as old seqs or passing them off as the continuation of the old ones.
 */
export class EventStream {
  readonly #userId: string;
  readonly #log: EventLog;
  readonly #sink: StreamSink;
  /** Seq of the last event delivered (or skipped by design). */
  #cursor = 0;
  /** The event at the cursor, when known: what the continuity check after an interruption compares with the log. */
  #anchor: RunEvent | undefined;
  /** Live events are held in `#held` before `start` and while stream work is queued or running. */
  #started = false;
  #work = 0;
  #held: RunEvent[] = [];
  /** Set by `catchUp`: the log must be checked for continuity before anything more is delivered. */
  #checkPending = false;
  /** Events held when the check was asked for: they came from the log as it was before the interruption. */
  #suspect: RunEvent[] = [];
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
    this.#started = true;
    return this.#serial(async () => {
      await this.#moveTo(cursor);
      await this.#fill();
    });
  }

  /** A live event from the bus. */
  onLive(event: RunEvent): void {
    if (this.#closed) return;
    if (!this.#started || this.#work > 0) {
      this.#held.push(event);
      return;
    }
    if (!this.#checkPending) {
      if (event.seq <= this.#cursor) return;
      if (event.seq === this.#cursor + 1) {
        this.#deliver(event);
        return;
      }
    }
    this.#held.push(event);
    void this.#serial(() => this.#fill());
  }

  /**
   * After a bus reconnect: checks that the log still holds what this stream delivered (else `resync_required`), then
   * re-reads the log after the cursor (publishes may have been lost meanwhile). Live events are held from this call
   * on, so nothing is delivered before the check.
   */
  catchUp(): Promise<void> {
    // Before the stream starts there is nothing to check: `start` or `resume` reads what it needs.
    if (!this.#started) return Promise.resolve();
    // Events held now arrived before the interruption: they count only if the log they came from is still there.
    this.#suspect.push(...this.#held);
    this.#held = [];
    this.#checkPending = true;
    return this.#serial(() => this.#fill(true));
  }

  /**
   * Restarts the stream after `after`: replays retained events, then `resumed {after, lastSeq}`, then live. When
   * `after` is outside the retained window, sends `resync_required` and continues live after the newest seq.
   */
  resume(after: number, requestId: string | undefined): Promise<void> {
    const id = requestId === undefined ? {} : { id: requestId };
    this.#started = true;
    return this.#serial(async () => {
      // The client chose where to go on from: a pending continuity check of the old position is moot.
      this.#checkPending = false;
      this.#suspect = [];
      const bounds = await this.#log.bounds(this.#userId);
      if (after > bounds.lastSeq || after < bounds.oldestSeq - 1) {
        await this.#moveTo(bounds.lastSeq);
        this.#sink.send({ type: 'resync_required', ...id, oldestSeq: bounds.oldestSeq, lastSeq: bounds.lastSeq });
      } else {
        await this.#moveTo(after);
        await this.#readLog();
        this.#sink.send({ type: 'resumed', ...id, after, lastSeq: this.#cursor });
      }
      await this.#fill();
    });
  }

  close(): void {
    this.#closed = true;
    this.#held = [];
    this.#suspect = [];
  }

  /**
   * Runs one piece of stream work at a time; live events are held from the call until the last queued piece is done.
   * Every piece ends with `#fill()`; an event held after its last check of `#held` (a bus that delivers from a
   * promise job can slip in before the piece ends) is picked up by one more fill.
   */
  #serial(work: () => Promise<void>): Promise<void> {
    this.#work++;
    const run = this.#chain.then(async () => {
      if (this.#closed) return;
      await work();
    });
    const done = run.then(
      () => this.#settled(true),
      () => this.#settled(false),
    );
    this.#chain = done;
    return run;
  }

  #settled(ok: boolean): void {
    this.#work--;
    // After a failure (the log unreachable) the next live event or reconnect tries again, not a loop here.
    if (ok && this.#work === 0 && this.#held.length > 0 && !this.#closed) void this.#serial(() => this.#fill());
  }

  /** The check asked for by `catchUp`: resync when the log lost what was delivered, else keep the held events. */
  async #checkContinuity(): Promise<void> {
    const lost = await this.#logLost();
    this.#checkPending = false;
    const suspect = this.#suspect;
    this.#suspect = [];
    if (lost === undefined) {
      this.#held.push(...suspect);
      return;
    }
    this.#sink.send({ type: 'resync_required', oldestSeq: lost.oldestSeq, lastSeq: lost.lastSeq });
    await this.#moveTo(lost.lastSeq);
  }

  /** Sets the cursor without delivering, and learns the event at it (for the continuity check). */
  async #moveTo(seq: number): Promise<void> {
    this.#cursor = seq;
    this.#anchor = undefined;
    if (seq <= 0) return;
    const [event] = await this.#log.read(this.#userId, seq - 1, 1);
    if (event?.seq === seq && this.#cursor === seq) this.#anchor = event;
  }

  /**
   * Whether the log lost what this stream delivered: it ends before the cursor, or holds another event at the
   * cursor's seq. Returns the new log's bounds then, else `undefined`. A cursor in the pruned part of the log cannot
   * be checked and counts as kept.
   */
  async #logLost(): Promise<LogBounds | undefined> {
    if (this.#cursor === 0) return undefined;
    const bounds = await this.#log.bounds(this.#userId);
    if (bounds.lastSeq < this.#cursor) return bounds;
    const anchor = this.#anchor;
    if (anchor === undefined || bounds.oldestSeq > this.#cursor) return undefined;
    const [atCursor] = await this.#log.read(this.#userId, this.#cursor - 1, 1);
    const kept = atCursor?.seq === this.#cursor && JSON.stringify(atCursor) === JSON.stringify(anchor);
    return kept ? undefined : bounds;
  }

  /** Delivers held events in order, reading the log for any gap before them. */
  async #fill(forceRead = false): Promise<void> {
    if (this.#checkPending) await this.#checkContinuity();
    let read = forceRead;
    for (;;) {
      if (this.#closed) return;
      if (read) {
        read = false;
        const before = this.#cursor;
        await this.#readLog();
        // (Only with something held: with nothing held there is nothing to skip to, e.g. a catch-up that found the
        // log unchanged.)
        if (this.#cursor === before && this.#held.length > 0 && this.#lowestHeld() > this.#cursor + 1) {
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
    this.#anchor = event;
    if (!this.#sink.send(event)) this.close();
  }
}
