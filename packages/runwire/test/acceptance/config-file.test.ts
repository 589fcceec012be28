import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createServer, defineAgent, defineTool, startServer } from '../../src/index.js';
import { BIN, startServerProcess, TEST_SECRET, tempDir } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const ROOT_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

/** A project directory whose config imports `runwire` (this package, built) and `zod`, as an installed app would. */
function project(): { dir: string; remove(): void } {
  const temp = tempDir('runwire-config-');
  mkdirSync(join(temp.path, 'node_modules'));
  symlinkSync(PACKAGE, join(temp.path, 'node_modules', 'runwire'), 'dir');
  symlinkSync(join(ROOT_MODULES, 'zod'), join(temp.path, 'node_modules', 'zod'), 'dir');
  return { dir: temp.path, remove: temp.remove };
}

const TS_CONFIG = `
import { defineAgent, defineConfig, defineTool } from 'runwire';
import { z } from 'zod';

interface Shouted { readonly loud: string }

const shoutTool = defineTool({
  name: 'shout_tool',
  description: 'Upper-cases text',
  parameters: z.strictObject({ text: z.string() }),
  async execute({ text }: { text: string }): Promise<Shouted> {
    return { loud: text.toUpperCase() };
  },
});

const shout = defineAgent({
  name: 'shout',
  description: 'Answers in capitals',
  input: z.string(),
  async run(text: string, ctx) {
    const result = await ctx.callTool<Shouted>('shout_tool', { text });
    return result.loud;
  },
});

export default defineConfig({ agents: [shout], tools: [shoutTool], maxRunsPerUser: 2 });
`;

function serve(cwd: string, args: string[] = []): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [BIN, 'serve', '--store', 'memory', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, NODE_ENV: 'test', RUNWIRE_JWT_SECRET: TEST_SECRET },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('config files', () => {
  let app: { dir: string; remove(): void };
  before(() => {
    app = project();
  });
  after(() => app.remove());

  it('serves the agents and tools of runwire.config.ts from the working directory (Node type stripping)', async () => {
    writeFileSync(join(app.dir, 'runwire.config.ts'), TS_CONFIG);
    const server = await startServerProcess({ cwd: app.dir });
    try {
      const client = await TestClient.connect(server.wsUrl, await server.token('alice'));
      const ack = await client.request({ type: 'start_agent', agent: 'shout', input: 'hello' });
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      const end = await client.waitForTerminal(ack.runId as string);
      assert.equal(end.type, 'agent_completed', JSON.stringify(end));
      assert.equal(end.finalResponse, 'HELLO');
      const builtin = await client.request({
        type: 'start_agent',
        agent: 'echo',
        input: { text: 'still here', steps: 0 },
      });
      assert.equal((await client.waitForTerminal(builtin.runId as string)).type, 'agent_completed');
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it('loads an .mjs config given with --config', async () => {
    const file = join(app.dir, 'other.mjs');
    writeFileSync(
      file,
      `import { defineAgent, defineConfig } from 'runwire';
import { z } from 'zod';
export default defineConfig({
  agents: [defineAgent({ name: 'twice', description: 'Says it twice', input: z.string(), run: async (t) => t + t })],
});
`,
    );
    const server = await startServerProcess({ cwd: app.dir, args: ['--config', file] });
    try {
      const client = await TestClient.connect(server.wsUrl, await server.token('alice'));
      const ack = await client.request({ type: 'user_message', agent: 'twice', content: 'ab' });
      assert.equal((await client.waitForTerminal(ack.runId as string)).finalResponse, 'abab');
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it('stops at start on a config that does not load, with the file and the reason, no stack trace', () => {
    const file = join(app.dir, 'broken.mjs');
    writeFileSync(file, 'export default defineConfig({ agents: [ });\n');
    const result = serve(app.dir, ['--config', file]);
    assert.equal(result.status, 2);
    assert.match(result.output, new RegExp(`runwire: Cannot load config file '${file}': .*Unexpected token`));
    assert.doesNotMatch(result.output, /\n\s+at /);
  });

  it('names both places of an agent name used twice', () => {
    const file = join(app.dir, 'twins.mjs');
    writeFileSync(
      file,
      `import { defineAgent, defineConfig } from 'runwire';
import { z } from 'zod';
const twin = (d) => defineAgent({ name: 'twin', description: d, input: z.string(), run: async (t) => t });
export default defineConfig({ agents: [twin('a'), twin('b')] });
`,
    );
    const twins = serve(app.dir, ['--config', file]);
    assert.equal(twins.status, 2);
    assert.match(
      twins.output,
      new RegExp(`Agent name 'twin' is used twice: by ${file} agents\\[0\\] and by ${file} agents\\[1\\]; rename one`),
    );
    const clash = join(app.dir, 'clash.mjs');
    writeFileSync(
      clash,
      `import { defineAgent, defineConfig } from 'runwire';
import { z } from 'zod';
export default defineConfig({ agents: [defineAgent({ name: 'echo', description: 'mine', input: z.string(), run: async (t) => t })] });
`,
    );
    const result = serve(app.dir, ['--config', clash]);
    assert.equal(result.status, 2);
    assert.match(result.output, new RegExp(`by the built-in agent 'echo' and by ${clash} agents\\[0\\]`));
  });

  it('names the file and the key of an invalid config', () => {
    const file = join(app.dir, 'typo.mjs');
    writeFileSync(file, `export default { prot: 8080 };\n`);
    const typo = serve(app.dir, ['--config', file]);
    assert.equal(typo.status, 2);
    assert.match(
      typo.output,
      new RegExp(`runwire: ${file}: unknown key 'prot'; known: agents, tools, llm, host, port`),
    );
    const notAgent = join(app.dir, 'not-agent.mjs');
    writeFileSync(notAgent, `export default { agents: [{ name: 'x' }] };\n`);
    const bad = serve(app.dir, ['--config', notAgent]);
    assert.equal(bad.status, 2);
    assert.match(bad.output, /agents\[0\] \('x'\) is not a definition \(use defineAgent\)/);
  });
});

describe('createServer / startServer from runwire', () => {
  it('starts the same server in process, with my agents, and closes gracefully', async () => {
    assert.equal(startServer, createServer);
    const upper = defineTool({
      name: 'upper',
      description: 'Upper-cases',
      parameters: z.strictObject({ text: z.string() }),
      execute: async ({ text }) => text.toUpperCase(),
    });
    const agent = defineAgent({
      name: 'embedded',
      description: 'Runs in an existing app',
      input: z.string(),
      async run(text, ctx) {
        return String(await ctx.callTool('upper', { text }));
      },
    });
    const server = await createServer({
      host: '127.0.0.1',
      port: 0,
      store: 'memory',
      jwtSecret: TEST_SECRET,
      logLevel: 'silent',
      agents: [agent],
      tools: [upper],
    });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const { mintToken } = await import('../../src/auth/mint-token.js');
      const token = await mintToken({ secret: TEST_SECRET, userId: 'dana', ttlMs: 60_000 });
      const client = await TestClient.connect(`${server.url.replace('http', 'ws')}/ws`, token);
      const ack = await client.request({ type: 'start_agent', agent: 'embedded', input: 'quiet' });
      assert.equal((await client.waitForTerminal(ack.runId as string)).finalResponse, 'QUIET');
      await client.close();
    } finally {
      await server.close();
    }
    await assert.rejects(fetch(`${server.url}/health`));
  });

  it('refuses a duplicate agent name before listening', async () => {
    const twin = defineAgent({ name: 'echo', description: 'x', input: z.string(), run: async (t) => t });
    await assert.rejects(createServer({ port: 0, store: 'memory', jwtSecret: TEST_SECRET, agents: [twin] }), {
      name: 'ConfigError',
      message:
        "Agent name 'echo' is used twice: by the built-in agent 'echo' and by createServer options agents[0]; rename one",
    });
  });
});
