import { createServer } from 'node:net';
import type { RunEvent } from '../src/index.js';
import { RunwireClient, type RunwireClientOptions } from '../src/index.js';

/** Fast reconnects for tests: the backoff shape is the same, only the scale is smaller. */
export const FAST_BACKOFF = { initialMs: 20, maxMs: 200 } as const;

/** A client on `url` with fast reconnects, closed when the test ends. */
export function testClient(
  t: { after(fn: () => void): void },
  options: Omit<RunwireClientOptions, 'backoff'>,
): RunwireClient {
  const client = new RunwireClient({ backoff: FAST_BACKOFF, ...options });
  t.after(() => client.close());
  return client;
}

/** Everything a client handed to `on('event')`, with the number of reconnects it made. */
export function record(client: RunwireClient): { events: RunEvent[]; reconnects: () => number } {
  const events: RunEvent[] = [];
  let reconnects = 0;
  client.on('event', (e) => events.push(e));
  client.on('status', (s) => {
    if (s === 'reconnecting') reconnects++;
  });
  return { events, reconnects: () => reconnects };
}

/** Waits until `probe` is true, polling; fails after `timeoutMs` with `what`. */
export async function until(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Collects a run's events through its async iterator. */
export async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Asserts-friendly list of seqs that are not exactly previous + 1. */
export function seqGaps(events: readonly RunEvent[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < events.length; i++) {
    const prev = events[i - 1]!.seq;
    const seq = events[i]!.seq;
    if (seq !== prev + 1) problems.push(`${prev} -> ${seq}`);
  }
  return problems;
}

/** A free loopback port (for a server that must come back on the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
