import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../helpers/ws-client.js';
import type { RunQueueWait } from './run-queue-wait.js';

/**
 * Times `ping` → `pong` round trips of one established connection, one after another with `gapMs` between them,
 * until `stop()`: how long the server makes an innocent user wait while something else is going on.
 */
export class PingProbe {
  readonly #client: TestClient;
  readonly #samples: number[] = [];
  readonly #gapMs: number;
  #running = true;
  readonly #loop: Promise<void>;

  private constructor(client: TestClient, gapMs: number) {
    this.#client = client;
    this.#gapMs = gapMs;
    this.#loop = this.#run();
  }

  static async start(wsUrl: string, token: string, gapMs = 5): Promise<PingProbe> {
    return new PingProbe(await TestClient.connect(wsUrl, token), gapMs);
  }

  get client(): TestClient {
    return this.#client;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const started = performance.now();
      const pong = await this.#client.request({ type: 'ping' }, 10_000);
      if (pong.type !== 'pong') throw new Error(`ping answered ${JSON.stringify(pong)}`);
      this.#samples.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, this.#gapMs));
    }
  }

  /** Round trips measured from now on (forgets the ones before). */
  reset(): void {
    this.#samples.length = 0;
  }

  /** Stops after the round trip in flight; resolves with every round trip in ms since the last `reset`. */
  async stop(): Promise<number[]> {
    this.#running = false;
    await this.#loop;
    return [...this.#samples];
  }

  /** Round trips so far, without stopping. */
  samples(): number[] {
    return [...this.#samples];
  }
}

/** The `p`-th percentile (0–100) of `samples`, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Reads the server's longest event-loop delay (ms) since the previous read, from `/metrics`. */
export async function longestLoopDelayMs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^runwire_event_loop_delay_max_seconds ([\d.e+-]+)$/m.exec(text);
  if (match?.[1] === undefined) throw new Error('runwire_event_loop_delay_max_seconds is missing from /metrics');
  return Number(match[1]) * 1000;
}

/**
 * How far below normal the storm's and the flood's client processes run (`RUNWIRE_LOAD_CLIENT_NICE`, default 19, the
 * lowest priority; 0: the same as the server's).
 */
const LOAD_CLIENT_NICE = Number(process.env.RUNWIRE_LOAD_CLIENT_NICE ?? 19);

/**
 * Runs a load client script (`storm-client.mjs`, `flood-client.mjs`) as its own process with `options` as JSON in
 * argv[2], and resolves with the JSON it writes on stdout. Killed after `timeoutMs`, so a test never waits forever.
 *
 * Why a process at the lowest CPU priority: in reality the attacker's sockets are opened on another machine, and only
 * the server and the bystander are measured. Here all of them share the machine (2 cores in CI). Run in a worker
 * thread or a process of normal priority, the storm's own client (350–430 ms of CPU to start and open 500 sockets,
 * twice the server's 100–230 ms for handling them) took the server's core: during one storm the server's main thread
 * waited 100–330 ms in the run queue (`/proc/<pid>/schedstat`), and its long event-loop delays were mostly time with
 * almost no CPU (a 38 ms delay held 0.4 ms of work), time it was not scheduled at all. At nice 19 the client gets the
 * CPU that the server and the bystander leave idle, as on a machine of its own; it still opens all its sockets at
 * once, and the server still handles every one of them. The bystander's round trips are timed from send to reply.
 */
function runLoadClient<T>(script: string, options: object, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined && LOAD_CLIENT_NICE !== 0) setPriority(child.pid, LOAD_CLIENT_NICE);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(
          new Error(`${script} ended with ${code ?? signal} (killed after ${timeoutMs} ms?): ${stderr.slice(-2000)}`),
        );
        return;
      }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${script} wrote no summary: ${stdout.slice(0, 200)} ${stderr.slice(-2000)}`));
      }
    });
  });
}

/** Opens `count` sockets at once for one user from a client process; resolves with the outcomes (`101`, `429`, …). */
export function connectionStorm(options: {
  wsUrl: string;
  token: string;
  count: number;
  holdMs: number;
  timeoutMs: number;
}): Promise<Record<string, number>> {
  return runLoadClient('./storm-client.mjs', options, options.timeoutMs + options.holdMs + 15_000);
}

/** What a fault flood sent and what the server answered. */
export interface FloodResult {
  readonly sent: number;
  readonly replies: Record<string, number>;
  readonly closes: Record<string, number>;
}

/** Floods the server with `frame` from `attackers` connections of one user, from a client process, for `durationMs`. */
export function faultFlood(options: {
  wsUrl: string;
  token: string;
  attackers: number;
  durationMs: number;
  /** Frames per second per attacker; 0: as fast as the socket drains. */
  ratePerSecond: number;
  frame: string;
}): Promise<FloodResult> {
  return runLoadClient('./flood-client.mjs', options, options.durationMs + 30_000);
}

/** The target for another user's ping p99 during a storm or a flood (issue 15). */
export const P99_TARGET_MS = 20;

/**
 * The most the server and the bystander may each wait for a CPU during a measurement for the machine to count as
 * quiet, and the target to be asserted. A storm or a flood lasts 1–3 s; at 50 ms of waiting in all, other processes
 * left both nearly the whole machine.
 */
export const QUIET_MACHINE_WAIT_MS = 50;

/** The ping p99 a robustness test asserts, and why that one. */
export interface AssertedP99 {
  readonly ms: number;
  readonly why: string;
}

/**
 * The ping p99 a robustness test asserts:
 * - `RUNWIRE_ROBUSTNESS_P99_MS` when set (e.g. 20 on a machine known to be quiet);
 * - the target, 20 ms, when the machine was quiet during the measurement: neither the server nor the bystander
 *   waited more than `QUIET_MACHINE_WAIT_MS` for a CPU (`wait`, Linux only);
 * - else the larger of 100 ms and four times the p99 measured just before with nothing else going on. On this shared
 *   2-core machine other builds made the server wait 0.3–1.2 s for a CPU during one storm, and a quiet p99 alone
 *   reached 5–105 ms: a fixed 20 ms would measure the machine. An unfair server still fails (before the fixes of
 *   issue 15 the storm gave 150–280 ms over a quiet 8–16 ms).
 */
export function assertedP99Ms(quietP99: number, wait: RunQueueWait | undefined): AssertedP99 {
  const fixed = process.env.RUNWIRE_ROBUSTNESS_P99_MS;
  if (fixed !== undefined && fixed !== '') return { ms: Number(fixed), why: 'RUNWIRE_ROBUSTNESS_P99_MS' };
  if (wait !== undefined && wait.serverMs <= QUIET_MACHINE_WAIT_MS && wait.bystanderMs <= QUIET_MACHINE_WAIT_MS) {
    return { ms: P99_TARGET_MS, why: 'the target: the machine was quiet' };
  }
  return { ms: Math.max(100, 4 * quietP99), why: 'the machine was busy: 4 × quiet p99, at least 100 ms' };
}

/** `ms` rounded to a tenth, for the suite's printed figures. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
