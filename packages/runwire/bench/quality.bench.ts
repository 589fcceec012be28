/**
 * Quality benchmark (issue 16): the CPU cost of the quality rollups on the run path. Two runtimes on SQLite files,
 * one with its quality recorder and one with it closed (no event listener, no rollup write), run the same echo runs
 * (one thinking step, one tool call) in alternating rounds of the same process; CPU time (user + system, all
 * threads of the process) per run is compared by the median of the rounds.
 * Target: under 5% more CPU per run with rollups. Exits 1 when missed. CPU figures on a shared machine are noisy:
 * read the spread of the rounds too.
 *
 * Run: `npm run bench:quality`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserExecutionContext } from '../src/context/user-execution-context.js';
import { createRuntime, type Runtime } from '../src/runtime/create-runtime.js';
import { sqliteStores } from '../src/stores/sqlite/sqlite-stores.js';

const TARGET_OVERHEAD = 0.05;
const ROUNDS = 7;
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
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
console.log(`overhead: ${(overhead * 100).toFixed(2)}% (target < ${TARGET_OVERHEAD * 100}%)`);
for (const subject of subjects) {
  await subject.runtime.close();
  rmSync(subject.dir, { recursive: true, force: true });
}
if (overhead >= TARGET_OVERHEAD) {
  console.error('quality bench: the rollups cost more than the target');
  process.exitCode = 1;
}
