/**
 * Tracker benchmark (issue 2): heartbeats per second through the tracker and through a user scope, and bytes per
 * retained finished record, each against a plain `Map` baseline measured in the same process. Targets: at least
 * 100,000 heartbeats/s and under 1 KB per finished record. Exits with code 1 when a target is missed.
 *
 * Run: `npm run bench:tracker` (re-executes itself with `--expose-gc` for the heap measurements).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FakeClock, systemClock } from '../src/clock.js';
import { newRunId, newThreadId, type RunId, type ThreadId, type UserId } from '../src/ids.js';
import type { RunEvent, UnsequencedRunEvent } from '../src/protocol/run-events.js';
import { createRuntime, type Runtime } from '../src/runtime/create-runtime.js';
import type { EventLog } from '../src/stores/event-log.js';
import { InProcessBus } from '../src/stores/memory/in-process-bus.js';
import type { RunStore } from '../src/stores/run-store.js';
import type { Stores } from '../src/stores/stores.js';
import type { RunStatus } from '../src/tracker/run-status.js';
import { fmt, median } from './bench-stats.js';

const HEARTBEAT_TARGET_PER_S = 100_000;
const RECORD_TARGET_BYTES = 1024;
const ROUNDS = 7;
const LIVE_RUNS = 1_000;
const HEARTBEATS_PER_ROUND = 1_000_000;
const FINISHED_RECORDS = 50_000;
const MEMORY_ROUNDS = 3;
const USERS = 1_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}

/** Stores that keep nothing, so the heap delta of the memory runs is the tracker's alone. */
function nullStores(): Stores {
  const runs: RunStore = {
    put: async () => {},
    get: async () => undefined,
    list: async () => ({ runs: [] }),
    listActive: async () => [],
    prune: async () => 0,
    close: async () => {},
  };
  const seqs = new Map<string, number>();
  const events: EventLog = {
    append: async (event: UnsequencedRunEvent) => {
      const seq = (seqs.get(event.userId) ?? 0) + 1;
      seqs.set(event.userId, seq);
      return { ...event, seq } as RunEvent;
    },
    read: async () => [],
    readRun: async () => [],
    bounds: async () => ({ oldestSeq: 1, lastSeq: 0 }),
    prune: async () => 0,
    close: async () => {},
  };
  return { runs, events, bus: new InProcessBus() };
}

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

// ---------------------------------------------------------------- heartbeats per second

interface PlainRecord {
  status: RunStatus;
  lastHeartbeatAt: number;
}

async function heartbeats(): Promise<{ tracker: number; scope: number; map: number }> {
  const runtime = createRuntime({ clock: systemClock, builtins: false, stores: nullStores });
  const tracker = runtime.getExecutionTracker();
  const userId = 'bench_user';
  const scope = runtime.getExecutionTracker({ userId });
  const ids: RunId[] = [];
  const map = new Map<string, PlainRecord>();
  for (let i = 0; i < LIVE_RUNS; i++) {
    const record = tracker.create({
      userId: userId as UserId,
      agentName: 'bench',
      threadId: newThreadId(),
    });
    tracker.transition(record.runId, 'starting');
    tracker.transition(record.runId, 'running');
    ids.push(record.runId);
    map.set(record.runId, { status: 'running', lastHeartbeatAt: systemClock.now() });
  }

  // The same work as tracker.heartbeat: find the run, refuse an unknown one, skip an ended one, stamp the time.
  const mapHeartbeat = (runId: string): boolean => {
    const record = map.get(runId);
    if (record === undefined) throw new Error(`Run '${runId}' was not found`);
    if (record.status !== 'running' && record.status !== 'starting') return false;
    record.lastHeartbeatAt = systemClock.now();
    return true;
  };

  const variants: Record<'map' | 'tracker' | 'scope', (runId: RunId) => boolean> = {
    map: mapHeartbeat,
    tracker: (runId) => tracker.heartbeat(runId),
    scope: (runId) => scope.heartbeat(runId),
  };
  const samples: Record<keyof typeof variants, number[]> = { map: [], tracker: [], scope: [] };
  const order = Object.keys(variants) as Array<keyof typeof variants>;
  // Warm-up, then interleaved rounds (rotating the order) so drift and JIT state hit every variant alike.
  for (const name of order) for (let i = 0; i < 200_000; i++) variants[name](ids[i % LIVE_RUNS] as RunId);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < order.length; k++) {
      const name = order[(round + k) % order.length] as keyof typeof variants;
      const beat = variants[name];
      let alive = 0;
      const started = process.hrtime.bigint();
      for (let i = 0; i < HEARTBEATS_PER_ROUND; i++) if (beat(ids[i % LIVE_RUNS] as RunId)) alive++;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (alive !== HEARTBEATS_PER_ROUND) throw new Error(`${name}: ${alive} heartbeats accepted`);
      samples[name].push(HEARTBEATS_PER_ROUND / seconds);
    }
  }
  await runtime.close();
  return { map: median(samples.map), tracker: median(samples.tracker), scope: median(samples.scope) };
}

// ---------------------------------------------------------------- scope lookups

function scopeLookups(): { first: number; repeated: number } {
  const runtime: Runtime = createRuntime({ clock: systemClock, builtins: false, stores: nullStores });
  const n = 100_000;
  const users = Array.from({ length: n }, (_, i) => `lookup_user_${i}`);
  let started = process.hrtime.bigint();
  for (const userId of users) runtime.getExecutionTracker({ userId });
  const first = n / (Number(process.hrtime.bigint() - started) / 1e9);
  started = process.hrtime.bigint();
  for (const userId of users) runtime.getExecutionTracker({ userId });
  const repeated = n / (Number(process.hrtime.bigint() - started) / 1e9);
  void runtime.close();
  return { first, repeated };
}

// ---------------------------------------------------------------- bytes per finished record

async function trackerBytesPerRecord(): Promise<number> {
  const clock = new FakeClock();
  const before = heapUsed();
  const runtime = createRuntime({
    clock,
    builtins: false,
    stores: nullStores,
    maxFinishedRecords: FINISHED_RECORDS,
    finishedRecordTtl: '1d',
  });
  const tracker = runtime.getExecutionTracker();
  for (let i = 0; i < FINISHED_RECORDS; i++) {
    const record = tracker.create({
      userId: `user_${i % USERS}` as UserId,
      agentName: 'echo',
      threadId: newThreadId(),
    });
    tracker.transition(record.runId, 'starting');
    tracker.transition(record.runId, 'running');
    tracker.transition(record.runId, 'completing');
    tracker.transition(record.runId, 'completed', { finalResponse: `answer ${i}` });
  }
  await runtime.publisher.flush();
  await new Promise<void>((resolve) => setImmediate(resolve));
  const after = heapUsed();
  if (tracker.size !== FINISHED_RECORDS) throw new Error(`tracker holds ${tracker.size} records`);
  await runtime.close();
  return (after - before) / FINISHED_RECORDS;
}

function mapBytesPerRecord(): number {
  const before = heapUsed();
  const map = new Map<string, object>();
  const now = Date.UTC(2026, 0, 1);
  for (let i = 0; i < FINISHED_RECORDS; i++) {
    const runId = newRunId();
    map.set(runId, {
      runId,
      userId: `user_${i % USERS}`,
      threadId: newThreadId() as ThreadId,
      agent: 'echo',
      status: 'completed',
      createdAt: now,
      startedAt: now,
      endedAt: now,
      lastHeartbeatAt: now,
      timeoutMs: 900_000,
      deadlineAt: now + 900_000,
      lastSeq: 4,
      nodeId: 'node_bench',
      finalResponse: `answer ${i}`,
    });
  }
  const after = heapUsed();
  if (map.size !== FINISHED_RECORDS) throw new Error('map lost records');
  return (after - before) / FINISHED_RECORDS;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${ROUNDS} interleaved rounds of ${fmt(HEARTBEATS_PER_ROUND)} heartbeats`);
  console.log(
    `over ${fmt(LIVE_RUNS)} running runs; memory: ${fmt(FINISHED_RECORDS)} finished records, median of ${MEMORY_ROUNDS}`,
  );
  console.log('');

  const hb = await heartbeats();
  console.log('heartbeats per second (median)');
  console.log(`  Map baseline           ${fmt(hb.map).padStart(12)} /s`);
  console.log(
    `  tracker.heartbeat      ${fmt(hb.tracker).padStart(12)} /s   ${(hb.tracker / hb.map).toFixed(2)}× the baseline`,
  );
  console.log(
    `  scope.heartbeat        ${fmt(hb.scope).padStart(12)} /s   ${(hb.scope / hb.map).toFixed(2)}× the baseline`,
  );

  const lookups = scopeLookups();
  console.log('');
  console.log('getExecutionTracker({ userId }) lookups per second');
  console.log(`  first (builds scope)   ${fmt(lookups.first).padStart(12)} /s`);
  console.log(
    `  repeated (cached)      ${fmt(lookups.repeated).padStart(12)} /s   ${(lookups.repeated / lookups.first).toFixed(2)}× the first`,
  );

  const mapBytes: number[] = [];
  const trackerBytes: number[] = [];
  for (let round = 0; round < MEMORY_ROUNDS; round++) {
    mapBytes.push(mapBytesPerRecord());
    trackerBytes.push(await trackerBytesPerRecord());
  }
  const mapPer = median(mapBytes);
  const trackerPer = median(trackerBytes);
  console.log('');
  console.log('heap bytes per retained finished record (median)');
  console.log(`  Map of plain objects   ${fmt(mapPer).padStart(12)} B`);
  console.log(
    `  tracker                ${fmt(trackerPer).padStart(12)} B   ${(trackerPer / mapPer).toFixed(2)}× the baseline`,
  );

  const hbOk = hb.tracker >= HEARTBEAT_TARGET_PER_S && hb.scope >= HEARTBEAT_TARGET_PER_S;
  const memOk = trackerPer < RECORD_TARGET_BYTES;
  console.log('');
  console.log(`target ≥ ${fmt(HEARTBEAT_TARGET_PER_S)} heartbeats/s (tracker and scope): ${hbOk ? 'met' : 'MISSED'}`);
  console.log(`target < ${fmt(RECORD_TARGET_BYTES)} B per finished record: ${memOk ? 'met' : 'MISSED'}`);
  if (!hbOk || !memOk) process.exitCode = 1;
}

await main();
