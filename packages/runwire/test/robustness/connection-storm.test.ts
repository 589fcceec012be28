import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import {
  assertedP99Ms,
  connectionStorm,
  longestLoopDelayMs,
  ms,
  P99_TARGET_MS,
  PingProbe,
  percentile,
} from './load-probes.js';
import { describeRunQueueWait, RunQueueWaits } from './run-queue-wait.js';

describe('a 500-socket connection storm', () => {
  let server: ServerProcess;
  before(async () => {
    // The bystander pings every few ms, above the default 50 frames/s of one connection.
    server = await startServerProcess({ args: ['--rate-limit', '1000', '--rate-burst', '1000'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  /** One storm with a fresh bystander; the figures and whether the bystander's p99 stayed under the bound. */
  async function storm(attempt: number): Promise<boolean> {
    const probe = await PingProbe.start(server.wsUrl, await server.token('bystander'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const quiet = percentile(probe.samples(), 99);
    probe.reset();
    await longestLoopDelayMs(server.url);
    const waits = new RunQueueWaits(server.child.pid as number);
    // The storm's 500 sockets are opened by a process of its own at the lowest priority (see runLoadClient): the
    // attacker's CPU is not the server's, as on separate machines. The server runs in its own process too, and the
    // bystander's round trips are timed here, from send to reply.
    const outcomes = await connectionStorm({
      wsUrl: server.wsUrl,
      token: await server.token('stormer'),
      count: 500,
      holdMs: 300,
      timeoutMs: 15_000,
    });
    const loopDelay = await longestLoopDelayMs(server.url);
    const samples = await probe.stop();
    const p99 = percentile(samples, 99);
    const wait = waits.read();
    const bound = assertedP99Ms(quiet, wait);
    console.log(
      `storm (attempt ${attempt}): 500 sockets → ${JSON.stringify(outcomes)}; bystander ping p50 ` +
        `${ms(percentile(samples, 50))}, p99 ${ms(p99)} (target ${P99_TARGET_MS} ms: ` +
        `${p99 < P99_TARGET_MS ? 'met' : 'missed'}; asserted < ${ms(bound.ms)}, ${bound.why}; quiet p99 ${ms(quiet)}, ` +
        `${samples.length} pings); longest server event-loop delay ${ms(loopDelay)}; ${describeRunQueueWait(wait)}`,
    );
    assert.equal(probe.client.closeCode, undefined, "the bystander's connection closed");
    assert.equal(outcomes.timeout, undefined, 'some storm sockets got no answer at all');
    assert.ok(
      outcomes['101'] !== undefined && outcomes['429'] !== undefined,
      'the storm was neither admitted nor refused',
    );
    await probe.client.close();
    return p99 < bound.ms;
  }

  it("keeps another user's established connection answering pings quickly", async () => {
    // A second storm when the first one's p99 missed: on a shared machine one stall of another process can cost the
    // first; an unfair server misses both (before issue 15's fixes every storm gave 150–280 ms).
    const passed = (await storm(1)) || (await storm(2));
    assert.ok(passed, "the bystander's ping p99 missed the bound in both storms (figures above)");
  });
});
