/**
 * Quality benchmark (issue 16): the CPU cost of the quality rollups on the run path. Two runtimes on SQLite files,
 * one with its quality recorder and one with it closed (no event listener, no alerts, no rollup write), run the same
 * echo runs (one thinking step, one tool call) in the same process. The rounds come in pairs, one round of each,
 * the order swapped every pair (ABBA), with a full GC before each round (when `--expose-gc` is on, as the npm
 * script does) so that neither round pays for the other's garbage. CPU time (user + system, every thread of the
 * process: the server's) per run is compared pair by pair: the overhead is the median of the pairs' ratios, with
 * their interquartile range, which a loaded machine widens but does not shift.
 *
 * A round is one flush interval of runs: as many runs as this machine ends in the recorder's default flush interval
 * (1 s) at full speed, measured in the warm-up. The recorder writes its buffered counters once per interval on a
 * server; here its timer is off and each round of the runtime with rollups ends with one flush, charged to that
 * round, so the bench pays the same writes per run as a server running flat out. (Rounds of 500 runs, which the
 * first version of this bench used, paid five flushes per interval; `--round N` still sets any size, and the flush's
 * own cost is printed, so the per-run cost at other rates can be read off.) Rounds of a whole interval also hold
 * several of SQLite's checkpoints each, which made short rounds differ by ±5% whatever they ran.
 *
 * Target: under 5% more CPU per run with rollups. Exits 1 when missed.
 *
 * Two steadier figures:
 * - the recorder alone (and its alerts), fed the events and ends of synthetic runs in a loop, in CPU µs per run;
 * - with `--instructions` (needs valgrind): instructions per run counted by callgrind in four processes (with and
 *   without rollups, each with two numbers of runs), a count that the load of the machine does not change.
 *
 * Run: `npm run bench:quality` (or `npm run bench:quality -- --instructions`, a few minutes more).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../src/clock.js';
import { DEFAULTS } from '../src/config/defaults.js';
import type { RunId, ThreadId, UserId } from '../src/ids.js';
import type { RunEvent } from '../src/protocol/run-events.js';
import { QualityAlerts } from '../src/quality/quality-alerts.js';
import { QualityRecorder } from '../src/quality/quality-recorder.js';
import type { EventPublisher } from '../src/runs/event-publisher.js';
import type { RunLifecycle } from '../src/runs/run-lifecycle.js';
import type { Runtime } from '../src/runtime/create-runtime.js';
import { MemoryQualityRollups } from '../src/stores/memory/memory-quality-rollups.js';
import type { AgentExecutionTracker } from '../src/tracker/execution-tracker.js';
import type { RunRecord } from '../src/tracker/run-record.js';
import { median } from './bench-stats.js';
import { openWorkloadRuntime, runMany, settle, WORKLOAD_USERS as USERS } from './fixtures/quality-workload.js';

const TARGET_OVERHEAD = 0.05;
const PAIRS = 12;
const WARMUP_RUNS = 1_000;
/** Rounds are never smaller than this, however slow the machine (a round must hold several group commits). */
const MIN_ROUND = 500;
/** The two workloads of `--instructions`: their difference is the cost of the runs between, warm-up excluded. */
const INSTRUCTION_RUNS = [1_000, 3_000] as const;

interface Subject {
  readonly name: 'with rollups' | 'without rollups';
  readonly runtime: Runtime;
  readonly dispose: () => Promise<void>;
}

async function open(name: Subject['name']): Promise<Subject> {
  // The recorder's timer is off ('1h'): each round flushes once at its end, charged to that round (see above).
  const { runtime, dispose } = await openWorkloadRuntime(name === 'with rollups' ? 'with' : 'without', '1h');
  return { name, runtime, dispose };
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** CPU µs of each recorder flush at the end of a round with rollups (the flush and its commit). */
const flushCosts: number[] = [];

/** CPU µs per run of one round of `runs` runs (after the last writes of the round are committed). */
async function round(subject: Subject, runs: number): Promise<number> {
  collectGarbage?.();
  const before = process.cpuUsage();
  await runMany(subject.runtime, runs);
  await settle(subject.runtime); // every write of this round's runs committed in this round, in both runtimes
  const flushing = process.cpuUsage();
  await subject.runtime.quality.recorder.flush();
  const flushed = process.cpuUsage(flushing);
  if (subject.name === 'with rollups') flushCosts.push(flushed.user + flushed.system);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / runs;
}

/** The runs of one round: `--round N`, else the runs this machine ends in one default flush interval. */
async function roundSize(subject: Subject): Promise<number> {
  const asked = process.argv.indexOf('--round');
  if (asked >= 0) {
    const n = Number(process.argv[asked + 1]);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error('--round takes a positive whole number of runs');
    return n;
  }
  const started = performance.now();
  await runMany(subject.runtime, WARMUP_RUNS);
  const perSecond = WARMUP_RUNS / ((performance.now() - started) / 1000);
  const perInterval = (perSecond * DEFAULTS.qualityFlushIntervalMs) / 1000;
  return Math.max(MIN_ROUND, Math.round(perInterval / 100) * 100);
}

/** The value at fraction `q` (0 to 1) of the sorted values, by nearest rank. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? Number.NaN;
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;

/** CPU µs per run of the recorder alone: the events and end of an echo run, fed in a loop; flushed each 1,000. */
async function recorderAlone(runs: number): Promise<number> {
  let onEvent: (event: RunEvent) => void = () => undefined;
  let onEnded: (record: RunRecord) => void = () => undefined;
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const recorder = new QualityRecorder({
    rollups: new MemoryQualityRollups(),
    tracker: { deniedCrossUserAccesses: 0 } as unknown as AgentExecutionTracker,
    publisher: {
      onPublished: (listener: typeof onEvent) => {
        onEvent = listener;
        return () => undefined;
      },
    } as unknown as EventPublisher,
    lifecycle: {
      onEnded: (listener: typeof onEnded) => {
        onEnded = listener;
        return () => undefined;
      },
    } as unknown as RunLifecycle,
    clock,
    flushIntervalMs: 1_000,
    onError: (error) => console.error(error),
  });
  const alerts = new QualityAlerts({ windowRuns: 10, failureRate: 0.5 }, clock);
  recorder.onRecorded((sample) => alerts.runEnded(sample));
  const ts = new Date(clock.now()).toISOString();
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const base = { runId: `run_${i}`, threadId: 'thr_1', userId: `bench_user_${i % USERS}`, agent: 'echo', ts, seq: 1 };
    onEvent({ ...base, type: 'agent_started', status: 'running' });
    onEvent({ ...base, type: 'agent_thinking', reasoning: 'thinking', step: 1 });
    onEvent({ ...base, type: 'tool_executing', toolCallId: `t_${i}`, toolName: 'clock', parameters: {} });
    onEvent({
      ...base,
      type: 'tool_completed',
      toolCallId: `t_${i}`,
      toolName: 'clock',
      success: true,
      results: {},
      durationMs: 1,
    });
    const record = {
      runId: base.runId as RunId,
      userId: base.userId as UserId,
      threadId: base.threadId as ThreadId,
      agent: 'echo',
      status: 'completed',
      createdAt: clock.now() - 5,
      startedAt: clock.now() - 4,
      endedAt: clock.now(),
      lastHeartbeatAt: clock.now(),
      timeoutMs: 60_000,
      lastSeq: 5,
      nodeId: 'node_bench',
    } satisfies RunRecord;
    onEnded(record);
    onEvent({ ...base, type: 'agent_completed', status: 'completed', finalResponse: 'done', durationMs: 4 });
    if (i % 1_000 === 999) await recorder.flush();
  }
  await recorder.close();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / runs;
}

/** Instructions of one workload process under callgrind. */
function instructions(mode: 'with' | 'without', runs: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-callgrind-'));
  try {
    const workload = fileURLToPath(new URL('./fixtures/quality-workload.ts', import.meta.url));
    const result = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--smc-check=all-non-file',
        `--callgrind-out-file=${join(dir, 'out')}`,
        process.execPath,
        // No concurrent compiler or GC threads: without it, when optimised code arrives depends on valgrind's thread
        // scheduling, and two identical processes differed by up to 18%; with it, by about 0.1%.
        '--predictable',
        '--import',
        'tsx',
        workload,
        mode,
        String(runs),
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`valgrind failed (${result.status}): ${result.stderr.slice(-500)}`);
    const file = readdirSync(dir).find((f) => f.startsWith('out'));
    const summary = /^summary: (\d+)/m.exec(readFileSync(join(dir, file ?? 'out'), 'utf8'));
    if (summary?.[1] === undefined) throw new Error('callgrind wrote no summary line');
    return Number(summary[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Instructions per run with and without rollups: the count of a process of many runs minus one of fewer, so start-up,
 * warm-up and JIT compilation (paid once) cancel out.
 */
function instructionsPerRun(): { with: number; without: number } {
  const [fewer, more] = INSTRUCTION_RUNS;
  const perRun = (mode: 'with' | 'without') => (instructions(mode, more) - instructions(mode, fewer)) / (more - fewer);
  return { with: perRun('with'), without: perRun('without') };
}

const subjects = [await open('with rollups'), await open('without rollups')];
for (const subject of subjects) await runMany(subject.runtime, WARMUP_RUNS);
// Timed on the runtime without rollups, after its warm-up: the machine's full speed on the plain run path.
const RUNS_PER_ROUND = await roundSize(subjects[1] as Subject);
const samples = new Map<Subject['name'], number[]>(subjects.map((s) => [s.name, []]));
const ratios: number[] = [];
for (let p = 0; p < PAIRS; p++) {
  // ABBA: which goes first alternates, so a drift of the machine falls on both alike.
  const order = p % 2 === 0 ? subjects : [...subjects].reverse();
  const pair = new Map<Subject['name'], number>();
  for (const subject of order) pair.set(subject.name, await round(subject, RUNS_PER_ROUND));
  for (const [name, value] of pair) samples.get(name)?.push(value);
  ratios.push((pair.get('with rollups') ?? Number.NaN) / (pair.get('without rollups') ?? Number.NaN) - 1);
}
const withRollups = samples.get('with rollups') ?? [];
const without = samples.get('without rollups') ?? [];
const overhead = median(ratios);
const rollupDays = await subjects[0]?.runtime.quality.rollups.read({ fromDay: '2000-01-01', toDay: '2999-12-31' });
const counted = rollupDays
  ?.flatMap((d) => d.cells)
  .filter((c) => c.metric === 'runs')
  .reduce((s, c) => s + c.value, 0);
for (const subject of subjects) await subject.dispose();

console.log(
  `${PAIRS} pairs of ${RUNS_PER_ROUND} runs (${process.argv.includes('--round') ? 'as asked' : `the runs of one ${DEFAULTS.qualityFlushIntervalMs} ms flush interval at full speed`}), ${collectGarbage === undefined ? 'no' : 'a full'} GC before each round`,
);
for (const [name, values] of samples) {
  console.log(
    `${name.padEnd(16)} CPU per run: median ${median(values).toFixed(1)} µs, quartiles ${quantile(values, 0.25).toFixed(1)} to ${quantile(values, 0.75).toFixed(1)} µs`,
  );
}
console.log(`runs counted in the rollups (with): ${counted} of ${WARMUP_RUNS + PAIRS * RUNS_PER_ROUND}`);
const flushCost = median(flushCosts);
console.log(
  `recorder flush at each round's end: median ${(flushCost / 1000).toFixed(2)} ms CPU = ${(flushCost / RUNS_PER_ROUND).toFixed(2)} µs per run of the round (it would be ${(flushCost / 500).toFixed(2)} µs per run flushing every 500 runs)`,
);
console.log(
  `overhead by pairs: median ${pct(overhead)}, quartiles ${pct(quantile(ratios, 0.25))} to ${pct(quantile(ratios, 0.75))}; by the medians of the rounds ${pct(median(withRollups) / median(without) - 1)}; by the best rounds ${pct(Math.min(...withRollups) / Math.min(...without) - 1)}`,
);
const alone = median([await recorderAlone(50_000), await recorderAlone(50_000), await recorderAlone(50_000)]);
console.log(
  `recorder alone: ${alone.toFixed(2)} µs CPU per run = ${((alone / median(without)) * 100).toFixed(2)}% of a run without rollups`,
);
if (process.argv.includes('--instructions')) {
  const counts = instructionsPerRun();
  console.log(
    `instructions per run (callgrind, runs ${INSTRUCTION_RUNS.join(' to ')}): with ${Math.round(counts.with).toLocaleString('en-US')}, without ${Math.round(counts.without).toLocaleString('en-US')}: ${pct(counts.with / counts.without - 1)}`,
  );
}
console.log(`target: < ${TARGET_OVERHEAD * 100}% by the median of the pairs`);
if (overhead >= TARGET_OVERHEAD) {
  console.error('quality bench: the rollups cost more than the target');
  process.exitCode = 1;
}
