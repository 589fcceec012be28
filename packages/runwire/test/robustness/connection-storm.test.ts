import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { BYSTANDER_SERVER_ARGS, measureBystander } from './bystander-measure.js';
import { connectionStorm } from './load-probes.js';

describe('a 500-socket connection storm', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ args: BYSTANDER_SERVER_ARGS });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  /** One storm with a fresh bystander; the figures and whether the bystander's p99 stayed under the bound. */
  async function storm(attempt: number): Promise<boolean> {
    // The storm's 500 sockets are opened by a process of its own at the lowest priority (see runLoadClient): the
    // attacker's CPU is not the server's, as on separate machines. The server runs in its own process too, and the
    // bystander's round trips are timed here, from send to reply.
    const measured = await measureBystander(server, async () =>
      connectionStorm({
        wsUrl: server.wsUrl,
        token: await server.token('stormer'),
        count: 500,
        holdMs: 300,
        timeoutMs: 15_000,
      }),
    );
    const outcomes = measured.attack;
    console.log(`storm (attempt ${attempt}): 500 sockets → ${JSON.stringify(outcomes)}; ${measured.report}`);
    assert.equal(measured.bystanderCloseCode, undefined, "the bystander's connection closed");
    assert.equal(outcomes.timeout, undefined, 'some storm sockets got no answer at all');
    assert.ok(
      outcomes['101'] !== undefined && outcomes['429'] !== undefined,
      'the storm was neither admitted nor refused',
    );
    return measured.passed;
  }

  it("keeps another user's established connection answering pings quickly", async () => {
    // A second storm when the first one's p99 missed: on a shared machine one stall of another process can cost the
    // first; an unfair server misses both (before issue 15's fixes every storm gave 150–280 ms).
    const passed = (await storm(1)) || (await storm(2));
    assert.ok(passed, "the bystander's ping p99 missed the bound in both storms (figures above)");
  });
});
