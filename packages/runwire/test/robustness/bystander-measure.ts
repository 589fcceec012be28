import type { ServerProcess } from '../helpers/server-process.js';
import {
  type AssertedP99,
  assertedP99Ms,
  longestLoopDelayMs,
  ms,
  P99_TARGET_MS,
  PingProbe,
  percentile,
} from './load-probes.js';
import { describeRunQueueWait, RunQueueWaits } from './run-queue-wait.js';

/** Server flags a measured server needs: the bystander pings every few ms, above the default 50 frames/s. */
export const BYSTANDER_SERVER_ARGS: readonly string[] = ['--rate-limit', '1000', '--rate-burst', '1000'];

/** What another user saw while an attack ran, and the attack's own result. */
export interface BystanderMeasure<T> {
  readonly attack: T;
  readonly p99: number;
  readonly bound: AssertedP99;
  /** Whether the p99 stayed under the bound. */
  readonly passed: boolean;
  /** The bystander's close code if the server closed its connection during the attack (it must not). */
  readonly bystanderCloseCode: number | undefined;
  /** The bystander's figures, the longest event-loop delay and the CPU waits, for the suite's printed line. */
  readonly report: string;
}

/**
 * Times a fresh bystander's pings (user `bystander`) while `attack` runs against `server`: first 300 ms with nothing
 * else going on (the quiet p99), then during the attack, with the server's longest event-loop delay and how long the
 * server and the bystander waited for a CPU (which decides the asserted bound, see `assertedP99Ms`).
 */
export async function measureBystander<T>(
  server: ServerProcess,
  attack: () => Promise<T>,
): Promise<BystanderMeasure<T>> {
  const probe = await PingProbe.start(server.wsUrl, await server.token('bystander'));
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const quiet = percentile(probe.samples(), 99);
    probe.reset();
    await longestLoopDelayMs(server.url);
    const waits = new RunQueueWaits(server.child.pid as number);
    const result = await attack();
    const loopDelay = await longestLoopDelayMs(server.url);
    const samples = await probe.stop();
    const p99 = percentile(samples, 99);
    const wait = waits.read();
    const bound = assertedP99Ms(quiet, wait);
    const report =
      `bystander ping p50 ${ms(percentile(samples, 50))}, p99 ${ms(p99)} (target ${P99_TARGET_MS} ms: ` +
      `${p99 < P99_TARGET_MS ? 'met' : 'missed'}; asserted < ${ms(bound.ms)}, ${bound.why}; quiet p99 ${ms(quiet)}, ` +
      `${samples.length} pings); longest server event-loop delay ${ms(loopDelay)}; ${describeRunQueueWait(wait)}`;
    return {
      attack: result,
      p99,
      bound,
      passed: p99 < bound.ms,
      bystanderCloseCode: probe.client.closeCode,
      report,
    };
  } finally {
    // Also when the attack threw: the ping loop ends before its socket does.
    await probe.stop().catch(() => undefined);
    await probe.client.close();
  }
}
