import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { TERMINAL_EVENT_TYPES } from '../../src/protocol/run-events.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { sqliteStores } from '../../src/stores/sqlite/sqlite-stores.js';

type ChildLine =
  | { kind: 'run'; runKind: 'quick' | 'slow' | 'slower'; userId: string; runId: string }
  | { kind: 'event'; event: RunEvent };

const USERS = 3;

describe('a process on a SQLite file killed with SIGKILL mid-run', () => {
  let dir: string;
  let file: string;
  let child: ChildProcess | undefined;
  let runtime: Runtime | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runwire-crash-'));
    file = join(dir, 'runwire.db');
  });

  after(async () => {
    child?.kill('SIGKILL');
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves every logged event once and in order; the next process ends the interrupted runs as dead', async () => {
    const script = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', script, file, String(USERS)], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));

    const runs: Array<Extract<ChildLine, { kind: 'run' }>> = [];
    const logged: RunEvent[] = [];
    const thinkingSteps = new Map<string, number>();
    // Kill once every quick run has completed and every slow run is a few steps in.
    const killed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child did not get far enough; stderr: ${stderr}`)), 20_000);
      const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        const message = JSON.parse(line) as ChildLine;
        if (message.kind === 'run') runs.push(message);
        else {
          logged.push(message.event);
          if (message.event.type === 'agent_thinking') thinkingSteps.set(message.event.runId, message.event.step);
        }
        const quickDone = runs
          .filter((r) => r.runKind === 'quick')
          .every((r) => logged.some((e) => e.runId === r.runId && e.type === 'agent_completed'));
        const slowAlong = runs
          .filter((r) => r.runKind !== 'quick')
          .every((r) => (thinkingSteps.get(r.runId) ?? 0) >= 2);
        if (runs.length === USERS * 3 && quickDone && slowAlong && !proc.killed) {
          proc.kill('SIGKILL');
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on('exit', () => reject(new Error(`the child exited before it was killed; stderr: ${stderr}`)));
    });
    await killed;
    assert.equal(await exited, 'SIGKILL');
    child = undefined;

    runtime = createRuntime({ nodeId: 'node_restarted', stores: (env) => sqliteStores({ ...env, file }) });
    await runtime.start();
    await runtime.publisher.flush();
    const next = runtime;
    const interrupted = runs.filter((r) => r.runKind !== 'quick');
    const deadline = Date.now() + 5000;
    while ((await Promise.all(interrupted.map((r) => next.runStore.get(r.runId)))).some((r) => r?.status !== 'dead')) {
      assert.ok(Date.now() < deadline, 'the interrupted runs are stored as dead');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    for (let u = 0; u < USERS; u++) {
      const userId = `user_${u}`;
      const events = await next.events.read(userId, 0);
      assert.deepEqual(
        events.map((e) => e.seq),
        Array.from({ length: events.length }, (_, i) => i + 1),
        `${userId}: seqs 1..n without gap`,
      );
      for (const seen of logged.filter((e) => e.userId === userId)) {
        assert.deepEqual(events[seen.seq - 1], seen, `${userId}: event ${seen.seq} survived as it was logged`);
      }
      const mine = runs.filter((r) => r.userId === userId);
      for (const run of mine) {
        const runEvents = events.filter((e) => e.runId === run.runId);
        const terminal = runEvents.filter((e) => TERMINAL_EVENT_TYPES.has(e.type));
        assert.equal(terminal.length, 1, `${run.runKind} run of ${userId}: exactly one terminal event`);
        assert.equal(runEvents.at(-1), terminal[0], `${run.runKind} run of ${userId}: nothing after its end`);
        const ending = terminal[0];
        if (run.runKind === 'quick') {
          assert.equal(ending?.type, 'agent_completed');
        } else {
          assert.ok(ending?.type === 'agent_error', `${run.runKind} run of ${userId} ends with agent_error`);
          assert.equal(ending.status, 'dead');
          assert.equal(ending.error.code, 'node_restarted');
        }
      }
      const listed = await next.runs.list(userId, { limit: 20 });
      assert.deepEqual(
        listed.runs.map((r) => [r.runId, r.status]).sort(),
        mine.map((r) => [r.runId, r.runKind === 'quick' ? 'completed' : 'dead']).sort(),
        `${userId}: every run is listed with its final status`,
      );
    }
    assert.deepEqual(await next.runStore.listActive(), []);
  });
});
