import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { mintToken } from '../../src/auth/mint-token.js';
import { main } from '../../src/cli/main.js';
import { reportJsonSchema } from '../../src/quality/report-json-schema.js';
import { AgentExecutionTracker } from '../../src/tracker/execution-tracker.js';
import { launchChromium } from '../helpers/chromium.js';
import { failingAgent } from '../helpers/failing-agent.js';
import { httpRequest } from '../helpers/http-client.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';
import { TEST_SECRET } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

const SCHEMA_FILE = new URL('../../docs/report.schema.json', import.meta.url);
/** Kept for people to look at (git-ignored). */
const SCREENSHOT_DIR = new URL('../../../../.tmp/', import.meta.url);

type Report = {
  runs: { total: { current: number }; outcomes: { current: Record<string, number> } };
  agents: Array<{ agent: string }>;
  isolation: { blockedConstructions: { current: number }; deniedCrossUserAccesses: { current: number } };
  perDay: Array<{ runs: { current: number; previous: number; change: number }; previousDay: string }>;
  check?: {
    path: string;
    current: { score: number; byRule: Record<string, number> } | null;
    previous: { score: number; byRule: Record<string, number>; recordedAt: string } | null;
    change: { score: number; findings: number; byRule: Record<string, number> } | null;
  };
};

const DAY_MS = 86_400_000;

async function get(server: InProcessServer, path: string, token?: string) {
  return httpRequest(`${server.url}${path}`, {
    method: 'GET',
    ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
  });
}

/** Runs `runwire report` in this process, writing to a file; returns what it wrote. */
async function report(server: InProcessServer, token: string, format: string, dir: string, ...extra: string[]) {
  const out = join(dir, `report.${format}`);
  const code = await main([
    'node',
    'runwire',
    'report',
    '--url',
    server.url,
    '--token',
    token,
    '--format',
    format,
    '--out',
    out,
    ...extra,
  ]);
  assert.equal(code, undefined);
  return { out, text: readFileSync(out, 'utf8') };
}

describe('the weekly report: GET /api/admin/report and runwire report', () => {
  let server: InProcessServer;
  let admin: string;
  let dir: string;
  before(async () => {
    server = await startInProcessServer({ config: { adminUsers: 'ops,root' }, runtime: { agents: [failingAgent] } });
    admin = await server.token('ops');
    dir = mkdtempSync(join(tmpdir(), 'runwire-report-'));
    const alice = await TestClient.connect(server.wsUrl, await server.token('rep-alice'));
    const bob = await TestClient.connect(server.wsUrl, await server.token('rep-bob'));
    try {
      const ack = await alice.request({ type: 'start_agent', agent: 'echo', input: { text: 'hi', steps: 1 } });
      await alice.waitForTerminal(ack.runId as string);
      // A denied cross-user access and a blocked direct construction, counted server-wide.
      assert.equal(
        server.server.runtime.getExecutionTracker({ userId: 'rep-bob' }).getExecution(ack.runId as string),
        undefined,
      );
      assert.throws(() => new (AgentExecutionTracker as unknown as new () => object)());
      const failed = await bob.request({ type: 'start_agent', agent: 'failing', input: {} });
      await bob.waitForTerminal(failed.runId as string);
      await server.server.runtime.quality.recorder.flush();
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
  after(async () => {
    await server.close(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 without a token, 403 to a user who is not an admin, 400 to a bad period', async () => {
    const none = await get(server, '/api/admin/report');
    assert.equal(none.status, 401);
    const bob = await get(server, '/api/admin/report', await server.token('rep-bob'));
    assert.equal(bob.status, 403);
    assert.equal((bob.json as { error: { code: string } }).error.code, 'forbidden');
    assert.equal(JSON.stringify(bob.json).includes('runs'), false);
    const bad = await get(server, '/api/admin/report?since=forever', admin);
    assert.equal(bad.status, 400);
  });

  it('serves admins by --admin-users or by the runwire:admin claim, with every user and node summed', async () => {
    const byList = await get(server, '/api/admin/report?since=7d', admin);
    assert.equal(byList.status, 200, JSON.stringify(byList.json));
    const claim = await mintToken({ secret: TEST_SECRET, userId: 'auditor', ttlMs: 60_000, admin: true });
    const byClaim = await get(server, '/api/admin/report', claim);
    assert.equal(byClaim.status, 200);
    const body = byList.json as Report;
    assert.equal(body.runs.total.current, 2);
    assert.equal(body.runs.outcomes.current.completed, 1);
    assert.equal(body.runs.outcomes.current.failed, 1);
    assert.deepEqual(
      body.agents.map((a) => a.agent),
      ['echo', 'failing'],
    );
    assert.ok(body.isolation.deniedCrossUserAccesses.current >= 1);
    assert.ok(body.isolation.blockedConstructions.current >= 1);
    assert.equal(body.perDay.length, 7);
    const today = body.perDay.at(-1);
    assert.deepEqual(today?.runs, { current: 2, previous: 0, change: 2 });
    assert.equal(Date.parse(`${today?.previousDay}T00:00:00Z`), Date.now() - (Date.now() % DAY_MS) - 7 * DAY_MS);
  });

  it('records check scores for admins only (POST /api/admin/check-scores) and refuses a malformed one', async () => {
    const url = `${server.url}/api/admin/check-scores`;
    const run = { path: 'lib', score: 99, concepts: 3, violated: 0, findings: 0, byRule: {} };
    assert.equal((await httpRequest(url, { method: 'POST', body: run })).status, 401);
    const bob = await httpRequest(url, { method: 'POST', body: run, token: await server.token('rep-bob') });
    assert.equal(bob.status, 403);
    assert.equal((bob.json as { error: { code: string } }).error.code, 'forbidden');
    const bad = await httpRequest(url, { method: 'POST', body: { ...run, score: 101 }, token: admin });
    assert.equal(bad.status, 400);
    assert.equal(
      (bad.json as { error: { message: string } }).error.message,
      'Invalid check score: expected {path, score (0 to 100), concepts, violated, findings, byRule {rule: count}}',
    );
    const ok = await httpRequest(url, { method: 'POST', body: run, token: admin });
    assert.equal(ok.status, 201, ok.text);
    const recorded = await server.server.runtime.quality.checks.latest({
      path: 'lib',
      fromDay: '2000-01-01',
      toDay: '2999-12-31',
    });
    assert.equal(recorded?.score, 99);
    assert.equal(new Date(recorded?.recordedAt ?? 0).toISOString(), (ok.json as { recordedAt: string }).recordedAt);
  });

  it('writes JSON that the documented schema accepts (and the docs hold the schema the code has)', async () => {
    const documented = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(
      documented,
      JSON.parse(JSON.stringify(reportJsonSchema())),
      'run: npx tsx scripts/report-schema.ts',
    );
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(documented);
    const { text } = await report(server, admin, 'json', dir);
    const json = JSON.parse(text) as Report;
    assert.ok(validate(json), JSON.stringify(validate.errors));
    assert.equal(json.runs.total.current, 2);
    assert.equal(validate({ ...json, runs: { ...json.runs, total: { current: -1 } } }), false);
  });

  it('writes text and Markdown with outcomes by agent, latency and isolation', async () => {
    const { text } = await report(server, admin, 'text', dir);
    assert.match(text, /^Runwire weekly report: \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(7 days\)$/m);
    assert.match(text, /^denied cross-user accesses\s+\d+\s+0\s+\+\d+$/m);
    assert.match(text, /^echo\s+1\s+\+1\s+1\s+0\s+0\s+0\s+0\s+100\.0%/m);
    assert.match(text, /^time to first event\s+\d/m);
    const markdown = (await report(server, admin, 'markdown', dir)).text;
    assert.match(markdown, /^# Runwire weekly report/m);
    assert.match(markdown, /^\| failing \| 1 \| \+1 \| 0 \| 1 \| 0 \| 0 \| 0 \| 0\.0% \| — \|$/m);
  });

  it('records the SSOT score of --check PATH and compares it, by rule, with the latest of the previous period', async () => {
    const path = 'packages/runwire/src/quality';
    const checks = server.server.runtime.quality.checks;
    const lastWeek = Date.now() - 8 * DAY_MS;
    const old = { path, concepts: 30, violated: 2, findings: 3, byRule: { 'duplicate-shape': 3 } };
    await checks.record({ ...old, score: 85, recordedAt: lastWeek - 60_000 });
    await checks.record({ ...old, score: 90, recordedAt: lastWeek });
    const { text } = await report(server, admin, 'json', dir, '--check', `./${path}/`);
    const json = JSON.parse(text) as Report;
    assert.equal(json.check?.path, path, 'the path is kept as one key: ./x/ and x are the same');
    assert.equal(json.check?.current?.score, 100);
    assert.deepEqual(Object.keys(json.check?.current?.byRule ?? {}).sort(), [
      'duplicate-definition',
      'duplicate-shape',
      'factory-bypass',
      'non-canonical-import',
      'shim-subclass',
    ]);
    assert.equal(json.check?.previous?.score, 90, 'the latest score of the previous period');
    assert.equal(json.check?.previous?.recordedAt, new Date(lastWeek).toISOString());
    assert.equal(json.check?.change?.score, 10);
    assert.equal(json.check?.change?.findings, -3);
    assert.equal(json.check?.change?.byRule['duplicate-shape'], -3);
    assert.equal(json.check?.change?.byRule['factory-bypass'], 0);
    const documented = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(documented);
    assert.ok(validate(json), JSON.stringify(validate.errors));

    // The same comparison in every human format (the score recorded just now is this period's latest).
    const plain = (await report(server, admin, 'text', dir, '--check', path)).text;
    assert.match(plain, /^SSOT compliance$/m);
    assert.match(plain, /^score\s+100\s+90\s+\+10$/m);
    assert.match(plain, /^ {2}duplicate-shape\s+0\s+3\s+-3$/m);
    assert.match(plain, /^ {2}factory-bypass\s+0\s+0\s+0$/m);
    const markdown = (await report(server, admin, 'markdown', dir, '--check', path)).text;
    assert.match(markdown, /^\| score \| 100 \| 90 \| \+10 \|$/m);
    const html = (await report(server, admin, 'html', dir, '--check', path)).text;
    assert.match(html, /<tr><td>score<\/td><td>100<\/td><td>90<\/td><td>\+10<\/td><\/tr>/);
  });

  it('shows the change against the previous period in every section of every human format', async () => {
    const { text } = await report(server, admin, 'text', dir);
    assert.match(text, /^ {2}failed: agent_failed\s+1\s+0\s+\+1$/m);
    assert.match(text, /^\d{4}-\d{2}-\d{2}\s+2\s+0\s+\+2\s/m);
    assert.match(text, /^Runs compared with the same day of the previous period \(7 days before\)\.$/m);
    const markdown = (await report(server, admin, 'markdown', dir)).text;
    for (const title of ['Factory pattern and user isolation', 'Run outcomes', 'Outcomes by agent', 'Per day']) {
      const section = markdown.split(/^## /m).find((s) => s.startsWith(title)) ?? '';
      assert.match(section, /\| change \|/, `${title} has a change column`);
    }
    assert.match(markdown, /\| p50 change \|/);
  });

  it('writes one self-contained HTML file with two SVG charts and the SSOT section that Chromium renders (screenshot kept)', async () => {
    const { out, text } = await report(server, admin, 'html', dir, '--check', 'packages/runwire/src/quality');
    assert.equal(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(text), false, 'no script, nothing fetched');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${out}`);
      assert.equal(await page.locator('svg').count(), 2);
      assert.equal(await page.locator('svg rect[fill="#2e7d32"] title').count(), 1, 'one completed bar');
      assert.equal(await page.locator('svg rect[fill="#c62828"] title').count(), 1, 'one failed bar');
      assert.ok((await page.locator('svg circle').count()) >= 1);
      assert.equal(await page.locator('h1').textContent(), (text.match(/<h1>(.*)<\/h1>/) ?? [])[1]);
      assert.equal(await page.locator('h2', { hasText: 'SSOT compliance' }).count(), 1);
      assert.deepEqual(
        requests.filter((url) => !url.startsWith('file:')),
        [],
      );
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: new URL('report.png', SCREENSHOT_DIR).pathname, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
