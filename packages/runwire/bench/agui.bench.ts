/**
 * AG-UI benchmark (issue 14): the same runs streamed to the client over the AG-UI endpoint (SSE) and over the
 * WebSocket, against one server child process (bench/fixtures/streaming-server.ts: memory stores, and a
 * `stream_words` agent that streams N words as N `partial_result` events, as a model's answer streams), in A/B pairs
 * that alternate which path goes first. Prints Runwire events per second and the server's CPU per Runwire event for each path, and the ratio.
 * Target: the SSE path within 1.3× of the socket path.
 *
 * Server CPU is utime + stime of the server child from `/proc/<pid>/stat`, read before and after each batch. Both
 * paths run the same agent with the same input, `CONCURRENCY` runs in flight, each run started by its own request
 * (a `start_agent` frame on one socket; one `POST /api/agui` each). Bounded: a fixed number of runs per batch, a
 * timeout per batch, and the child is killed on exit. Run with `npm run build && npm run bench:agui`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/mint-token.js';
import { TEST_SECRET } from '../test/helpers/server-process.js';
import { median } from './bench-stats.js';

const PAIRS = 3;
const CONCURRENCY = 10;
/**
 * Two answer lengths, in words per run (a run is `agent_started`, that many `partial_result`s and `agent_completed`):
 * a short answer, where the HTTP request each AG-UI run costs weighs most, and a long one, where the per-event path
 * does. Runs per batch keep each batch at a similar number of events.
 */
const CASES = [
  { words: 50, runs: 300, warmupRuns: 100 },
  { words: 500, runs: 40, warmupRuns: 20 },
];
const BATCH_TIMEOUT_MS = 60_000;
const TARGET_RATIO = 1.3;

interface Batch {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly events: number;
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${BATCH_TIMEOUT_MS} ms`)), BATCH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `runs` echo runs over one socket, `CONCURRENCY` in flight; counts the run events received. */
async function socketBatch(wsUrl: string, token: string, runs: number, words: number): Promise<number> {
  const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let started = 0;
  let ended = 0;
  let events = 0;
  const done = new Promise<void>((resolve) => {
    const next = (): void => {
      started++;
      ws.send(
        JSON.stringify({ type: 'user_message', id: String(started), agent: 'stream_words', content: String(words) }),
      );
    };
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; seq?: number };
      if (frame.seq === undefined) return;
      events++;
      if (frame.type === 'agent_completed' || frame.type === 'agent_error' || frame.type === 'agent_cancelled') {
        ended++;
        if (ended === runs) resolve();
        else if (started < runs) next();
      }
    });
    for (let i = 0; i < Math.min(CONCURRENCY, runs); i++) next();
  });
  await withTimeout(done, 'socket batch');
  ws.close();
  return events;
}

/** Runs `runs` echo runs over the AG-UI endpoint, `CONCURRENCY` requests in flight; counts the SSE frames read. */
async function sseBatch(url: string, token: string, runs: number, words: number, batch: string): Promise<number> {
  let next = 0;
  let frames = 0;
  const one = async (): Promise<void> => {
    while (next < runs) {
      const i = next++;
      const res = await fetch(`${url}/api/agui`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          threadId: `bench-${batch}-${i}`,
          runId: `r${i}`,
          messages: [{ id: 'm', role: 'user', content: String(words) }],
          forwardedProps: { agent: 'stream_words' },
        }),
      });
      if (res.status !== 200 || res.body === null) throw new Error(`AG-UI answered ${res.status}: ${await res.text()}`);
      const text = await res.text();
      frames += text.split('\n\n').length - 1;
    }
  };
  await withTimeout(Promise.all(Array.from({ length: CONCURRENCY }, one)), 'SSE batch');
  return frames;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const pid = server.pid;
  try {
    const wsToken = await mintToken({ secret: TEST_SECRET, userId: 'bench-socket-user', ttlMs: 3_600_000 });
    const sseToken = await mintToken({ secret: TEST_SECRET, userId: 'bench-sse-user', ttlMs: 3_600_000 });
    console.log(`AG-UI bench: node ${process.version}, ${CONCURRENCY} runs in flight, ${PAIRS} A/B pairs per case`);
    for (const { words, runs, warmupRuns } of CASES) {
      const eventsPerRun = words + 2;
      await socketBatch(server.wsUrl, wsToken, warmupRuns, words);
      await sseBatch(server.url, sseToken, warmupRuns, words, `warmup-${words}`);
      const results: Record<'socket' | 'sse', Batch[]> = { socket: [], sse: [] };
      let sseFrames = 0;
      for (let pair = 0; pair < PAIRS; pair++) {
        const order: Array<'socket' | 'sse'> = pair % 2 === 0 ? ['socket', 'sse'] : ['sse', 'socket'];
        for (const path of order) {
          const cpuBefore = cpuMs(pid);
          const t0 = performance.now();
          let events: number;
          if (path === 'socket') {
            events = await socketBatch(server.wsUrl, wsToken, runs, words);
          } else {
            sseFrames = await sseBatch(server.url, sseToken, runs, words, `${words}-${pair}`);
            events = runs * eventsPerRun;
          }
          results[path].push({ wallMs: performance.now() - t0, cpuMs: cpuMs(pid) - cpuBefore, events });
        }
      }
      const summary = (path: 'socket' | 'sse') => {
        const batches = results[path];
        return {
          eventsPerSecond: median(batches.map((b) => (b.events / b.wallMs) * 1000)),
          cpuUsPerEvent: median(batches.map((b) => (b.cpuMs * 1000) / b.events)),
        };
      };
      const socket = summary('socket');
      const sse = summary('sse');
      const ratio = sse.cpuUsPerEvent / socket.cpuUsPerEvent;
      console.log(`\n${words}-word answers (${eventsPerRun} run events each, ${runs} runs per batch):`);
      console.log(
        `  socket: ${socket.eventsPerSecond.toFixed(0)} events/s, ${socket.cpuUsPerEvent.toFixed(1)} µs server CPU per event`,
      );
      console.log(
        `  AG-UI:  ${sse.eventsPerSecond.toFixed(0)} events/s, ${sse.cpuUsPerEvent.toFixed(1)} µs server CPU per event ` +
          `(${(sseFrames / runs).toFixed(0)} SSE frames per run)`,
      );
      console.log(
        `  AG-UI / socket: CPU per event ${ratio.toFixed(2)}×, throughput ${(socket.eventsPerSecond / sse.eventsPerSecond).toFixed(2)}× slower ` +
          `(target: CPU within ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`,
      );
    }
  } finally {
    server.stop();
  }
}

/** Starts bench/fixtures/streaming-server.ts in a child process; it is killed when this process exits. */
async function startBenchServer(): Promise<{ url: string; wsUrl: string; pid: number; stop(): void }> {
  const script = new URL('./fixtures/streaming-server.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', stop);
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /Runwire listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`bench server exited (${code}) before listening`)));
    }),
    'bench server start',
  );
  if (child.pid === undefined) throw new Error('no server pid');
  return { url, wsUrl: `${url.replace(/^http/, 'ws')}/ws`, pid: child.pid, stop };
}

await main();
