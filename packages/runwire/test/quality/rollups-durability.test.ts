import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { httpRequest } from '../helpers/http-client.js';
import { startServerCluster } from '../helpers/server-cluster.js';
import { type ServerProcess, startServerProcess, tempDir } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';
import { SHARED_REDIS_URL } from '../stores/redis-test-server.js';

/** Runs one echo run of `userId` on `node` to its end. */
async function echoRun(node: ServerProcess, userId: string): Promise<void> {
  const client = await TestClient.connect(node.wsUrl, await node.token(userId));
  try {
    const ack = await client.request({ type: 'start_agent', agent: 'echo', input: { text: 'x', steps: 1 } });
    await client.waitForTerminal(ack.runId as string);
  } finally {
    await client.close();
  }
}

/** The user's quality metrics on `node`, asked again until `runs` runs are counted. */
async function metricsWith(node: ServerProcess, userId: string, runs: number): Promise<Frame> {
  const client = await TestClient.connect(node.wsUrl, await node.token(userId));
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      const frame = await client.request({ type: 'get_quality_metrics' });
      const counted = (frame.agents as Array<{ runs: number }>).reduce((sum, a) => sum + a.runs, 0);
      if (counted === runs) return frame;
      if (Date.now() > deadline) assert.fail(`expected ${runs} runs, got ${JSON.stringify(frame)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await client.close();
  }
}

describe('quality rollups that last', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('survive a restart on SQLite, and the next runs add to them', async () => {
    const dir = tempDir('runwire-rollups-');
    cleanups.push(() => dir.remove());
    const args = ['--store', 'sqlite', '--db', join(dir.path, 'runwire.db')];
    const first = await startServerProcess({ args });
    cleanups.push(() => first.stop('SIGKILL'));
    await echoRun(first, 'dur-alice');
    await echoRun(first, 'dur-alice');
    await metricsWith(first, 'dur-alice', 2);
    assert.equal(await first.stop('SIGTERM'), 0);

    const second = await startServerProcess({ args });
    cleanups.push(() => second.stop('SIGKILL'));
    const kept = await metricsWith(second, 'dur-alice', 2);
    assert.deepEqual(
      (kept.agents as Array<{ agent: string; tools: unknown }>).map((a) => [a.agent, a.tools]),
      [['echo', { clock: { calls: 2, failures: 0 } }]],
    );
    await echoRun(second, 'dur-alice');
    await metricsWith(second, 'dur-alice', 3);
    await metricsWith(second, 'dur-bob', 0);
  });

  it('are merged across two nodes on Redis: each node reads the runs of both', async () => {
    const cluster = await startServerCluster({ count: 2, redisUrl: SHARED_REDIS_URL, args: ['--admin-users', 'ops'] });
    cleanups.push(() => cluster.stop());
    const [a, b] = cluster.nodes as [ServerProcess, ServerProcess];
    await echoRun(a, 'node-alice');
    await echoRun(b, 'node-alice');
    await echoRun(b, 'node-bob');
    await metricsWith(a, 'node-alice', 2);
    await metricsWith(b, 'node-alice', 2);
    await metricsWith(a, 'node-bob', 1);
    const report = await httpRequest(`${a.url}/api/admin/report?since=1d`, { token: await a.token('ops') });
    assert.equal(report.status, 200, report.text);
    assert.equal((report.json as { runs: { total: { current: number } } }).runs.total.current, 3);
  });
});
