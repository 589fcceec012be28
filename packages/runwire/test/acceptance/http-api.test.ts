import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runEventSchema } from '../../src/protocol/run-events.js';
import { runSnapshotSchema } from '../../src/protocol/server-frames.js';
import { httpRequest, metricSample } from '../helpers/http-client.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

/** The metrics docs/protocol.md §7 and issue 3 ask for (connections, frames, runs, durations, denials, rate limits). */
const METRIC_NAMES = [
  'runwire_connections',
  'runwire_connections_opened_total',
  'runwire_upgrades_refused_total',
  'runwire_frames_received_total',
  'runwire_frames_sent_total',
  'runwire_frame_errors_total',
  'runwire_rate_limited_frames_total',
  'runwire_runs',
  'runwire_runs_ended_total',
  'runwire_run_duration_seconds',
  'runwire_time_to_first_event_seconds',
  'runwire_tracker_blocked_constructions_total',
  'runwire_denied_cross_user_access_total',
];

describe('HTTP API of a real server process', () => {
  let server: ServerProcess;
  let client: TestClient;
  let token: string;
  let runs: Array<Frame & { runId: string }>;
  before(async () => {
    server = await startServerProcess();
    token = await server.token('http-alice-7f3a9c');
    client = await TestClient.connect(server.wsUrl, token);
    runs = [];
    for (const text of ['one', 'two', 'three']) {
      const ack = await client.request({ type: 'start_agent', agent: 'echo', input: { text, steps: 2 } });
      assert.equal(ack.type, 'ack');
      runs.push(ack as Frame & { runId: string });
      await client.waitForTerminal(ack.runId as string);
    }
  });
  after(async () => {
    await client.close();
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('answers /health with 200 {status:"ok"} and /health/ready with 200 and its checks', async () => {
    const health = await httpRequest(`${server.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok' });
    const ready = await httpRequest(`${server.url}/health/ready`);
    assert.equal(ready.status, 200);
    const body = ready.json as { status?: string; checks?: Record<string, unknown> };
    assert.equal(body.status, 'ready');
    assert.equal(body.checks?.store, true);
    assert.equal(body.checks?.bus, true);
  });

  it('exposes the metrics in Prometheus text format, without user ids or run ids', async () => {
    // A denied cross-user read, so the counter has something to count.
    const mallory = await server.token('http-mallory-7f3a9c');
    await httpRequest(`${server.url}/api/runs/${runs[0]?.runId}`, { token: mallory });
    const metrics = await httpRequest(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    for (const name of METRIC_NAMES) assert.match(metrics.text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    assert.ok((metricSample(metrics.text, 'runwire_denied_cross_user_access_total') ?? 0) >= 1);
    assert.equal(metricSample(metrics.text, 'runwire_runs_ended_total', { state: 'completed' }), 3);
    assert.equal(metricSample(metrics.text, 'runwire_frames_received_total', { type: 'start_agent' }), 3);
    assert.equal(metricSample(metrics.text, 'runwire_connections'), 1);
    assert.ok((metricSample(metrics.text, 'runwire_run_duration_seconds_count', { status: 'completed' }) ?? 0) >= 3);
    for (const secret of ['7f3a9c', ...runs.map((r) => r.runId), ...runs.map((r) => r.threadId as string)]) {
      assert.ok(!metrics.text.includes(secret), `the metrics text contains '${secret}'`);
    }
    const connectionId = client.frames[0]?.connectionId as string;
    assert.ok(!metrics.text.includes(connectionId), 'the metrics text contains a connection id');
  });

  it("lists the caller's runs newest first with a cursor, and filters by status and thread", async () => {
    const page = await httpRequest(`${server.url}/api/runs?limit=2`, { token });
    assert.equal(page.status, 200, page.text);
    const body = page.json as { runs: unknown[]; next?: string };
    assert.equal(body.runs.length, 2);
    for (const run of body.runs) runSnapshotSchema.parse(run);
    const ids = (body.runs as Array<{ runId: string }>).map((r) => r.runId);
    assert.deepEqual(ids, [runs[2]?.runId, runs[1]?.runId]);
    assert.equal(typeof body.next, 'string');
    const rest = await httpRequest(`${server.url}/api/runs?limit=2&before=${encodeURIComponent(body.next ?? '')}`, {
      token,
    });
    assert.deepEqual(
      (rest.json as { runs: Array<{ runId: string }> }).runs.map((r) => r.runId),
      [runs[0]?.runId],
    );
    const byThread = await httpRequest(`${server.url}/api/runs?threadId=${runs[1]?.threadId}`, { token });
    assert.deepEqual(
      (byThread.json as { runs: Array<{ runId: string }> }).runs.map((r) => r.runId),
      [runs[1]?.runId],
    );
    const running = await httpRequest(`${server.url}/api/runs?status=running`, { token });
    assert.deepEqual((running.json as { runs: unknown[] }).runs, []);
    const otherUser = await httpRequest(`${server.url}/api/runs`, { token: await server.token('http-bob') });
    assert.deepEqual((otherUser.json as { runs: unknown[] }).runs, []);
  });

  it('answers a bad query with 400 bad_request', async () => {
    for (const query of ['limit=0', 'limit=101', 'status=sleeping', 'color=blue', 'before=nonsense']) {
      const answer = await httpRequest(`${server.url}/api/runs?${query}`, { token });
      assert.equal(answer.status, 400, `${query}: ${answer.text}`);
      assert.equal((answer.json as { error?: { code?: string } }).error?.code, 'bad_request', query);
    }
  });

  it('returns one run as its snapshot and its retained events in order', async () => {
    const run = runs[0] as Frame & { runId: string };
    const snapshot = await httpRequest(`${server.url}/api/runs/${run.runId}`, { token });
    assert.equal(snapshot.status, 200);
    const parsed = runSnapshotSchema.parse(snapshot.json);
    assert.equal(parsed.status, 'completed');
    assert.equal(parsed.finalResponse, 'one');
    const events = await httpRequest(`${server.url}/api/runs/${run.runId}/events`, { token });
    assert.equal(events.status, 200);
    const list = (events.json as { events: unknown[] }).events.map((e) => runEventSchema.parse(e));
    assert.deepEqual(list, client.events(run.runId), 'REST and the socket disagree on the run events');
    assertRunEventRules(list);
    assert.equal(list.at(-1)?.seq, parsed.lastSeq);
  });

  it('cancels a running run over REST, idempotently, and the socket sees agent_cancelled', async () => {
    const ack = await client.request({
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'x', steps: 20, delayMs: 100 },
    });
    await client.waitFor((f) => f.runId === ack.runId && f.type === 'agent_started');
    const first = await httpRequest(`${server.url}/api/runs/${ack.runId}/cancel`, { method: 'POST', token });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json, { runId: ack.runId, status: 'cancelled' });
    const cancelled = await client.waitForTerminal(ack.runId as string);
    assert.equal(cancelled.type, 'agent_cancelled');
    assert.equal(cancelled.reason, 'user');
    const again = await httpRequest(`${server.url}/api/runs/${ack.runId}/cancel`, { method: 'POST', token });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, { runId: ack.runId, status: 'cancelled' });
  });

  it('refuses /api without a valid token, and with a token in the query string, with 401', async () => {
    const url = `${server.url}/api/runs`;
    const answers = {
      none: await httpRequest(url),
      garbage: await httpRequest(url, { token: 'garbage' }),
      'query string': await httpRequest(`${url}?token=${token}`),
      'query string and header': await httpRequest(`${url}?access_token=${token}`, { token }),
    };
    for (const [what, answer] of Object.entries(answers)) {
      assert.equal(answer.status, 401, `${what}: ${answer.text}`);
      assert.equal((answer.json as { error?: { code?: string } }).error?.code, 'unauthenticated', what);
    }
    // The messages name what an HTTP client can send: the header, never the WebSocket subprotocols.
    assert.deepEqual(answers.none.json, {
      error: { code: 'unauthenticated', message: 'No token: send the header "Authorization: Bearer <token>"' },
    });
    assert.deepEqual(answers['query string'].json, {
      error: {
        code: 'unauthenticated',
        message: 'Tokens in the query string are refused; send the header "Authorization: Bearer <token>"',
      },
    });
  });

  it('answers an unknown route with 404 not_found', async () => {
    const answer = await httpRequest(`${server.url}/api/nothing-here`, { token });
    assert.equal(answer.status, 404);
    assert.equal((answer.json as { error?: { code?: string } }).error?.code, 'not_found');
  });
});
