import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
// The server's own sources: the tests start a real server in dev mode with a slow test agent.
import type { AgentDefinition } from '../../runwire/src/agents/agent-definition.js';
import { mintToken } from '../../runwire/src/auth/mint-token.js';
import { compileServerConfig } from '../../runwire/src/config/server-config.js';
import { silentLogger } from '../../runwire/src/logger.js';
import { type RunwireServer, startServer } from '../../runwire/src/server.js';
import { memoryStores } from '../../runwire/src/stores/memory/memory-stores.js';
import { launchChromium } from '../../runwire/test/helpers/chromium.js';

const DIST = new URL('../dist/', import.meta.url).pathname;
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url).pathname;

/** Thinks `steps` times, `delayMs` apart, calls the clock, then streams its answer in three parts. */
const slow: AgentDefinition<{ text: string; steps: number; delayMs: number }> = {
  name: 'slow',
  description: 'Test: a slow run with a known timeline',
  input: z.strictObject({ text: z.string(), steps: z.number().int(), delayMs: z.number().int() }),
  fromMessage: (content) => ({ text: content, steps: 12, delayMs: 250 }),
  async run({ text, steps, delayMs }, ctx) {
    for (let i = 1; i <= steps; i++) {
      await ctx.thinking(`thinking about it, step ${i}`);
      await ctx.sleep(delayMs);
    }
    await ctx.callTool('clock', {});
    for (const part of ['**Done**: ', text, '.']) await ctx.partial(part);
    return `**Done**: ${text}.`;
  },
};

/** Fails after one thinking step: the page must show the error with its code. */
const broken: AgentDefinition<string> = {
  name: 'broken',
  description: 'Test: fails',
  input: z.string(),
  async run(_input, ctx) {
    await ctx.thinking('about to fail');
    throw new Error('the flux capacitor broke');
  },
};

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

async function signIn(context: BrowserContext, url: string, user: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  if (user === 'alice') await shot(page, '00-sign-in');
  await page.getByLabel('User name').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
  return page;
}

/** Types a message and sends it with Enter; resolves with the new turn's run id. */
async function sendMessage(page: Page, text: string, agent = ''): Promise<string> {
  const before = await page.locator('li.turn').count();
  await page.getByRole('textbox', { name: 'Agent' }).fill(agent);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await page.locator('li.turn').nth(before).waitFor();
  return (await page.locator('li.turn').nth(before).getAttribute('data-run-id')) ?? '';
}

function turn(page: Page, runId: string) {
  return page.locator(`li.turn[data-run-id="${runId}"]`);
}

describe('the chat page in Chromium', () => {
  let server: RunwireServer;
  let browser: Browser;
  let url: string;
  const errors: string[] = [];

  before(async () => {
    assert.ok(existsSync(`${DIST}index.html`), 'build the page first: npm run build -w @runwire/web');
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer({
      // No secret: dev mode, so the page can sign in through POST /dev/token.
      config: compileServerConfig([{ host: '127.0.0.1', port: 0, store: 'memory', logLevel: 'silent' }]),
      logger: silentLogger,
      stores: memoryStores,
      webRoot: DIST,
      runtime: { agents: [slow, broken] },
    });
    url = server.url;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close(100);
  });

  /** A fresh browser context (its own session storage) that records console errors and CSP violations. */
  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    context.on('page', (page) => {
      page.on('console', (m) => {
        // The offline step of the reconnect test makes the browser log its failed attempts; nothing else may.
        if (m.type() === 'error' && !m.text().includes('ERR_INTERNET_DISCONNECTED')) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('dialog', (d) => {
        errors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
    });
    return context;
  }

  it('signs in, sends with Enter, and shows the timeline (thinking, tool call with parameters and result) and the answer', async () => {
    const context = await newContext();
    const page = await signIn(context, url, 'alice');
    await shot(page, '01-signed-in');
    // Shift+Enter is a new line, not a send.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.type('second line');
    assert.equal(await box.inputValue(), 'first line\nsecond line');
    assert.equal(await page.locator('li.turn').count(), 0);

    const runId = await sendMessage(page, 'What is 6 * 7?');
    await turn(page, runId).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 15_000 });
    const timeline = turn(page, runId).getByRole('list', { name: 'Run timeline' });
    assert.match((await timeline.textContent()) ?? '', /Thinking · step 1/);
    assert.match((await timeline.locator('li.tool').textContent()) ?? '', /calculator[\s\S]*6 \* 7[\s\S]*42/);
    assert.match((await turn(page, runId).locator('.answer').textContent()) ?? '', /42/);
    assert.equal(await page.getByRole('list', { name: 'Threads' }).getByRole('button').count(), 1);
    assert.ok(await page.getByRole('button', { name: 'Stop' }).isDisabled());
    await shot(page, '02-answer');
    await context.close();
  });

  it('stops a slow run with Stop', async () => {
    const context = await newContext();
    const page = await signIn(context, url, 'carol');
    const runId = await sendMessage(page, 'take your time', 'slow');
    await turn(page, runId).locator('li.thinking[data-step="2"]').waitFor();
    const stop = page.getByRole('button', { name: 'Stop' });
    assert.ok(await stop.isEnabled());
    await shot(page, '03-slow-run-live');
    await stop.click();
    await turn(page, runId).and(page.locator('[data-status="cancelled"]')).waitFor();
    assert.match((await turn(page, runId).textContent()) ?? '', /Stopped \(user\)/);
    assert.ok(await stop.isDisabled());
    assert.ok((await turn(page, runId).locator('li.thinking').count()) < 12);
    await shot(page, '04-stopped');
    await context.close();
  });

  it('reloads mid-run, reopens the thread and shows the same run finish with every step once', async () => {
    const context = await newContext();
    const page = await signIn(context, url, 'dave');
    const runId = await sendMessage(page, 'survive a reload', 'slow');
    await turn(page, runId).locator('li.thinking[data-step="3"]').waitFor();
    await page.reload();
    await turn(page, runId).waitFor();
    await shot(page, '05-reloaded-mid-run');
    await turn(page, runId).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 20_000 });
    const steps = await turn(page, runId)
      .locator('li.thinking')
      .evaluateAll((items) => items.map((item) => Number((item as HTMLElement).dataset.step)));
    assert.deepEqual(
      steps,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    assert.equal(await turn(page, runId).locator('li.tool').count(), 1);
    assert.equal((await turn(page, runId).locator('.answer strong').textContent()) ?? '', 'Done');
    assert.match((await turn(page, runId).locator('.msg.user').textContent()) ?? '', /survive a reload/);
    assert.equal(await page.getByRole('list', { name: 'Threads' }).locator('[aria-current="true"]').count(), 1);
    await shot(page, '06-finished-after-reload');
    await context.close();
  });

  it("shows a second user none of the first user's threads", async () => {
    const context = await newContext();
    const alice = await signIn(context, url, 'erin');
    await sendMessage(alice, 'private to erin', 'echo');
    await alice.locator('li.turn[data-status="completed"]').waitFor();
    const other = await newContext();
    const frank = await signIn(other, url, 'frank');
    await frank.getByRole('list', { name: 'Threads' }).waitFor({ state: 'attached' });
    // Give the thread list time to load, then check it is still empty.
    await frank.waitForTimeout(500);
    assert.equal(await frank.getByRole('list', { name: 'Threads' }).getByRole('listitem').count(), 0);
    assert.equal(await frank.locator('li.turn').count(), 0);
    assert.doesNotMatch((await frank.locator('body').textContent()) ?? '', /private to erin/);
    await shot(frank, '07-second-user');
    await context.close();
    await other.close();
  });

  it('renders answers holding <img onerror> and javascript: links inert', async () => {
    const context = await newContext();
    const page = await signIn(context, url, 'mallory');
    const hostile =
      'Hi <img src=x onerror="window.__pwned=1"> [click me](javascript:window.__pwned=2) <script>window.__pwned=3</script> [ok](https://example.com/)';
    const runId = await sendMessage(page, hostile, 'echo');
    await turn(page, runId).and(page.locator('[data-status="completed"]')).waitFor();
    const answer = turn(page, runId).locator('.answer');
    assert.equal(await answer.locator('img, script').count(), 0);
    assert.deepEqual(await answer.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), [
      'https://example.com/',
    ]);
    assert.match((await answer.textContent()) ?? '', /<img src=x onerror=/);
    await answer.getByText('click me').click();
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    await shot(page, '08-xss-inert');
    await context.close();
  });

  it("shows a failed run's error with its code", async () => {
    const context = await newContext();
    const page = await signIn(context, url, 'heidi');
    const runId = await sendMessage(page, 'please fail', 'broken');
    await turn(page, runId).and(page.locator('[data-status="failed"]')).waitFor();
    const error = turn(page, runId).getByRole('alert');
    assert.match((await error.textContent()) ?? '', /Error \(failed\) agent_failed: /);
    await shot(page, '10-run-error');
    await context.close();
  });

  it('signs in with a pasted token, and asks for a new one when it expires', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(url);
    const token = await mintToken({ secret: server.dev!.secret, userId: 'ivan', ttlMs: 3000 });
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByText('signed in as ivan').waitFor();
    const runId = await sendMessage(page, 'with a pasted token', 'echo');
    await turn(page, runId).and(page.locator('[data-status="completed"]')).waitFor();
    // The server closes the socket when the token expires (1008); the page cannot renew a pasted token.
    await page.getByText('Your token has expired: paste a new one').waitFor({ timeout: 10_000 });
    assert.ok(await page.getByLabel('Token').isVisible());
    assert.equal(await page.getByLabel('Token').inputValue(), '');
    await shot(page, '11-token-expired');
    await context.close();
  });

  it('shows a banner while reconnecting, and hides it when back', async () => {
    const context = await newContext();
    const page = await signIn(context, url, 'grace');
    await page.getByRole('list', { name: 'Threads' }).waitFor({ state: 'attached' });
    await context.setOffline(true);
    for (const connection of server.gateway.registry.all()) connection.terminate();
    const banner = page.getByRole('status');
    await banner.filter({ hasText: 'Reconnecting' }).waitFor();
    await shot(page, '09-reconnecting');
    await context.setOffline(false);
    await banner.waitFor({ state: 'hidden', timeout: 20_000 });
    const runId = await sendMessage(page, 'back again', 'echo');
    await turn(page, runId).and(page.locator('[data-status="completed"]')).waitFor();
    await context.close();
  });

  it('served the page with no console error and no CSP violation', () => {
    assert.deepEqual(errors, []);
  });
});
