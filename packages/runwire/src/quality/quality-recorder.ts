import type { Clock, Timer } from '../clock.js';
import type { RunEvent } from '../protocol/run-events.js';
import type { EventPublisher } from '../runs/event-publisher.js';
import type { RunLifecycle } from '../runs/run-lifecycle.js';
import { cellKey, DAY_MS, dayOf, type QualityRollups, type RollupCell, startOfDay } from '../stores/quality-rollups.js';
import { type AgentExecutionTracker, blockedTrackerConstructions } from '../tracker/execution-tracker.js';
import { type RunRecord, runDurationMs } from '../tracker/run-record.js';
import { bucketIndex } from './latency-histogram.js';
import { PendingRun } from './pending-run.js';
import { durationBucket, METRIC, toolCalls, toolFailures, ttfeBucket } from './rollup-metrics.js';
import { outcomeOf, type RunOutcome } from './run-outcome.js';

/** What the recorder learnt about one finished run (what alerts look at). */
export interface RunQualitySample {
  readonly runId: string;
  readonly userId: string;
  readonly agent: string;
  readonly status: RunRecord['status'];
  readonly outcome: RunOutcome;
  readonly error?: { readonly code: string; readonly message: string };
  readonly durationMs: number;
  readonly endedAt: number;
}

/** How long a run that ended may wait for its terminal event to be logged before its rollup is written anyway. */
const TERMINAL_WAIT_MS = 60_000;

/** Separates the day, user, agent and outcome in a buffer key (none holds it). */
const SEP = '\u001f';

/** The runs of one (day, user, agent, outcome) since the last flush. */
interface RunTally {
  readonly day: string;
  readonly userId: string;
  readonly agent: string;
  readonly outcome: string;
  runs: number;
  durationSum: number;
  /** Sparse: bucket index → runs. */
  readonly duration: number[];
  readonly ttfe: number[];
  readonly tools: Map<string, { calls: number; failures: number }>;
}

/** The rollup cells of a tally (see `rollup-metrics.ts`). */
function cellsOf(tally: RunTally): RollupCell[] {
  const { agent, outcome } = tally;
  const cells: RollupCell[] = [
    { agent, outcome, metric: METRIC.runs, value: tally.runs },
    { agent, outcome, metric: METRIC.durationSum, value: tally.durationSum },
  ];
  tally.duration.forEach((n, i) => {
    if (n > 0) cells.push({ agent, outcome, metric: durationBucket(i), value: n });
  });
  tally.ttfe.forEach((n, i) => {
    if (n > 0) cells.push({ agent, outcome, metric: ttfeBucket(i), value: n });
  });
  for (const [name, counts] of tally.tools) {
    cells.push({ agent, outcome, metric: toolCalls(name), value: counts.calls });
    if (counts.failures > 0) cells.push({ agent, outcome, metric: toolFailures(name), value: counts.failures });
  }
  return cells;
}

/**
 * Writes each finished run of this node to the quality rollups. It learns a run's first event time and tool calls
 * from the published events, and its outcome and times from `RunLifecycle.onEnded`; the rollup is written when the
 * run has ended and its terminal event is logged (so every tool event before it is counted), or `TERMINAL_WAIT_MS`
 * after the end when the log refused the terminal event.
 *
 * Writes are buffered: a run's counters are added to an in-memory sum per (day, user), and every `flushIntervalMs`
 * the sums go to the store in one add per (day, user), with the growth of the server-wide counters (blocked
 * constructions, denied cross-user accesses). Counters merge by addition, so many runs cost one write. A crash loses
 * at most the last interval; `close()` writes everything. Cost on the run path: a map lookup per event and a few
 * map updates per run.
 */
export class QualityRecorder {
  readonly #rollups: QualityRollups;
  readonly #tracker: AgentExecutionTracker;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  readonly #runs = new Map<string, PendingRun>();
  readonly #listeners = new Set<(sample: RunQualitySample) => void>();
  readonly #writes = new Set<Promise<void>>();
  /** `day␟user␟agent␟outcome` → what the runs that ended so since the last flush add up to. */
  readonly #tallies = new Map<string, RunTally>();
  #day = '';
  #dayStart = Number.NaN;
  /** `day␟userId` (userId `''`: server-wide) → cell key → the cell summed since the last flush. */
  readonly #buffer = new Map<string, Map<string, { agent: string; outcome: string; metric: string; value: number }>>();
  readonly #unsubscribe: Array<() => void>;
  readonly #sweeper: Timer;
  readonly #flusher: Timer;
  #blocked: number;
  #denied: number;
  #closed = false;

  constructor(options: {
    rollups: QualityRollups;
    tracker: AgentExecutionTracker;
    publisher: EventPublisher;
    lifecycle: RunLifecycle;
    clock: Clock;
    /** How often buffered counters are written. */
    flushIntervalMs: number;
    onError: (error: unknown) => void;
  }) {
    this.#rollups = options.rollups;
    this.#tracker = options.tracker;
    this.#clock = options.clock;
    this.#onError = options.onError;
    this.#blocked = blockedTrackerConstructions();
    this.#denied = options.tracker.deniedCrossUserAccesses;
    this.#unsubscribe = [
      options.publisher.onPublished((event) => this.#onEvent(event)),
      options.lifecycle.onEnded((record) => this.#onEnded(record)),
    ];
    this.#sweeper = options.clock.setInterval(() => this.#sweep(), TERMINAL_WAIT_MS);
    this.#flusher = options.clock.setInterval(() => this.#writeBuffer(), options.flushIntervalMs);
  }

  /** Calls `listener` with every run written to the rollups. Returns the unsubscribe. */
  onRecorded(listener: (sample: RunQualitySample) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs waiting for their rollup (for tests and metrics). */
  get pending(): number {
    return this.#runs.size;
  }

  /** Writes the buffered counters now and resolves when every write has settled. */
  async flush(): Promise<void> {
    this.#writeBuffer();
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
  }

  /** Writes what is still pending (ended runs, counter deltas), stops listening, and waits for the writes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#sweeper.cancel();
    this.#flusher.cancel();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    for (const [runId, run] of this.#runs) if (run.ended !== undefined) this.#write(runId, run);
    this.#runs.clear();
    await this.flush();
  }

  #onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'run_queued':
      case 'agent_started': {
        const run = this.#pendingRun(event.runId);
        if (Number.isNaN(run.firstEventAt)) run.firstEventAt = Date.parse(event.ts);
        return;
      }
      case 'tool_executing': {
        const run = this.#runs.get(event.runId);
        run?.toolStarted(event.toolCallId, event.toolName);
        return;
      }
      case 'tool_completed': {
        this.#runs.get(event.runId)?.toolCompleted(event.toolCallId, event.toolName, event.success);
        return;
      }
      case 'agent_completed':
        this.#usage(event);
        this.#terminal(event.runId);
        return;
      case 'agent_error':
      case 'agent_cancelled':
        this.#terminal(event.runId);
        return;
      case 'agent_thinking':
      case 'partial_result':
        return;
    }
  }

  #onEnded(record: RunRecord): void {
    const run = this.#pendingRun(record.runId);
    run.ended = record;
    run.endedAt = this.#clock.now();
    if (run.terminalSeen) this.#write(record.runId, run);
  }

  #terminal(runId: string): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    if (run.ended !== undefined) this.#write(runId, run);
    else run.terminalSeen = true;
  }

  #pendingRun(runId: string): PendingRun {
    let run = this.#runs.get(runId);
    if (run === undefined) {
      run = new PendingRun();
      this.#runs.set(runId, run);
    }
    return run;
  }

  /** Token usage of `agent_completed`, where the model reports it (`usage {inputTokens, outputTokens}`). */
  #usage(event: Extract<RunEvent, { type: 'agent_completed' }>): void {
    const usage = (event as { usage?: unknown }).usage;
    if (usage === null || typeof usage !== 'object') return;
    const { inputTokens, outputTokens } = usage as { inputTokens?: unknown; outputTokens?: unknown };
    const cells: RollupCell[] = [];
    if (typeof inputTokens === 'number' && Number.isSafeInteger(inputTokens)) {
      cells.push({ agent: event.agent, outcome: 'completed', metric: METRIC.tokensIn, value: inputTokens });
    }
    if (typeof outputTokens === 'number' && Number.isSafeInteger(outputTokens)) {
      cells.push({ agent: event.agent, outcome: 'completed', metric: METRIC.tokensOut, value: outputTokens });
    }
    if (cells.length > 0) this.#add(dayOf(Date.parse(event.ts)), event.userId, cells);
  }

  #write(runId: string, run: PendingRun): void {
    this.#runs.delete(runId);
    const record = run.ended;
    if (record === undefined) return;
    const outcome = outcomeOf(record);
    if (outcome === undefined) return;
    const endedAt = record.endedAt ?? (Number.isNaN(run.endedAt) ? this.#clock.now() : run.endedAt);
    const durationMs = runDurationMs(record, endedAt);
    const agent = record.agent;
    const tally = this.#tally(this.#dayOf(endedAt), record.userId, agent, outcome);
    tally.runs++;
    tally.durationSum += durationMs;
    const d = bucketIndex(durationMs);
    tally.duration[d] = (tally.duration[d] ?? 0) + 1;
    if (!Number.isNaN(run.firstEventAt)) {
      const t = bucketIndex(Math.max(0, run.firstEventAt - record.createdAt));
      tally.ttfe[t] = (tally.ttfe[t] ?? 0) + 1;
    }
    run.closeOpenCalls();
    const tools = run.tools;
    for (let i = 0; i < tools.length; i += 3) {
      const name = tools[i] as string;
      let sum = tally.tools.get(name);
      if (sum === undefined) {
        sum = { calls: 0, failures: 0 };
        tally.tools.set(name, sum);
      }
      sum.calls += tools[i + 1] as number;
      sum.failures += tools[i + 2] as number;
    }
    const sample: RunQualitySample = {
      runId,
      userId: record.userId,
      agent,
      status: record.status,
      outcome,
      ...(record.error === undefined ? {} : { error: record.error }),
      durationMs,
      endedAt,
    };
    for (const listener of this.#listeners) listener(sample);
  }

  /** Adds the growth of the server-wide counters since the last write. */
  #writeCounters(): void {
    const blocked = blockedTrackerConstructions();
    const denied = this.#tracker.deniedCrossUserAccesses;
    const cells: RollupCell[] = [];
    if (blocked > this.#blocked) {
      cells.push({ agent: '', outcome: '', metric: METRIC.blockedConstructions, value: blocked - this.#blocked });
    }
    if (denied > this.#denied) {
      cells.push({ agent: '', outcome: '', metric: METRIC.deniedCrossUserAccesses, value: denied - this.#denied });
    }
    this.#blocked = blocked;
    this.#denied = denied;
    if (cells.length > 0) this.#add(dayOf(this.#clock.now()), undefined, cells);
  }

  /** The day of `ms`, from a one-day cache (most runs end on the day the previous one did). */
  #dayOf(ms: number): string {
    if (!(ms >= this.#dayStart && ms < this.#dayStart + DAY_MS)) {
      this.#day = dayOf(ms);
      this.#dayStart = startOfDay(this.#day);
    }
    return this.#day;
  }

  /** The buffered tally of (day, user, agent, outcome). */
  #tally(day: string, userId: string, agent: string, outcome: string): RunTally {
    const key = `${day}${SEP}${userId}${SEP}${agent}${SEP}${outcome}`;
    let tally = this.#tallies.get(key);
    if (tally === undefined) {
      tally = { day, userId, agent, outcome, runs: 0, durationSum: 0, duration: [], ttfe: [], tools: new Map() };
      this.#tallies.set(key, tally);
    }
    return tally;
  }

  /** Adds cells to the buffer of (day, user). */
  #add(day: string, userId: string | undefined, cells: readonly RollupCell[]): void {
    const key = `${day}${SEP}${userId ?? ''}`;
    let sums = this.#buffer.get(key);
    if (sums === undefined) {
      sums = new Map();
      this.#buffer.set(key, sums);
    }
    for (const cell of cells) {
      const id = cellKey(cell);
      const sum = sums.get(id);
      if (sum === undefined) sums.set(id, { ...cell });
      else sum.value += cell.value;
    }
  }

  /** Sends the buffered sums (and the server-wide counters' growth) to the store, one add per (day, user). */
  #writeBuffer(): void {
    this.#writeCounters();
    for (const tally of this.#tallies.values()) this.#add(tally.day, tally.userId, cellsOf(tally));
    this.#tallies.clear();
    for (const [key, sums] of this.#buffer) {
      const [day = '', user = ''] = key.split(SEP);
      const write = this.#rollups
        .add(day, user === '' ? undefined : user, [...sums.values()])
        .catch((error: unknown) => this.#onError(error));
      this.#writes.add(write);
      void write.finally(() => this.#writes.delete(write));
    }
    this.#buffer.clear();
  }

  /** Writes the runs whose terminal event never came, and the server-wide counters. */
  #sweep(): void {
    const cutoff = this.#clock.now() - TERMINAL_WAIT_MS;
    for (const [runId, run] of this.#runs) {
      if (run.endedAt <= cutoff) this.#write(runId, run);
    }
  }
}
