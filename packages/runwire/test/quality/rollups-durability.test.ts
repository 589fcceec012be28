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

/** A checker run as `runwire report --check` submits it. */
const checkRun = (path: string, score: number) => ({
  path,
  score,
  concepts: 12,
  violated: 1,
  findings: 2,
  byRule: { 'duplicate-shape': 2 },
});

/** The SSOT section of `node`'s report for `path`. */
async function checkSection(node: ServerProcess, path: string): Promise<{ current: { score: number } | null }> {
  const report = await httpRequest(`${node.url}/api/admin/report?since=1d&check=${encodeURIComponent(path)}`, {
    token: await node.token('ops'),
  });
  assert.equal(report.status, 200, report.text);
  return (report.json as { check: { current: { score: number } | null } }).check;
}

describe('quality rollups that last', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('survive a restart on SQLite, and the next runs add to them', async () => {
    const dir = tempDir('runwire-rollups-');
    cleanups.push(() => dir.remove());
    const args = ['--store', 'sqlite', '--db', join(dir.path, 'runwire.db'), '--admin-users', 'ops'];
    const first = await startServerProcess({ args });
    cleanups.push(() => first.stop('SIGKILL'));
    const submitted = await httpRequest(`${first.url}/api/admin/check-scores`, {
      method: 'POST',
      token: await first.token('ops'),
      body: checkRun('src', 97.5),
    });
    assert.equal(submitted.status, 201, submitted.text);
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
    assert.equal((await checkSection(second, 'src')).current?.score, 97.5, 'the check score survived the restart');
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
    const submitted = await httpRequest(`${b.url}/api/admin/check-scores`, {
      method: 'POST',
      token: await b.token('ops'),
      body: checkRun('packages/runwire/src', 88),
    });
    assert.equal(submitted.status, 201, submitted.text);
    assert.equal((await checkSection(a, 'packages/runwire/src')).current?.score, 88, 'node a reads what b recorded');
  });
});
