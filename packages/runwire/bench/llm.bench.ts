/**
 * LLM path benchmark (issue 12). A fake OpenAI-compatible server in a child process streams the same Chat
 * Completions answer of CHUNKS text deltas to both sides, measured in the same run, in alternating A/B rounds:
 *
 * - raw: `fetch` reads the stream and parses each SSE line's JSON (the least any client must do);
 * - agent: a real Runwire server in this process (memory stores) runs an LLM agent on that model (AI SDK 7,
 *   `@ai-sdk/openai-compatible`), and a WebSocket client in this process receives every `partial_result` frame.
 *
 * - provider: the same model's `doStream` read to its end, no server (what any AI SDK provider costs by itself: its
 *   SSE parser, JSON parse and schema check of every chunk), to show how much of the agent side is the provider's.
 *
 * CPU is this process's user + system time (`process.cpuUsage`), so the agent side also pays for the WebSocket client
 * that receives the frames (counted against us: the ratio is an upper bound). Target: agent CPU per chunk under
 * 1.5 × raw CPU per chunk.
 *
 * Latency: for LAT_RUNS runs of a short answer, the time from the first body bytes of the model's response reaching
 * the server's `fetch` to the first `partial_result` frame leaving the server (handed to the socket's write, found by
 * its bytes: server frames are not masked) and to it reaching the client (which adds the loopback hop and this
 * process's turn to read it). Target: p99 of "leaves the server" under 2 ms.
 *
 * Run with `npm run bench:llm`. Bounded by counts; the child is killed on exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import WebSocket from 'ws';
import { defineAgent } from '../src/agents/agent-definition.js';
import { mintToken } from '../src/auth/mint-token.js';
import { compileServerConfig } from '../src/config/server-config.js';
import { silentLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { memoryStores } from '../src/stores/memory/memory-stores.js';
import { median } from './bench-stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHUNKS = 500;
const ROUNDS = 6;
const RUNS_PER_ROUND = 4;
const LAT_RUNS = 200;
const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';

function startModelServer(chunks: number): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-model-child.ts'], {
    cwd: ROOT,
    env: { ...process.env, CHUNKS: String(chunks) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolve({ child, baseUrl: line.trim() });
    });
    child.once('exit', (code) => reject(new Error(`model server exited (${code})`)));
  });
}

/** Reads one streamed answer with plain fetch, parsing each `data:` line; returns the deltas seen. */
async function rawRead(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let deltas = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline = buffer.indexOf('\n\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 2);
      newline = buffer.indexOf('\n\n');
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const chunk = JSON.parse(line.slice(6)) as { choices: Array<{ delta?: { content?: string } }> };
      if (chunk.choices[0]?.delta?.content) deltas++;
    }
  }
  return deltas;
}

/**
 * Calls `onWrite` when bytes holding `marker` are handed to any socket's write (the kernel gets them at once unless
 * the socket is congested, which the bench's small frames never make it). Returns the undo.
 */
function watchSocketWrites(marker: string, onWrite: (at: number) => void): () => void {
  type WriteGeneric = (writev: boolean, data: unknown, encoding: string, cb: () => void) => unknown;
  const proto = Socket.prototype as unknown as { _writeGeneric: WriteGeneric };
  const original = proto._writeGeneric;
  const needle = Buffer.from(marker);
  const holds = (chunk: unknown): boolean =>
    (Buffer.isBuffer(chunk) && chunk.includes(needle)) || (typeof chunk === 'string' && chunk.includes(marker));
  proto._writeGeneric = function (this: Socket, writev, data, encoding, cb) {
    const chunks = writev ? (data as Array<{ chunk: unknown }>).map((d) => d.chunk) : [data];
    if (chunks.some(holds)) onWrite(performance.now());
    return original.call(this, writev, data, encoding, cb);
  };
  return () => {
    proto._writeGeneric = original;
  };
}

/** Reads one streamed answer through the provider's `doStream` alone; returns the text deltas seen. */
async function providerRead(model: LanguageModelV4): Promise<number> {
  const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  const reader = stream.getReader();
  let deltas = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (value.type === 'text-delta') deltas++;
  }
  return deltas;
}

/** `fetch` that notes when the first body bytes of each response arrive. */
function timedFetch(onFirstBytes: (at: number) => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    let first = true;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (first) {
            first = false;
            onFirstBytes(performance.now());
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The nearest-rank `p`th percentile of the latencies. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const long = await startModelServer(CHUNKS);
  const short = await startModelServer(3);
  let firstBytesAt = 0;
  const agents = [long.baseUrl, short.baseUrl].map((baseUrl, i) =>
    defineAgent({
      name: i === 0 ? 'bench_long' : 'bench_short',
      description: 'bench',
      model: createOpenAICompatible({
        name: 'bench',
        baseURL: baseUrl,
        fetch: timedFetch((at) => {
          firstBytesAt = at;
        }),
      })('m'),
      maxSteps: 1,
    }),
  );
  const config = compileServerConfig([
    {
      host: '127.0.0.1',
      port: 0,
      store: 'memory',
      jwtSecret: SECRET,
      logLevel: 'silent',
      maxRunsPerUser: 100,
      // The bench sends runs back to back, faster than the default per-connection frame rate allows.
      rateLimit: 100_000,
      rateBurst: 100_000,
    },
  ]);
  const server = await startServer({ config, logger: silentLogger, stores: memoryStores, runtime: { agents } });
  const token = await mintToken({ secret: SECRET, userId: 'bench', ttlMs: 3_600_000 });
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  // The client only counts frames and spots the ones the bench waits for, as cheaply as it can.
  let waiter: ((text: string, at: number) => void) | undefined;
  socket.on('message', (data) => {
    waiter?.(data.toString(), performance.now());
  });
  let nextId = 1;
  const runAgent = (agent: string, onFirstPartial?: (at: number) => void): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = `b${nextId++}`;
      let runId: string | undefined;
      let sawPartial = false;
      waiter = (text, at) => {
        if (runId === undefined) {
          if (!text.includes(`"id":"${id}"`)) return;
          const reply = JSON.parse(text) as { type: string; runId: string };
          // A refused request would otherwise leave the bench waiting forever.
          if (reply.type !== 'ack') reject(new Error(`user_message refused: ${text}`));
          runId = reply.runId;
          return;
        }
        if (!text.includes(runId)) return;
        if (!sawPartial && text.includes('"type":"partial_result"')) {
          sawPartial = true;
          onFirstPartial?.(at);
        }
        if (text.includes('"type":"agent_completed"')) resolve();
        if (text.includes('"type":"agent_error"')) reject(new Error(`the bench run failed: ${text}`));
      };
      socket.send(JSON.stringify({ type: 'user_message', id, agent, content: 'hi' }));
    });

  // Warm-up of every side, as long as a server that has served a while: with 3 or 10 runs the agent side was still
  // being compiled during the measured rounds (its rounds fell from 26 to 14 µs per chunk).
  const WARM_UP_RUNS = 40;
  for (let i = 0; i < WARM_UP_RUNS; i++) {
    await rawRead(long.baseUrl);
    await runAgent('bench_long');
  }
  const providerModel = createOpenAICompatible({ name: 'bench', baseURL: long.baseUrl })('m');
  for (let i = 0; i < WARM_UP_RUNS; i++) await providerRead(providerModel);
  const sides = {
    raw: async () => {
      const n = await rawRead(long.baseUrl);
      if (n !== CHUNKS) throw new Error(`raw read saw ${n} deltas, expected ${CHUNKS}`);
    },
    agent: () => runAgent('bench_long'),
    provider: async () => {
      const n = await providerRead(providerModel);
      if (n !== CHUNKS) throw new Error(`provider read saw ${n} deltas, expected ${CHUNKS}`);
    },
  };
  const perChunk: Record<keyof typeof sides, number[]> = { raw: [], agent: [], provider: [] };
  const orders: Array<Array<keyof typeof sides>> = [
    ['raw', 'agent', 'provider'],
    ['agent', 'provider', 'raw'],
    ['provider', 'raw', 'agent'],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of orders[round % orders.length]!) {
      const before = cpuMs();
      for (let i = 0; i < RUNS_PER_ROUND; i++) await sides[side]();
      perChunk[side].push(((cpuMs() - before) * 1000) / (RUNS_PER_ROUND * CHUNKS));
    }
  }
  const rawUs = median(perChunk.raw);
  const agentUs = median(perChunk.agent);
  const providerUs = median(perChunk.provider);
  const all = (side: keyof typeof sides): string => perChunk[side].map((us) => us.toFixed(1)).join(' ');
  console.log(`CPU per chunk (median of ${ROUNDS} interleaved rounds of ${RUNS_PER_ROUND} × ${CHUNKS} chunks):`);
  console.log(`  raw fetch + SSE/JSON parse: ${rawUs.toFixed(2)} µs  [${all('raw')}]`);
  console.log(`  agent path to socket frame: ${agentUs.toFixed(2)} µs  [${all('agent')}] (client receive included)`);
  console.log(`  provider doStream alone:    ${providerUs.toFixed(2)} µs  [${all('provider')}]`);
  console.log(`  ratio: ${(agentUs / rawUs).toFixed(2)}× (target < 1.5×) ${agentUs / rawUs < 1.5 ? 'PASS' : 'MISS'}`);
  console.log(
    `  the provider alone: ${(providerUs / rawUs).toFixed(2)}× raw; the agent path: ${(agentUs / providerUs).toFixed(2)}× the provider`,
  );

  const leftServer: number[] = [];
  const reachedClient: number[] = [];
  // Only the first write of a run's first partial counts: armed at the run's start, disarmed by that write.
  let leftAt: number | undefined;
  let armed = false;
  const unwatch = watchSocketWrites('"type":"partial_result"', (at) => {
    if (!armed) return;
    armed = false;
    leftAt = at;
  });
  // `LLM_BENCH_CPU_ONLY=1` skips the latency phase (for profiling the CPU phase).
  const latencyRuns = process.env.LLM_BENCH_CPU_ONLY === '1' ? 0 : LAT_RUNS + 10;
  for (let i = 0; i < latencyRuns; i++) {
    let partialAt = 0;
    leftAt = undefined;
    armed = true;
    await runAgent('bench_short', (at) => {
      partialAt = at;
    });
    if (leftAt === undefined) throw new Error('the first partial_result was never written to a socket');
    if (i >= 10) {
      leftServer.push(leftAt - firstBytesAt);
      reachedClient.push(partialAt - firstBytesAt);
    }
  }
  unwatch();
  for (const list of [leftServer, reachedClient]) if (list.length === 0) list.push(Number.NaN);
  const p99 = nearestRank(leftServer, 99);
  console.log(`First partial_result after the first chunk's arrival (${LAT_RUNS} runs):`);
  console.log(
    `  leaves the server: p50 ${nearestRank(leftServer, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target p99 < 2 ms) ${p99 < 2 ? 'PASS' : 'MISS'}`,
  );
  console.log(
    `  reaches the client: p50 ${nearestRank(reachedClient, 50).toFixed(2)} ms, p99 ${nearestRank(reachedClient, 99).toFixed(2)} ms`,
  );

  socket.close();
  await server.close();
  long.child.kill('SIGKILL');
  short.child.kill('SIGKILL');
}

await main();
