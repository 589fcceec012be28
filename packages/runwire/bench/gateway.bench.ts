/**
 * Gateway benchmark (issue 3): a raw `ws` echo server versus the full Runwire server (`runwire serve --store memory`
 * with real token auth), each in a child process on loopback, measured in the same run with A/B rounds that alternate
 * which server goes first.
 *
 * 1. `ping` → `pong` round trips: throughput and server CPU per round trip.
 * 2. `echo`-agent runs (steps 0..3, delayMs 0): events per second and server CPU per run, against a raw server that
 *    answers each `start_agent` with the same number of frames of the same shape.
 * 3. p50/p99 client-side time from `start_agent` to `agent_started` with 100 runs in flight (echo runs with varied
 *    pauses; also with identical pauses and with none, started by `user_message`, for information). Each case is one
 *    closed loop: a warm-up long enough for the server to reach its steady state, then the measured rounds back to
 *    back, so every request meets the same steady state (a loop restarted per round would time a burst of 100
 *    simultaneous starts from idle instead; that burst is printed once, for information).
 * 4. Server RSS for 10,000 idle authenticated connections, opened from client child processes.
 *
 * Server CPU is utime + stime of the server child from `/proc/<pid>/stat`, read before and after each round. The bench
 * client runs on the same machine and competes for the CPU, so throughput is lower than a dedicated client would see;
 * CPU per message is the robust number. The machine may be shared: each phase prints how many CPUs other processes
 * kept busy meanwhile. Run with `npm run build && npm run bench:gateway`. Every phase is bounded by a
 * count and a timeout, the whole run by a deadline; every child is killed on exit or error.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/mint-token.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A/B pairs per comparison (each pair runs both servers once, alternating which goes first). */
const PAIRS = 5;
const PING = { clients: 10, inFlight: 10, roundTrips: 50_000, warmup: 10_000 };
const ECHO = { clients: 10, inFlight: 10, runs: 4_000, warmup: 800 };
/**
 * 25 users × 4 runs each = 100 runs in flight (4 is also the default per-user cap, so nothing queues), closed loop.
 * The warm-up of `live` is 1,500 runs: after only 200, the first measured round still cost the server nearly twice
 * the CPU of the later ones (70-80% against about 40%), so it was not yet in its steady state.
 * `live` (the target): echo runs that last, 3 steps with pauses drawn from 25..75 ms (fixed seed), like agents that
 * think for varying times. `lockstep`: every pause exactly 50 ms; the closed loop then moves in bursts (runs that
 * started together end together and are replaced together), so a request waits for its burst. `flood`: no pauses,
 * started with `user_message`; the server runs at full CPU and the time is mostly queueing.
 */
const LATENCY = {
  users: 25,
  perUser: 4,
  steps: 3,
  live: { runs: 1_000, warmup: 1_500, rounds: PAIRS, minDelayMs: 25, maxDelayMs: 75 },
  lockstep: { runs: 1_000, rounds: 3, delayMs: 50 },
  flood: { runs: 2_000, warmup: 400, rounds: 3 },
};
const IDLE = { connections: 10_000, batch: 200, fdHeadroom: 300 };
const TARGETS = { pingCpuRatio: 2, p99Ms: 10, rssMb: 300 };
const ROUND_TIMEOUT_MS = 30_000;

/**
 * Command line: `--only ping,echo,latency,rss` runs a subset; `--cpu-prof DIR` starts the full server with
 * `--cpu-prof --cpu-prof-dir DIR` (a `.cpuprofile` per server process, written when it exits); `--trace-gc` passes
 * `--trace-gc` to the full server and shows its stdout.
 */
const ARGS = parseArgs({
  options: { only: { type: 'string' }, 'cpu-prof': { type: 'string' }, 'trace-gc': { type: 'boolean' } },
  strict: true,
}).values;
const PHASES = new Set((ARGS.only ?? 'ping,echo,latency,rss').split(',').map((p) => p.trim()));
const DEADLINE_MS = 175_000;

/** The throughput server: limits raised so the bench measures the server's work, not its rate limiter saying no. */
const FULL_ARGS = [
  '--store',
  'memory',
  '--log-level',
  'warn',
  '--heartbeat',
  '60s',
  '--rate-limit',
  '1000000',
  '--rate-burst',
  '1000000',
  '--max-runs-per-user',
  '1000',
  '--max-queued-per-user',
  '1000',
];
const IDLE_ARGS = ['--store', 'memory', '--log-level', 'warn', '--heartbeat', '60s'];

// ---------------------------------------------------------------------------------------------------------------------
// Child processes: tracked so that every exit path (normal, error, signal, deadline) kills them.

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the bench and its children\n`);
    killAll();
    process.exit(130);
  });
}

/** The raw baseline: a plain `WebSocketServer` that parses each frame and answers like the protocol would. */
const RAW_SERVER = `
import { WebSocketServer } from 'ws';
// Ids as long as the server's, from a counter: the baseline should do as little as it can.
let counter = 0;
const id = (prefix) => prefix + (++counter).toString(36).padStart(22, '0');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws) => {
  let seq = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong', id: frame.id }));
      return;
    }
    if (frame.type !== 'start_agent') return;
    const run = { runId: id('run_'), threadId: id('thr_'), userId: 'raw', agent: 'echo' };
    const send = (body) => ws.send(JSON.stringify({ ...body, ...run, ts: new Date().toISOString(), seq: ++seq }));
    ws.send(JSON.stringify({ type: 'ack', id: frame.id, runId: run.runId, threadId: run.threadId }));
    send({ type: 'agent_started', status: 'running' });
    const steps = frame.input.steps;
    for (let step = 1; step <= steps; step++)
      send({ type: 'agent_thinking', reasoning: 'Echo step ' + step + ' of ' + steps, step });
    const call = { toolCallId: id('call_'), toolName: 'clock' };
    send({ type: 'tool_executing', ...call, parameters: {} });
    const now = Date.now();
    send({ type: 'tool_completed', ...call, success: true, results: { iso: new Date(now).toISOString(), epochMs: now }, durationMs: 0 });
    send({ type: 'agent_completed', status: 'completed', finalResponse: frame.input.text, durationMs: 0 });
  });
});
wss.on('listening', () => process.stdout.write('raw listening on ' + wss.address().port + '\\n'));
`;

/** A client child of the idle-connections phase: opens the sockets it is sent over IPC, holds them, closes on request. */
const IDLE_CLIENT = `
import WebSocket from 'ws';
const sockets = [];
const open = (url, token) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, { headers: { authorization: 'Bearer ' + token }, perMessageDeflate: false });
  const timer = setTimeout(() => { ws.terminate(); reject(new Error('no connection_established within 30 s')); }, 30000);
  ws.once('message', (data) => {
    clearTimeout(timer);
    const type = JSON.parse(data.toString()).type;
    if (type === 'connection_established') resolve(ws);
    else { ws.terminate(); reject(new Error('first frame was ' + type)); }
  });
  ws.once('unexpected-response', (_req, res) => { clearTimeout(timer); ws.terminate(); reject(new Error('HTTP ' + res.statusCode)); });
  ws.once('error', (error) => { clearTimeout(timer); reject(error); });
});
process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  if (message.type === 'close') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
  if (message.type !== 'open') return;
  let failed = 0;
  let lastError = '';
  for (let i = 0; i < message.tokens.length; i += message.batch) {
    await Promise.all(message.tokens.slice(i, i + message.batch).map((token) =>
      open(message.url, token).then((ws) => { sockets.push(ws); }, (error) => { failed++; lastError = String(error); })));
  }
  process.send({ type: 'opened', opened: sockets.length, failed, lastError });
});
`;

function spawnScript(code: string, ipc: boolean): ChildProcess {
  return track(
    spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: ROOT,
      stdio: ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
    }),
  );
}

async function startRawServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnScript(RAW_SERVER, false);
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /raw listening on (\d+)/.exec(out);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`raw echo server exited (${code}) before listening`)));
    }),
    10_000,
    'the raw echo server to listen',
  );
  return { child, url: `ws://127.0.0.1:${port}` };
}

/** A `runwire serve` child process (spawned here rather than by the test helper, to pass node flags). */
interface FullServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly wsUrl: string;
}

const BIN = join(ROOT, 'bin', 'runwire.js');
const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';

async function startFullServer(args: readonly string[]): Promise<FullServer> {
  const cpuProf = ARGS['cpu-prof'];
  const nodeArgs = cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`];
  if (ARGS['trace-gc'] === true) nodeArgs.push('--trace-gc');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('RUNWIRE_')) env[key] = value;
  }
  Object.assign(env, { NODE_ENV: 'production', RUNWIRE_JWT_SECRET: SECRET });
  const child = track(
    spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', ARGS['trace-gc'] === true ? 'inherit' : 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /Runwire listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`runwire serve exited (${code}) before listening:\n${output}`)));
    }),
    20_000,
    'runwire serve to listen',
  );
  return { child, url, wsUrl: `${url.replace(/^http/, 'ws')}/ws` };
}

/** SIGTERM (graceful: writes a CPU profile when asked for one), then SIGKILL after 10 s. */
async function stopServer(server: FullServer): Promise<void> {
  server.child.kill('SIGTERM');
  await stopChildren([server.child], 10_000);
}

/** Waits up to `ms` for the children to exit, then kills the rest. */
async function stopChildren(list: readonly ChildProcess[], ms: number): Promise<void> {
  const running = list.filter((c) => c.exitCode === null && c.signalCode === null);
  await withTimeout(
    Promise.all(running.map((c) => new Promise((resolve) => c.once('exit', resolve)))),
    ms,
    'child processes to exit',
  ).catch(() => undefined);
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------------------------------
// /proc readings of the server children.

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process so far, in ms (all its threads). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after "(comm)": the first is field 3 (state); utime is field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Busy CPU time of the whole machine (all CPUs) so far, in ms (`/proc/stat`). */
function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return ((fields.reduce((a, b) => a + b, 0) - idle) * 1000) / CLK_TCK;
}

/**
 * How many CPUs processes other than this bench and its servers kept busy since it was made: the machine is shared,
 * and a busy neighbour shows up in every number here (the CPU time per message least).
 */
class OtherLoad {
  readonly #pids: readonly number[];
  readonly #began = performance.now();
  readonly #machine = machineBusyMs();
  readonly #ours: number;

  constructor(pids: readonly number[]) {
    this.#pids = pids;
    this.#ours = this.#oursMs();
  }

  cores(): number {
    const others = machineBusyMs() - this.#machine - (this.#oursMs() - this.#ours);
    return Math.max(0, others / (performance.now() - this.#began));
  }

  #oursMs(): number {
    const usage = process.cpuUsage();
    let ms = (usage.user + usage.system) / 1000;
    for (const pid of this.#pids) {
      try {
        ms += cpuMs(pid);
      } catch {
        // exited
      }
    }
    return ms;
  }
}

/** Time the process's main thread spent waiting for a CPU while runnable, in ms (`/proc/<pid>/schedstat`). */
function runQueueWaitMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
  return Number(fields[1]) / 1e6;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** The soft limit of open files of this process (what `ulimit -n` prints). */
function openFileLimit(): number {
  const match = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match?.[1] === undefined || match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('child process has no pid');
  return child.pid;
}

// ---------------------------------------------------------------------------------------------------------------------
// Bench clients.

interface Frame {
  readonly type: string;
  readonly id?: string;
  readonly runId?: string;
  readonly seq?: number;
}

/** A client socket whose frame handler is swapped per round. Frames outside a round are errors. */
class BenchSocket {
  onFrame: (frame: Frame) => void = (frame) => {
    throw new Error(`unexpected frame between rounds: ${JSON.stringify(frame).slice(0, 200)}`);
  };
  readonly #ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => this.onFrame(JSON.parse(data.toString()) as Frame));
  }

  /** Opens a socket; with a token, authenticates and waits for `connection_established`. */
  static open(url: string, token?: string): Promise<BenchSocket> {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const socket = new BenchSocket(ws);
    return withTimeout(
      new Promise<BenchSocket>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
        if (token === undefined) {
          ws.once('open', () => resolve(socket));
          return;
        }
        socket.onFrame = (frame) => {
          if (frame.type !== 'connection_established') reject(new Error(`first frame was ${frame.type}`));
          else resolve(socket);
        };
      }),
      10_000,
      `a connection to ${url}`,
    );
  }

  send(text: string): void {
    this.#ws.send(text);
  }

  close(): void {
    this.#ws.terminate();
  }
}

/**
 * Runs one closed-loop round over `sockets`: `begin` installs each socket's frame handler and sends its first requests;
 * the round ends with `finish`, or fails with `fail` or after `ROUND_TIMEOUT_MS`.
 */
function round<T>(
  what: string,
  sockets: readonly BenchSocket[],
  begin: (socket: BenchSocket, fail: (error: Error) => void, finish: (value: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${what} timed out after ${ROUND_TIMEOUT_MS} ms`)), ROUND_TIMEOUT_MS);
    const idle = (frame: Frame): void => {
      // Late frames of a finished round (none expected: rounds wait for every reply) are ignored.
      void frame;
    };
    const done = (): void => {
      settled = true;
      clearTimeout(timer);
      for (const s of sockets) s.onFrame = idle;
    };
    const fail = (error: Error): void => {
      if (settled) return;
      done();
      reject(error);
    };
    const finish = (value: T): void => {
      if (settled) return;
      done();
      resolve(value);
    };
    for (const s of sockets) begin(s, fail, finish);
  });
}

/** `total` ping → pong round trips, each socket keeping `inFlight` pings outstanding. Resolves with the wall ms. */
function pingRound(sockets: readonly BenchSocket[], total: number, inFlight: number): Promise<number> {
  let sent = 0;
  let received = 0;
  const started = performance.now();
  return round<number>('ping round', sockets, (socket, fail, finish) => {
    const sendPing = (): void => {
      socket.send(`{"type":"ping","id":"p${sent++}"}`);
    };
    socket.onFrame = (frame) => {
      if (frame.type !== 'pong') return fail(new Error(`expected pong, got ${JSON.stringify(frame).slice(0, 300)}`));
      received++;
      if (received === total) finish(performance.now() - started);
      else if (sent < total) sendPing();
    };
    for (let i = 0; i < inFlight && sent < total; i++) sendPing();
  });
}

interface EchoResult {
  readonly ms: number;
  readonly events: number;
  readonly frames: number;
  readonly queued: number;
}

/** `total` echo-agent runs (steps cycling 0..3), each socket keeping `inFlight` runs going. */
function echoRound(sockets: readonly BenchSocket[], total: number, inFlight: number): Promise<EchoResult> {
  let started = 0;
  let completed = 0;
  let events = 0;
  let frames = 0;
  let queued = 0;
  const began = performance.now();
  return round<EchoResult>('echo round', sockets, (socket, fail, finish) => {
    const startRun = (): void => {
      const steps = started % 4;
      started++;
      socket.send(
        `{"type":"start_agent","id":"e${started}","agent":"echo","input":{"text":"bench","steps":${steps},"delayMs":0}}`,
      );
    };
    socket.onFrame = (frame) => {
      frames++;
      if (typeof frame.seq === 'number') events++;
      switch (frame.type) {
        case 'agent_completed':
          completed++;
          if (completed === total) finish({ ms: performance.now() - began, events, frames, queued });
          else if (started < total) startRun();
          return;
        case 'run_queued':
          queued++;
          return;
        case 'error':
        case 'agent_error':
        case 'agent_cancelled':
          return fail(new Error(`echo run failed: ${JSON.stringify(frame).slice(0, 300)}`));
        default:
          return;
      }
    };
    for (let i = 0; i < inFlight && started < total; i++) startRun();
  });
}

/** How a closed loop of runs is cut into measured windows: `warmup` runs first (not measured), then `count` × `size`. */
interface Windows {
  readonly warmup: number;
  readonly size: number;
  readonly count: number;
  /** Called as the first request of window `index` is sent, and with `index === count` when the last run ends. */
  readonly onBoundary?: (index: number) => void;
}

/**
 * One closed loop of runs started with `request(id)`, each socket keeping `inFlight` going and starting the next run
 * as soon as one completes, so the number in flight stays constant from the warm-up through the last window. Resolves
 * with, per window, the client-side ms from sending each request to receiving its `agent_started` (matched through
 * the `ack`'s runId); a request belongs to the window in which it was sent.
 */
function latencyLoop(
  sockets: readonly BenchSocket[],
  windows: Windows,
  inFlight: number,
  request: (id: string) => string,
): Promise<{ latencies: number[][]; queued: number }> {
  const { warmup, size, count, onBoundary } = windows;
  const total = warmup + size * count;
  let started = 0;
  let completed = 0;
  let queued = 0;
  const latencies: number[][] = Array.from({ length: count }, () => []);
  const record = (index: number, ms: number): void => {
    if (index >= warmup) latencies[Math.floor((index - warmup) / size)]?.push(ms);
  };
  return round<{ latencies: number[][]; queued: number }>('latency loop', sockets, (socket, fail, finish) => {
    /** Per request id: its index in the loop and when it was sent. */
    const sent = new Map<string, { index: number; at: number }>();
    const runSent = new Map<string, { index: number; at: number }>();
    const startedAt = new Map<string, number>();
    const startRun = (): void => {
      const index = started++;
      if (index >= warmup && (index - warmup) % size === 0) onBoundary?.((index - warmup) / size);
      const id = `m${index}`;
      sent.set(id, { index, at: performance.now() });
      socket.send(request(id));
    };
    socket.onFrame = (frame) => {
      const now = performance.now();
      const runId = frame.runId ?? '';
      switch (frame.type) {
        case 'ack': {
          const request = sent.get(frame.id ?? '');
          if (request === undefined) return fail(new Error(`ack for an unknown request ${frame.id}`));
          sent.delete(frame.id ?? '');
          const t1 = startedAt.get(runId);
          if (t1 === undefined) runSent.set(runId, request);
          else {
            startedAt.delete(runId);
            record(request.index, t1 - request.at);
          }
          return;
        }
        case 'agent_started': {
          const request = runSent.get(runId);
          if (request === undefined) startedAt.set(runId, now);
          else {
            runSent.delete(runId);
            record(request.index, now - request.at);
          }
          return;
        }
        case 'run_queued':
          queued++;
          return;
        case 'agent_completed':
          completed++;
          if (completed === total) {
            onBoundary?.(count);
            finish({ latencies, queued });
          } else if (started < total) startRun();
          return;
        case 'error':
        case 'agent_error':
        case 'agent_cancelled':
          return fail(new Error(`run failed: ${JSON.stringify(frame).slice(0, 300)}`));
        default:
          return;
      }
    };
    for (let i = 0; i < inFlight && started < total; i++) startRun();
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Measurement helpers.

interface Sample {
  /** Work units per second (round trips, or events). */
  readonly rate: number;
  /** Server CPU µs per unit (round trip, or run). */
  readonly cpuUs: number;
}

async function measure(pid: number, units: number, work: () => Promise<{ ms: number; rateUnits: number }>) {
  const cpuBefore = cpuMs(pid);
  const { ms, rateUnits } = await work();
  const cpu = cpuMs(pid) - cpuBefore;
  return { rate: (rateUnits * 1000) / ms, cpuUs: (cpu * 1000) / units, ms } satisfies Sample & { ms: number };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function tokensFor(prefix: string, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => mintToken({ secret: SECRET, userId: `${prefix}${i}`, ttlMs: 3_600_000 })),
  );
}

interface Pair {
  raw: Sample[];
  full: Sample[];
}

/** Runs `PAIRS` A/B pairs, alternating which side goes first. */
async function pairs(
  pids: readonly number[],
  run: (side: 'raw' | 'full') => Promise<Sample>,
  describe: (s: Sample) => string,
): Promise<Pair> {
  const out: Pair = { raw: [], full: [] };
  const others = new OtherLoad(pids);
  for (let i = 0; i < PAIRS; i++) {
    const order: ('raw' | 'full')[] = i % 2 === 0 ? ['raw', 'full'] : ['full', 'raw'];
    const line: string[] = [];
    for (const side of order) {
      const sample = await run(side);
      out[side].push(sample);
      line.push(`${side.padEnd(4)} ${describe(sample)}`);
    }
    console.log(`  pair ${i + 1}  ${line.join('  |  ')}`);
  }
  console.log(`  (other processes kept ${fmt(others.cores())} of ${cpus().length} CPUs busy meanwhile)`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------

interface Verdict {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

interface Servers {
  readonly raw: { child: ChildProcess; url: string };
  readonly full: FullServer;
  readonly rawPid: number;
  readonly fullPid: number;
}

/** Sockets of the current phase; closed by the phase, and by `main` when a phase fails. */
const openSockets = new Set<BenchSocket>();

async function openAll(url: string, tokens: readonly (string | undefined)[]): Promise<BenchSocket[]> {
  const sockets = await Promise.all(tokens.map((token) => BenchSocket.open(url, token)));
  for (const s of sockets) openSockets.add(s);
  return sockets;
}

function closeAll(sockets: readonly BenchSocket[]): void {
  for (const s of sockets) {
    s.close();
    openSockets.delete(s);
  }
}

async function pingPhase({ raw, full, rawPid, fullPid }: Servers): Promise<Verdict[]> {
  const pingRaw = await openAll(raw.url, new Array<undefined>(PING.clients).fill(undefined));
  const pingFull = await openAll(full.wsUrl, await tokensFor('ping-', PING.clients));
  await pingRound(pingRaw, PING.warmup, PING.inFlight);
  await pingRound(pingFull, PING.warmup, PING.inFlight);
  console.log(
    `1. ping → pong: ${PING.clients} clients × ${PING.inFlight} in flight, ${int(PING.roundTrips)} round trips per round`,
  );
  const ping = await pairs(
    [rawPid, fullPid],
    (side) =>
      measure(side === 'raw' ? rawPid : fullPid, PING.roundTrips, async () => {
        const ms = await pingRound(side === 'raw' ? pingRaw : pingFull, PING.roundTrips, PING.inFlight);
        return { ms, rateUnits: PING.roundTrips };
      }),
    (s) => `${int(s.rate).padStart(7)} rt/s ${fmt(s.cpuUs).padStart(6)} µs CPU/rt`,
  );
  const summary = summarize(ping, 'rt/s', 'µs server CPU per round trip');
  closeAll([...pingRaw, ...pingFull]);
  return [
    {
      target: `server CPU per ping within ${TARGETS.pingCpuRatio}× of raw echo`,
      measured: `${fmt(summary.cpuRatio, 2)}× (${fmt(summary.fullCpu)} vs ${fmt(summary.rawCpu)} µs per round trip)`,
      met: summary.cpuRatio <= TARGETS.pingCpuRatio,
    },
  ];
}

async function echoPhase({ raw, full, rawPid, fullPid }: Servers): Promise<Verdict[]> {
  const echoRaw = await openAll(raw.url, new Array<undefined>(ECHO.clients).fill(undefined));
  const echoFull = await openAll(full.wsUrl, await tokensFor('echo-', ECHO.clients));
  const warmRaw = await echoRound(echoRaw, ECHO.warmup, ECHO.inFlight);
  const warmFull = await echoRound(echoFull, ECHO.warmup, ECHO.inFlight);
  if (warmRaw.frames !== warmFull.frames) {
    throw new Error(`raw and full servers sent different frame counts (${warmRaw.frames} vs ${warmFull.frames})`);
  }
  console.log(
    `\n2. echo-agent runs (start_agent, steps 0..3, delayMs 0): ${ECHO.clients} clients × ${ECHO.inFlight} in flight, ${int(ECHO.runs)} runs (${int((warmFull.frames * ECHO.runs) / ECHO.warmup)} frames) per round`,
  );
  let queued = 0;
  const echo = await pairs(
    [rawPid, fullPid],
    (side) =>
      measure(side === 'raw' ? rawPid : fullPid, ECHO.runs, async () => {
        const r = await echoRound(side === 'raw' ? echoRaw : echoFull, ECHO.runs, ECHO.inFlight);
        queued += r.queued;
        return { ms: r.ms, rateUnits: r.events };
      }),
    (s) => `${int(s.rate).padStart(7)} events/s ${fmt(s.cpuUs).padStart(6)} µs CPU/run`,
  );
  summarize(echo, 'events/s', 'µs server CPU per run');
  if (queued > 0) console.log(`  note: ${queued} runs were queued by the server`);
  closeAll([...echoRaw, ...echoFull]);
  return [];
}

async function latencyPhase({ full, fullPid }: Servers): Promise<Verdict[]> {
  const sockets = await openAll(full.wsUrl, await tokensFor('latency-', LATENCY.users));
  const inFlight = LATENCY.users * LATENCY.perUser;
  const { steps, live, lockstep, flood } = LATENCY;
  const random = seededRandom(1);
  const startAgent =
    (delayMs: () => number) =>
    (id: string): string =>
      `{"type":"start_agent","id":"${id}","agent":"echo","input":{"text":"bench","steps":${steps},"delayMs":${delayMs()}}}`;
  const varied = startAgent(() => live.minDelayMs + Math.floor(random() * (live.maxDelayMs - live.minDelayMs + 1)));
  const fixed = startAgent(() => lockstep.delayMs);
  const userMessage = (id: string): string => `{"type":"user_message","id":"${id}","agent":"echo","content":"bench"}`;

  /**
   * `count` measured windows of `runs` runs each, after `warmup` runs, all in one closed loop (so the server is in the
   * same steady state throughout, with no ramp-up between windows). Per window: throughput, server CPU, time waited for
   * a CPU, other load and latency percentiles, printed when the loop ends.
   */
  const rounds = async (
    warmup: number,
    runs: number,
    count: number,
    request: (id: string) => string,
  ): Promise<{ pooled: number[]; roundP99: number[]; others: number[] }> => {
    interface Snapshot {
      readonly at: number;
      readonly cpu: number;
      readonly wait: number;
      readonly clientWait: number;
      readonly others: OtherLoad;
    }
    const snapshots: Snapshot[] = [];
    const otherCores: number[] = [];
    const onBoundary = (index: number): void => {
      const at = performance.now();
      if (index > 0) otherCores.push((snapshots[index - 1] as Snapshot).others.cores());
      snapshots.push({
        at,
        cpu: cpuMs(fullPid),
        wait: runQueueWaitMs(fullPid),
        clientWait: runQueueWaitMs(process.pid),
        others: new OtherLoad([fullPid]),
      });
    };
    const r = await latencyLoop(sockets, { warmup, size: runs, count, onBoundary }, LATENCY.perUser, request);
    const roundP99: number[] = [];
    r.latencies.forEach((latencies, i) => {
      const [before, after] = [snapshots[i], snapshots[i + 1]] as [Snapshot, Snapshot];
      const wall = after.at - before.at;
      const busy = (after.cpu - before.cpu) / wall;
      const waited = (after.wait - before.wait) / wall;
      const clientWaited = (after.clientWait - before.clientWait) / wall;
      roundP99.push(percentile(latencies, 99));
      const ms = (n: number): string => fmt(n, 2).padStart(6);
      console.log(
        `    round ${i + 1}  ${int((runs * 1000) / wall).padStart(5)} runs/s  server CPU ${int(busy * 100).padStart(3)}% (waited ${int(waited * 100).padStart(2)}%)  client waited ${int(clientWaited * 100).padStart(2)}%  others ${fmt(otherCores[i] ?? 0)} CPUs  p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  max ${ms(Math.max(...latencies))} ms`,
      );
    });
    const pooled = r.latencies.flat();
    console.log(
      `    all      n=${pooled.length}  p50 ${fmt(percentile(pooled, 50), 2)} ms  p99 ${fmt(percentile(pooled, 99), 2)} ms  (round p99s: best ${fmt(Math.min(...roundP99), 2)}, median ${fmt(median(roundP99), 2)} ms)`,
    );
    if (r.queued > 0) console.log(`    note: ${r.queued} runs were queued by the server`);
    return { pooled, roundP99, others: otherCores };
  };

  console.log(
    `\n3. request → agent_started, client-side, ${LATENCY.users} users × ${LATENCY.perUser} = ${inFlight} runs in flight (one closed loop per case: a warm-up, then the measured rounds back to back)`,
  );
  console.log(
    `  a) start_agent echo, ${steps} steps, delayMs ${live.minDelayMs}..${live.maxDelayMs} (runs that last, varied like real agents): ${int(live.warmup)} warm-up runs, then ${int(live.runs)} runs per round`,
  );
  const histogramBefore = await firstEventHistogram(full.url);
  const target = await rounds(live.warmup, live.runs, live.rounds, varied);
  const server = bucketPercentiles(histogramBefore, await firstEventHistogram(full.url));
  console.log(
    `    server-side (runwire_time_to_first_event_seconds, from accepting the run, warm-up included; ms clock): p50 ≤ ${server.p50} ms, p99 ≤ ${server.p99} ms`,
  );
  const burst = await latencyLoop(sockets, { warmup: 0, size: inFlight, count: 1 }, LATENCY.perUser, varied);
  const burstLatencies = burst.latencies.flat();
  console.log(
    `    for information, a burst from idle (all ${inFlight} start_agent sent at once): p50 ${fmt(percentile(burstLatencies, 50), 2)} ms  p99 ${fmt(percentile(burstLatencies, 99), 2)} ms`,
  );
  console.log(
    `  b) the same with every delayMs ${lockstep.delayMs} (lockstep bursts; for information): ${int(lockstep.runs)} runs per round`,
  );
  await rounds(0, lockstep.runs, lockstep.rounds, fixed);
  console.log(
    `  c) user_message echo, no pauses (a flood: the server saturates, so this is queueing; for information): ${int(flood.warmup)} warm-up runs, then ${int(flood.runs)} runs per round`,
  );
  await rounds(flood.warmup, flood.runs, flood.rounds, userMessage);
  closeAll(sockets);
  const p99 = percentile(target.pooled, 99);
  return [
    {
      target: `p99 to agent_started under ${TARGETS.p99Ms} ms (100 runs in flight)`,
      measured: `${fmt(p99, 2)} ms over all rounds (p50 ${fmt(percentile(target.pooled, 50), 2)} ms; best round p99 ${fmt(Math.min(...target.roundP99), 2)} ms; other processes kept ${fmt(median(target.others))} CPUs busy)`,
      met: p99 < TARGETS.p99Ms,
    },
  ];
}

/** A small deterministic PRNG (mulberry32), so every run of the bench asks for the same pauses. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Cumulative bucket counts of the server's time-to-first-event histogram, by upper bound in seconds. */
async function firstEventHistogram(url: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(/^runwire_time_to_first_event_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)) {
    buckets.set(m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2]));
  }
  return buckets;
}

/** The bucket bounds (ms) holding the 50th and 99th percentile of what was observed between two scrapes. */
function bucketPercentiles(before: Map<number, number>, after: Map<number, number>): { p50: string; p99: string } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts.at(-1) ?? 0;
  const at = (q: number): string => {
    const i = counts.findIndex((c) => c >= q * total);
    const bound = bounds[i];
    return bound === undefined || total === 0 ? '?' : bound === Number.POSITIVE_INFINITY ? '∞' : fmt(bound * 1000, 1);
  };
  return { p50: at(0.5), p99: at(0.99) };
}

async function rssPhase(): Promise<Verdict[]> {
  const rss = await idleConnectionsRss();
  return [
    {
      target: `under ${TARGETS.rssMb} MB for ${int(IDLE.connections)} connections`,
      measured:
        rss.count === IDLE.connections
          ? `${fmt(rss.after)} MB`
          : `${fmt(rss.after)} MB with only ${int(rss.count)} connections (${rss.note}); ≈ ${fmt(rss.before + ((rss.after - rss.before) * IDLE.connections) / Math.max(1, rss.count))} MB extrapolated`,
      met: rss.count === IDLE.connections && rss.after < TARGETS.rssMb,
    },
  ];
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    process.stderr.write(`gateway bench: exceeded its ${DEADLINE_MS / 1000} s deadline; stopping\n`);
    killAll();
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error(`${BIN} needs the build: run \`npm run build\` first`);
  }
  const began = performance.now();
  console.log(
    `Runwire gateway bench: node ${process.version}, ${cpus().length} CPUs, load ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}, CLK_TCK ${CLK_TCK}`,
  );
  console.log('Both servers are child processes on 127.0.0.1; the clients run in this process.\n');
  const verdicts: Verdict[] = [];
  if (PHASES.has('ping') || PHASES.has('echo') || PHASES.has('latency')) {
    const raw = await startRawServer();
    const full = await startFullServer(FULL_ARGS);
    const servers: Servers = { raw, full, rawPid: pidOf(raw.child), fullPid: pidOf(full.child) };
    try {
      if (PHASES.has('ping')) verdicts.push(...(await pingPhase(servers)));
      if (PHASES.has('echo')) verdicts.push(...(await echoPhase(servers)));
      if (PHASES.has('latency')) verdicts.push(...(await latencyPhase(servers)));
    } finally {
      closeAll([...openSockets]);
      raw.child.kill('SIGTERM');
      await stopServer(full);
    }
  }
  if (PHASES.has('rss')) verdicts.push(...(await rssPhase()));

  console.log('\nTargets');
  for (const v of verdicts) console.log(`  ${v.met ? 'met   ' : 'MISSED'}  ${v.target}: ${v.measured}`);
  console.log(`\nDone in ${fmt((performance.now() - began) / 1000)} s.`);
}

function summarize(
  pair: Pair,
  rateUnit: string,
  cpuUnit: string,
): { cpuRatio: number; rawCpu: number; fullCpu: number } {
  const rawRate = median(pair.raw.map((s) => s.rate));
  const fullRate = median(pair.full.map((s) => s.rate));
  const rawCpu = median(pair.raw.map((s) => s.cpuUs));
  const fullCpu = median(pair.full.map((s) => s.cpuUs));
  const pairRatios = pair.full.map((s, i) => s.cpuUs / (pair.raw[i]?.cpuUs ?? Number.NaN));
  console.log(
    `  median   raw ${int(rawRate)} ${rateUnit}, full ${int(fullRate)} ${rateUnit}: throughput full/raw ${fmt(fullRate / rawRate, 2)}×`,
  );
  console.log(
    `  median   raw ${fmt(rawCpu)}, full ${fmt(fullCpu)} ${cpuUnit}: CPU full/raw ${fmt(fullCpu / rawCpu, 2)}× (per-pair ratios ${pairRatios.map((r) => fmt(r, 2)).join(', ')})`,
  );
  return { cpuRatio: fullCpu / rawCpu, rawCpu, fullCpu };
}

/** Opens `IDLE.connections` authenticated idle sockets from client child processes and reads the server's RSS. */
async function idleConnectionsRss(): Promise<{ before: number; after: number; count: number; note: string }> {
  const limit = openFileLimit();
  const notes: string[] = [];
  let count = IDLE.connections;
  // The server inherits this limit and needs one descriptor per connection.
  if (limit - IDLE.fdHeadroom < count) {
    count = limit - IDLE.fdHeadroom;
    notes.push(`the open-file limit ${limit} leaves the server room for ${count}`);
  }
  const perChild = limit - IDLE.fdHeadroom;
  let childCount = Math.max(2, Math.ceil(count / perChild));
  if (childCount > 3) {
    childCount = 3;
    count = 3 * perChild;
    notes.push(`3 client processes with ${perChild} sockets each`);
  }
  console.log(
    `\n4. RSS for ${int(count)} idle authenticated connections, one user each (ulimit -n ${limit}: clients in ${childCount} child processes, batches of ${IDLE.batch}, --heartbeat 60s)`,
  );
  const tokens = await tokensFor('idle-', count);
  const server = await startFullServer(IDLE_ARGS);
  const pid = pidOf(server.child);
  const clients: ChildProcess[] = [];
  try {
    await sleep(1000);
    const before = rssMb(pid);
    const opening = performance.now();
    const share = Math.ceil(count / childCount);
    const results = await Promise.all(
      Array.from({ length: childCount }, (_, i) => {
        const child = spawnScript(IDLE_CLIENT, true);
        clients.push(child);
        const mine = tokens.slice(i * share, (i + 1) * share);
        return withTimeout(
          new Promise<{ opened: number; failed: number; lastError: string }>((resolve, reject) => {
            child.once('message', (m) => resolve(m as { opened: number; failed: number; lastError: string }));
            child.once('exit', (code) =>
              reject(new Error(`client process exited (${code}) before opening its sockets`)),
            );
            child.send({ type: 'open', url: server.wsUrl, tokens: mine, batch: IDLE.batch });
          }),
          90_000,
          'the client processes to open their sockets',
        );
      }),
    );
    const opened = results.reduce((n, r) => n + r.opened, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    const openMs = performance.now() - opening;
    if (failed > 0) {
      const lastError = results.find((r) => r.failed > 0)?.lastError ?? '';
      notes.push(`${failed} connections failed (${lastError})`);
    }
    await sleep(2000);
    const after = rssMb(pid);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const gauge = /^runwire_connections (\d+)/m.exec(metrics)?.[1];
    console.log(
      `  opened ${int(opened)} in ${fmt(openMs / 1000)} s (server gauge runwire_connections ${gauge ?? '?'})${failed > 0 ? `, ${failed} failed` : ''}`,
    );
    console.log(
      `  server RSS before ${fmt(before)} MB, after ${fmt(after)} MB: +${fmt(after - before)} MB, ${fmt(((after - before) * 1024) / Math.max(1, opened), 1)} KB per connection`,
    );
    return { before, after, count: opened, note: notes.join('; ') };
  } finally {
    for (const child of clients) {
      if (child.connected) child.send({ type: 'close' });
    }
    await stopChildren(clients, 10_000);
    await stopServer(server);
  }
}

main().then(
  () => {
    killAll();
  },
  (error: unknown) => {
    process.stderr.write(`gateway bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    killAll();
    process.exitCode = 1;
  },
);
