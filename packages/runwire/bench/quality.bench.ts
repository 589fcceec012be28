/**
 * Quality benchmark (issue 16): the CPU cost of the quality rollups on the run path. Two runtimes on SQLite files,
 * one with its quality recorder and one with it closed (no event listener, no rollup write), run the same echo runs
 * (one thinking step, one tool call) in alternating rounds of the same process; CPU time (user + system, all
 * threads of the process) per run is compared by the median of the rounds.
 * Target: under 5% more CPU per run with rollups. Exits 1 when missed. CPU figures on a shared machine are noisy:
 * read the spread of the rounds too. A steadier second figure: the recorder alone (and its alerts), fed the events
 * and ends of synthetic runs in a loop, in CPU µs per run, against the per-run CPU of the runtime without rollups.
 *
 * Run: `npm run bench:quality`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../src/clock.js';
import { UserExecutionContext } from '../src/context/user-execution-context.js';
import type { RunId, ThreadId, UserId } from '../src/ids.js';
import type { RunEvent } from '../src/protocol/run-events.js';
import { QualityAlerts } from '../src/quality/quality-alerts.js';
import { QualityRecorder } from '../src/quality/quality-recorder.js';
import type { EventPublisher } from '../src/runs/event-publisher.js';
import type { RunLifecycle } from '../src/runs/run-lifecycle.js';
import { createRuntime, type Runtime } from '../src/runtime/create-runtime.js';
import { MemoryQualityRollups } from '../src/stores/memory/memory-quality-rollups.js';
import { sqliteStores } from '../src/stores/sqlite/sqlite-stores.js';
import type { AgentExecutionTracker } from '../src/tracker/execution-tracker.js';
import type { RunRecord } from '../src/tracker/run-record.js';
import { median } from './bench-stats.js';

const TARGET_OVERHEAD = 0.05;
const ROUNDS = 9;
const RUNS_PER_ROUND = 1_500;
const USERS = 20;
const WARMUP_RUNS = 500;

interface Subject {
  readonly name: 'with rollups' | 'without rollups';
  readonly runtime: Runtime;
  readonly dir: string;
}

async function open(name: Subject['name']): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-bench-quality-'));
  const runtime = createRuntime({
    stores: (env) => sqliteStores({ ...env, file: join(dir, 'bench.db') }),
    scheduler: { maxConcurrentRunsPerUser: 8, maxQueuedRunsPerUser: 10_000 },
  });
  await runtime.start();
  if (name === 'without rollups') await runtime.quality.recorder.close();
  return { name, runtime, dir };
}

/** Starts `count` echo runs spread over the users and resolves when all have ended. */
function runMany(runtime: Runtime, count: number): Promise<void> {
  return new Promise((resolve) => {
    let ended = 0;
    const stop = runtime.lifecycle.onEnded(() => {
      ended++;
      if (ended === count) {
        stop();
        resolve();
      }
    });
    for (let i = 0; i < count; i++) {
      const context = UserExecutionContext.create({ userId: `bench_user_${i % USERS}` });
      runtime.runs.start(context, {
        agent: 'echo',
        input: { kind: 'input', value: { text: `answer ${i}`, steps: 1 } },
      });
    }
  });
}

/** CPU µs per run of one round (after the last writes of the round are committed). */
async function round(subject: Subject): Promise<number> {
  const before = process.cpuUsage();
  await runMany(subject.runtime, RUNS_PER_ROUND);
  await subject.runtime.publisher.flush();
  await subject.runtime.quality.recorder.flush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / RUNS_PER_ROUND;
}

/** CPU µs per run of the recorder alone: the events and end of an echo run, fed in a loop; flushed each 1,000. */
async function recorderAlone(runs: number): Promise<number> {
  let onEvent: (event: RunEvent) => void = () => undefined;
  let onEnded: (record: RunRecord) => void = () => undefined;
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const recorder = new QualityRecorder({
    rollups: new MemoryQualityRollups(),
    tracker: { stats: () => ({ deniedCrossUserAccesses: 0 }) } as unknown as AgentExecutionTracker,
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

const subjects = [await open('with rollups'), await open('without rollups')];
for (const subject of subjects) await runMany(subject.runtime, WARMUP_RUNS);
const samples = new Map<Subject['name'], number[]>(subjects.map((s) => [s.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which goes first, so drift of the machine falls on both alike.
  const order = r % 2 === 0 ? subjects : [...subjects].reverse();
  for (const subject of order) samples.get(subject.name)?.push(await round(subject));
}
const withRollups = median(samples.get('with rollups') ?? []);
const without = median(samples.get('without rollups') ?? []);
const overhead = withRollups / without - 1;
const rollupDays = await subjects[0]?.runtime.quality.rollups.read({ fromDay: '2000-01-01', toDay: '2999-12-31' });
const counted = rollupDays
  ?.flatMap((d) => d.cells)
  .filter((c) => c.metric === 'runs')
  .reduce((s, c) => s + c.value, 0);

for (const [name, values] of samples) {
  console.log(
    `${name.padEnd(16)} CPU per run: median ${median(values).toFixed(1)} µs; rounds ${values.map((v) => v.toFixed(0)).join(', ')} µs`,
  );
}
console.log(`runs counted in the rollups (with): ${counted} of ${WARMUP_RUNS + ROUNDS * RUNS_PER_ROUND}`);
const alone = median([await recorderAlone(50_000), await recorderAlone(50_000), await recorderAlone(50_000)]);
console.log(
  `recorder alone: ${alone.toFixed(2)} µs CPU per run = ${((alone / without) * 100).toFixed(2)}% of a run without rollups`,
);
const best = Math.min(...(samples.get('with rollups') ?? [])) / Math.min(...(samples.get('without rollups') ?? [])) - 1;
console.log(
  `overhead: ${(overhead * 100).toFixed(2)}% by medians (target < ${TARGET_OVERHEAD * 100}%); ${(best * 100).toFixed(2)}% by the best rounds`,
);
for (const subject of subjects) {
  await subject.runtime.close();
  rmSync(subject.dir, { recursive: true, force: true });
}
if (overhead >= TARGET_OVERHEAD) {
  console.error('quality bench: the rollups cost more than the target');
  process.exitCode = 1;
}
