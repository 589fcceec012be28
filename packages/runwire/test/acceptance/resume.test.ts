import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { assertServerFrame, assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { httpRequest } from '../helpers/http-client.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

/** Polls the run over REST until its `lastSeq` reaches `seq` (the run went on while the client was away). */
async function waitForLastSeq(server: ServerProcess, token: string, runId: string, seq: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const answer = await httpRequest(`${server.url}/api/runs/${runId}`, { token });
    if (((answer.json as { lastSeq?: number }).lastSeq ?? 0) >= seq) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} did not reach seq ${seq}`);
}

/**
 * Asserts the frames of a resumed stream from `fromIndex` on: events `after + 1 …` contiguous and each once, then
 * `resumed {after, lastSeq}` right after the last replayed one, then live events continuing the same sequence.
 * Returns how many events were replayed and how many came live.
 */
function assertResumedStream(frames: readonly Frame[], after: number): { replayed: number; live: number } {
  const resumedAt = frames.findIndex((f) => f.type === 'resumed');
  assert.ok(resumedAt >= 0, 'no resumed frame');
  const resumed = frames[resumedAt] as Frame;
  assertServerFrame(resumed);
  assert.equal(resumed.after, after);
  const events = runEventsOf(frames);
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => after + 1 + i),
    'the events after the resume point are not each seq once, in order',
  );
  const replayed = runEventsOf(frames.slice(0, resumedAt));
  assert.equal(resumed.lastSeq, replayed.at(-1)?.seq ?? after, 'resumed.lastSeq is not the last replayed seq');
  return { replayed: replayed.length, live: events.length - replayed.length };
}

describe('resuming after a dropped connection', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  /**
   * Starts a slow echo run, drops the socket after its 3rd event, waits until the run has gone on for 3 more events,
   * and returns what the dropped client had seen.
   */
  async function dropMidRun(userId: string): Promise<{ token: string; runId: string; seen: RunEvent[] }> {
    const token = await server.token(userId);
    const client = await TestClient.connect(server.wsUrl, token);
    const ack = await client.request({
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'resumed', steps: 12, delayMs: 120 },
    });
    assert.equal(ack.type, 'ack');
    const runId = ack.runId as string;
    await client.waitUntil(() => client.events(runId).length >= 3);
    client.drop();
    await client.closed;
    const seen = runEventsOf(client.frames);
    const lastSeen = seen.at(-1)?.seq ?? 0;
    await waitForLastSeq(server, token, runId, lastSeen + 3);
    return { token, runId, seen };
  }

  it('with ?after=N: replays every missed event once, in order, then resumed, then live events', async () => {
    const { token, runId, seen } = await dropMidRun('resume-query');
    const last = seen.at(-1)?.seq ?? 0;
    const client = await TestClient.connect(server.wsUrl, token, { after: last });
    try {
      await client.waitForTerminal(runId);
      assertServerFrames(client.frames);
      const { replayed, live } = assertResumedStream(client.frames.slice(1), last);
      assert.ok(replayed >= 3, `only ${replayed} events were replayed`);
      assert.ok(live >= 1, 'no live event followed the replay');
      assertRunEventRules([...seen, ...runEventsOf(client.frames)], { firstSeq: 1 });
    } finally {
      await client.close();
    }
  });

  it('with the resume frame: replays every missed event once, in order, then resumed with its id, then live events', async () => {
    const { token, runId, seen } = await dropMidRun('resume-frame');
    const last = seen.at(-1)?.seq ?? 0;
    const client = await TestClient.connect(server.wsUrl, token);
    try {
      const id = client.send({ type: 'resume', after: last });
      await client.waitForTerminal(runId);
      assertServerFrames(client.frames);
      // Live events may reach the new connection before its resume is handled; the resumed stream starts at after+1.
      const restart = client.frames.findIndex((f) => f.seq === last + 1);
      assert.ok(restart > 0, 'the missed events were not replayed');
      const stream = client.frames.slice(restart);
      const { replayed, live } = assertResumedStream(stream, last);
      assert.equal(stream.find((f) => f.type === 'resumed')?.id, id);
      assert.ok(replayed >= 3, `only ${replayed} events were replayed`);
      assert.ok(live >= 1, 'no live event followed the replay');
      assertRunEventRules([...seen, ...runEventsOf(stream)], { firstSeq: 1 });
    } finally {
      await client.close();
    }
  });

  it('resumes at the newest seq with nothing to replay', async () => {
    const token = await server.token('resume-empty');
    const client = await TestClient.connect(server.wsUrl, token, { after: 0 });
    try {
      const resumed = await client.waitFor((f) => f.type === 'resumed');
      assertServerFrame(resumed);
      assert.deepEqual({ after: resumed.after, lastSeq: resumed.lastSeq }, { after: 0, lastSeq: 0 });
    } finally {
      await client.close();
    }
  });
});

describe('resuming outside the retained window (--event-retention-count 5)', () => {
  let server: ServerProcess;
  let token: string;
  let lastSeq: number;
  before(async () => {
    server = await startServerProcess({ args: ['--event-retention-count', '5'] });
    token = await server.token('retained');
    const client = await TestClient.connect(server.wsUrl, token);
    const ack = await client.request({ type: 'start_agent', agent: 'echo', input: { text: 'many', steps: 8 } });
    await client.waitForTerminal(ack.runId as string);
    lastSeq = client.events().at(-1)?.seq as number;
    await client.close();
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('answers resume older than retained with resync_required {oldestSeq, lastSeq}, by frame and by ?after', async () => {
    const oldest = lastSeq - 4;
    const client = await TestClient.connect(server.wsUrl, token);
    try {
      const resync = await client.request({ type: 'resume', after: oldest - 2 });
      assertServerFrame(resync);
      assert.equal(resync.type, 'resync_required');
      assert.deepEqual({ oldestSeq: resync.oldestSeq, lastSeq: resync.lastSeq }, { oldestSeq: oldest, lastSeq });
      // The client reloads and resumes from lastSeq: nothing to replay.
      const id = client.send({ type: 'resume', after: lastSeq });
      const resumed = await client.waitFor((f) => f.id === id && f.type === 'resumed');
      assert.deepEqual({ type: resumed.type, lastSeq: resumed.lastSeq }, { type: 'resumed', lastSeq });
      assert.equal(client.events().length, 0);
    } finally {
      await client.close();
    }
    const byQuery = await TestClient.connect(server.wsUrl, token, { after: 1 });
    try {
      const resync = await byQuery.waitFor((f) => f.type === 'resync_required');
      assertServerFrame(resync);
      assert.deepEqual({ oldestSeq: resync.oldestSeq, lastSeq: resync.lastSeq }, { oldestSeq: oldest, lastSeq });
    } finally {
      await byQuery.close();
    }
  });

  it('replays all retained events when N is just before the oldest retained one', async () => {
    const oldest = lastSeq - 4;
    const client = await TestClient.connect(server.wsUrl, token);
    try {
      const id = client.send({ type: 'resume', after: oldest - 1 });
      const resumed = await client.waitFor((f) => f.id === id);
      assert.equal(resumed.type, 'resumed');
      assert.deepEqual(
        client.events().map((e) => e.seq),
        [oldest, oldest + 1, oldest + 2, oldest + 3, oldest + 4],
      );
    } finally {
      await client.close();
    }
  });

  it('answers resume past lastSeq with resync_required', async () => {
    const client = await TestClient.connect(server.wsUrl, token);
    try {
      const resync = await client.request({ type: 'resume', after: lastSeq + 1 });
      assertServerFrame(resync);
      assert.equal(resync.type, 'resync_required');
      assert.equal(resync.lastSeq, lastSeq);
    } finally {
      await client.close();
    }
  });
});
