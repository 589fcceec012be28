import type { AgentQuality, OutcomeCounts, QualityFigures } from '../protocol/quality-frames.js';
import type { RollupCell, RollupDay } from '../stores/quality-rollups.js';
import { LATENCY_BUCKETS_MS, percentilesOf } from './latency-histogram.js';
import { METRIC } from './rollup-metrics.js';
import { kindOf } from './run-outcome.js';

/** Counters of a set of runs, before percentiles are read off them. */
class FiguresBuilder {
  runs = 0;
  readonly outcomes: Record<keyof OutcomeCounts, number> = {
    completed: 0,
    failed: 0,
    cancelled: 0,
    timeout: 0,
    dead: 0,
  };
  readonly failedByCode: Record<string, number> = {};
  readonly duration: number[] = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  readonly ttfe: number[] = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  readonly tools: Record<string, { calls: number; failures: number }> = {};
  tokensIn = 0;
  tokensOut = 0;
  tokens = false;

  add(cell: RollupCell): void {
    const kind = kindOf(cell.outcome);
    if (kind === undefined) return;
    const { metric, value } = cell;
    if (metric === METRIC.runs) {
      this.runs += value;
      this.outcomes[kind] += value;
      if (kind === 'failed') {
        const code = cell.outcome.slice('failed:'.length);
        this.failedByCode[code] = (this.failedByCode[code] ?? 0) + value;
      }
    } else if (metric.startsWith('duration_b')) {
      addAt(this.duration, metric.slice('duration_b'.length), value);
    } else if (metric.startsWith('ttfe_b')) {
      addAt(this.ttfe, metric.slice('ttfe_b'.length), value);
    } else if (metric.startsWith('tool_calls:')) {
      this.#tool(metric.slice('tool_calls:'.length)).calls += value;
    } else if (metric.startsWith('tool_failures:')) {
      this.#tool(metric.slice('tool_failures:'.length)).failures += value;
    } else if (metric === METRIC.tokensIn) {
      this.tokensIn += value;
      this.tokens = true;
    } else if (metric === METRIC.tokensOut) {
      this.tokensOut += value;
      this.tokens = true;
    }
  }

  build(): QualityFigures {
    const decided = this.runs - this.outcomes.cancelled;
    return {
      runs: this.runs,
      outcomes: { ...this.outcomes },
      failedByCode: sortedRecord(this.failedByCode),
      successRate: decided > 0 ? this.outcomes.completed / decided : null,
      timeToFirstEventMs: percentilesOf(this.ttfe) ?? null,
      durationMs: percentilesOf(this.duration) ?? null,
      tools: sortedRecord(this.tools),
      ...(this.tokens ? { tokens: { input: this.tokensIn, output: this.tokensOut } } : {}),
    };
  }

  #tool(name: string): { calls: number; failures: number } {
    let counts = this.tools[name];
    if (counts === undefined) {
      counts = { calls: 0, failures: 0 };
      this.tools[name] = counts;
    }
    return counts;
  }
}

function addAt(histogram: number[], index: string, value: number): void {
  const i = Number(index);
  if (Number.isInteger(i) && i >= 0 && i < histogram.length) histogram[i] = (histogram[i] ?? 0) + value;
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The figures of every run counter in `days` (server-wide counters are ignored), optionally of one agent. */
export function figuresOf(days: readonly RollupDay[], agent?: string): QualityFigures {
  const builder = new FiguresBuilder();
  for (const day of days)
    for (const cell of day.cells) if (agent === undefined || cell.agent === agent) builder.add(cell);
  return builder.build();
}

/** The figures per agent, agents sorted by name; `agent` keeps only that one. */
export function agentsOf(days: readonly RollupDay[], agent?: string): AgentQuality[] {
  const builders = new Map<string, FiguresBuilder>();
  for (const day of days) {
    for (const cell of day.cells) {
      if (cell.agent === '' || (agent !== undefined && cell.agent !== agent)) continue;
      let builder = builders.get(cell.agent);
      if (builder === undefined) {
        builder = new FiguresBuilder();
        builders.set(cell.agent, builder);
      }
      builder.add(cell);
    }
  }
  return [...builders.keys()]
    .sort()
    .map((name) => ({ agent: name, ...(builders.get(name) as FiguresBuilder).build() }))
    .filter((a) => a.runs > 0 || Object.keys(a.tools).length > 0 || a.tokens !== undefined);
}

/** The sum of one server-wide counter over `days`. */
export function serverCounter(days: readonly RollupDay[], metric: string): number {
  let sum = 0;
  for (const day of days)
    for (const cell of day.cells) if (cell.agent === '' && cell.metric === metric) sum += cell.value;
  return sum;
}
