import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { runEventsOf } from '../helpers/frame-schemas.js';
import { httpRequest } from '../helpers/http-client.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';
import { type FuzzFrame, fuzzFrame } from './frame-arbitraries.js';
import { longestLoopDelayMs, ms } from './load-probes.js';

/** Replay a failure with `RUNWIRE_FUZZ_SEED=<the printed seed> npm run test:robustness`. */
const SEED = Number(process.env.RUNWIRE_FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Batches of frames; the invariants are checked after each one. */
const BATCHES = Number(process.env.RUNWIRE_FUZZ_BATCHES ?? 80);
/** The fuzzer stops by itself after this long, whatever `BATCHES` says. */
const TIME_LIMIT_MS = 30_000;

/** Close codes the server may use on a connection that sends garbage: the abuse limit (1008). */
const ALLOWED_CLOSE_CODES = new Set([1008]);

/** What the server sent back, by error code or frame type. */
function replyKind(frame: Frame): string {
  if (frame.type === 'error') return `error:${String(frame.code)}`;
  return typeof frame.seq === 'number' ? 'run event' : frame.type;
}

describe('frame fuzzer against a live server', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ args: ['--shutdown-grace', '1s'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('never answers internal, stays up, and keeps other users served with contiguous seqs', async () => {
    console.log(`fuzz seed: ${SEED} (replay: RUNWIRE_FUZZ_SEED=${SEED} npm run test:robustness)`);
    const fuzzerToken = await server.token('fuzzer');
    const bystanders = await Promise.all(
      ['bob', 'carol'].map(async (userId) => TestClient.connect(server.wsUrl, await server.token(userId))),
    );
    let fuzzer = await TestClient.connect(server.wsUrl, fuzzerToken);
    const replies = new Map<string, number>();
    const closes = new Map<number, number>();
    let framesTried = 0;
    let batches = 0;
    await longestLoopDelayMs(server.url);

    /** Counts the fuzzer's replies, and fails on any `internal`. */
    const harvest = (client: TestClient, from: number, batch: readonly FuzzFrame[]): void => {
      for (const frame of client.frames.slice(from)) {
        const kind = replyKind(frame);
        replies.set(kind, (replies.get(kind) ?? 0) + 1);
        assert.notEqual(
          frame.code,
          'internal',
          `the server answered internal (seed ${SEED}); batch: ${JSON.stringify(batch).slice(0, 2_000)}`,
        );
      }
    };

    await fc.assert(
      fc.asyncProperty(fc.array(fuzzFrame, { minLength: 5, maxLength: 40 }), async (batch) => {
        batches++;
        if (fuzzer.closeCode !== undefined) {
          assert.ok(ALLOWED_CLOSE_CODES.has(fuzzer.closeCode), `the fuzzer's socket closed with ${fuzzer.closeCode}`);
          closes.set(fuzzer.closeCode, (closes.get(fuzzer.closeCode) ?? 0) + 1);
          fuzzer = await TestClient.connect(server.wsUrl, fuzzerToken);
        }
        const from = fuzzer.frames.length;
        for (const frame of batch) {
          if (fuzzer.closeCode !== undefined) break;
          if (frame.kind === 'text') fuzzer.sendRaw(frame.text);
          else fuzzer.sendRaw(Buffer.from(frame.bytes), true);
          framesTried++;
        }
        // The batch is done when a last ping comes back (or the socket was closed for abuse).
        if (fuzzer.closeCode === undefined) {
          const sentinel = `sentinel-${batches}`;
          fuzzer.sendRaw(JSON.stringify({ type: 'ping', id: sentinel }));
          await fuzzer.waitUntil(
            () => fuzzer.closeCode !== undefined || fuzzer.frames.some((f) => f.id === sentinel),
            10_000,
            'the end of the batch',
          );
          await new Promise((resolve) => setTimeout(resolve, 20)); // replies of handlers that awaited a store
        }
        harvest(fuzzer, from, batch);

        // Invariants: the process is alive and answers /health; the other users' connections are open, their runs
        // complete, and each one's events carry contiguous seqs from 1.
        assert.equal(server.child.exitCode, null, 'the server process exited');
        assert.equal((await httpRequest(`${server.url}/health`, { timeoutMs: 5_000 })).status, 200);
        await Promise.all(
          bystanders.map(async (client) => {
            assert.equal(client.closeCode, undefined, "a bystander's connection closed");
            const ack = await client.request({
              type: 'start_agent',
              agent: 'echo',
              input: { text: `batch ${batches}`, steps: 1 },
            });
            assert.equal(ack.type, 'ack', JSON.stringify(ack));
            const end = await client.waitForTerminal(ack.runId as string, 10_000);
            assert.equal(end.type, 'agent_completed', JSON.stringify(end));
            assertRunEventRules(runEventsOf(client.frames), { firstSeq: 1 });
          }),
        );
      }),
      { seed: SEED, numRuns: BATCHES, endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );

    const byCode = Object.fromEntries([...replies].sort((a, b) => b[1] - a[1]));
    console.log(
      `fuzz: ${framesTried} frames tried in ${batches} batches; replies by code ${JSON.stringify(byCode)}; ` +
        `fuzzer sockets closed by the server ${JSON.stringify(Object.fromEntries(closes))}; ` +
        `longest server event-loop delay ${ms(await longestLoopDelayMs(server.url))}`,
    );
    assert.ok(framesTried > 0);
    assert.equal(replies.get('error:internal'), undefined);
    await Promise.all([fuzzer.close(), ...bystanders.map((c) => c.close())]);
  });
});
