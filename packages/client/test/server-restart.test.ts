import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ServerProcess, startServerProcess, tempDir } from '../../runwire/test/helpers/server-process.js';
import { RunError, type RunEvent } from '../src/index.js';
import { collect, freePort, record, seqGaps, testClient, until } from './harness.js';

describe('@runwire/client across a server that dies or hangs', () => {
  it('hands out exactly the events the log holds, in order, once, across SIGKILLs and restarts', async (t) => {
    const dir = tempDir('runwire-client-');
    t.after(() => dir.remove());
    const port = await freePort();
    const start = (): Promise<ServerProcess> =>
      startServerProcess({ args: ['--port', String(port), '--store', 'sqlite', '--db', join(dir.path, 'runwire.db')] });
    let server = await start();
    t.after(() => server.stop('SIGKILL'));
    const client = testClient(t, { url: server.wsUrl, token: () => server.token('alice') });
    const seen = record(client);

    // Runs are long enough (100 thinking steps, 15 ms apart) that each kill lands mid-run.
    const runs = [];
    const kills = 5;
    for (let k = 0; k < kills; k++) {
      const run = await client.startAgent('echo', { text: `run ${k}`, steps: 100, delayMs: 15 });
      runs.push(run);
      const before = seen.events.length;
      await until(() => seen.events.length > before + 20, 'the run to be under way');
      await server.stop('SIGKILL');
      server = await start();
      await until(() => client.status === 'open', 'the client to come back', 20_000);
    }
    // The runs in flight at each kill end as dead (node_restarted) when the server comes back.
    for (const run of runs) {
      await assert.rejects(run.result, (error: unknown) => {
        assert.ok(error instanceof RunError, String(error));
        assert.equal(error.status, 'dead');
        assert.equal(error.code, 'node_restarted');
        return true;
      });
    }
    const last = await client.startAgent('echo', { text: 'after the storm', steps: 3 });
    assert.equal(await last.result, 'after the storm');
    const lastEvents = await collect(last.events);
    assert.equal(lastEvents.length, 7);
    assert.ok(seen.reconnects() >= kills);

    // The truth: a fresh client replays the user's whole log from the start.
    const auditor = testClient(t, { url: server.wsUrl, token: () => server.token('alice'), resumeAfter: 0 });
    const logged = record(auditor);
    await auditor.connect();
    await until(() => logged.events.length > 0 && logged.events.at(-1)?.seq === client.lastSeq, 'the replay');
    const key = (e: RunEvent): string => `${e.seq} ${e.runId} ${e.type}`;
    assert.deepEqual(seqGaps(seen.events), []);
    assert.equal(seen.events[0]?.seq, 1);
    assert.deepEqual(seen.events.map(key), logged.events.map(key));
  });

  it('notices a server that stopped answering (SIGSTOP: the TCP connection stays open) and comes back when it resumes', async (t) => {
    const server = await startServerProcess();
    t.after(() => server.stop('SIGKILL'));
    const client = testClient(t, {
      url: server.wsUrl,
      token: () => server.token('alice'),
      livenessMs: 300,
      connectTimeoutMs: 500,
    });
    const statuses: string[] = [];
    client.on('status', (s) => statuses.push(s));
    const first = await client.startAgent('echo', { text: 'before', steps: 1 });
    assert.equal(await first.result, 'before');
    server.child.kill('SIGSTOP');
    try {
      await until(() => client.status === 'reconnecting', 'the client to give the silent connection up', 5000);
    } finally {
      server.child.kill('SIGCONT');
    }
    await until(() => client.status === 'open', 'the client to come back', 15_000);
    const second = await client.startAgent('echo', { text: 'after', steps: 1 });
    assert.equal(await second.result, 'after');
    assert.deepEqual(statuses.slice(0, 3), ['connecting', 'open', 'reconnecting']);
    assert.equal(statuses.at(-1), 'open');
  });
});
