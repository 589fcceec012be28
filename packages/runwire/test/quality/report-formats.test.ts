import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chromium } from 'playwright-core';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { mintToken } from '../../src/auth/mint-token.js';
import { main } from '../../src/cli/main.js';
import { reportJsonSchema } from '../../src/quality/report-json-schema.js';
import { AgentExecutionTracker } from '../../src/tracker/execution-tracker.js';
import { httpRequest } from '../helpers/http-client.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';
import { TEST_SECRET } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

const failing = defineAgent({
  name: 'failing',
  description: 'Test: always fails',
  input: z.strictObject({}),
  async run() {
    throw new Error('this agent always fails');
  },
});

const SCHEMA_FILE = new URL('../../docs/report.schema.json', import.meta.url);
/** Kept for people to look at (git-ignored). */
const SCREENSHOT_DIR = new URL('../../../../.tmp/', import.meta.url);

type Report = {
  runs: { total: { current: number }; outcomes: { current: Record<string, number> } };
  agents: Array<{ agent: string }>;
  isolation: { blockedConstructions: { current: number }; deniedCrossUserAccesses: { current: number } };
  perDay: unknown[];
  check?: { score: number; byRule: Record<string, number> };
};

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
    server = await startInProcessServer({ config: { adminUsers: 'ops,root' }, runtime: { agents: [failing] } });
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

  it('adds the SSOT score of --check PATH with its findings by rule', async () => {
    const { text } = await report(server, admin, 'json', dir, '--check', 'packages/runwire/src/quality');
    const json = JSON.parse(text) as Report;
    assert.equal(json.check?.score, 100);
    assert.deepEqual(Object.keys(json.check?.byRule ?? {}).sort(), [
      'duplicate-definition',
      'duplicate-shape',
      'factory-bypass',
      'non-canonical-import',
      'shim-subclass',
    ]);
  });

  it('writes one self-contained HTML file with two SVG charts that Chromium renders (screenshot kept)', async () => {
    const { out, text } = await report(server, admin, 'html', dir);
    assert.equal(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(text), false, 'no script, nothing fetched');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
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
