import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { TestClient } from '../helpers/ws-client.js';

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

/** Opens `count` sockets at once for one user from a worker thread; resolves with the outcomes (`101`, `429`, …). */
export function connectionStorm(options: {
  wsUrl: string;
  token: string;
  count: number;
  holdMs: number;
  timeoutMs: number;
}): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./storm-worker.mjs', import.meta.url), { workerData: options });
    worker.once('message', (summary: Record<string, number>) => resolve(summary));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`storm worker exited with ${code}`));
    });
  });
}

/** `ms` rounded to a tenth, for the suite's printed figures. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
