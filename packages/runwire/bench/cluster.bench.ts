/**
 * Cluster benchmark (issue 5): events per second and publish-to-client latency of `runwire serve --store redis`,
 * one node versus three nodes on the same Redis, measured in the same run.
 *
 * - One node: the users' drivers (which start `echo` runs) and their two measuring clients are all on node 1.
 * - Three nodes: the drivers are on node 1 (every run executes there), the measuring clients of each user on nodes
 *   2 and 3: every event crosses Redis (append script + sharded publish) to reach them.
 *
 * Phases: `paced` keeps 20 echo runs in flight whose agents think every 20 ms (about 1,000 events/s in all); `max`
 * keeps 4 runs per user in flight with no pauses (as fast as node 1 and Redis go). Latency is the client's receive
 * time minus the event's `ts` (stamped by node 1 when the event is emitted, before its append, in whole milliseconds:
 * up to 1 ms of rounding), so it covers append, publish, fan-out and the socket. All processes share this machine's
 * clock and CPUs: the bench client competes with the servers, so `max` is a floor, and the ratios are what to read.
 *
 * Run with `npm run build && npm run bench:cluster [-- --redis redis://host:port --seconds 10]`. Keys live under a
 * random prefix, deleted at the end; every phase is bounded; every child is killed on exit.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { type ServerCluster, startServerCluster } from '../test/helpers/server-cluster.js';

const { values: flags } = parseArgs({
  options: {
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    seconds: { type: 'string', default: '10' },
  },
});
const REDIS_URL = flags.redis;
const SECONDS = Number(flags.seconds);
const USERS = 10;
const WARMUP_MS = 1_500;
const TARGET_P99_MS = 20;

interface Phase {
  readonly name: 'paced' | 'max';
  /** Runs each user keeps in flight. */
  readonly runsPerUser: number;
  readonly steps: number;
  readonly delayMs: number;
}

/** 10 users × 2 runs × (50 thinking events per ~1.05 s + 4 more per run) ≈ 1,000 events/s. */
const PACED: Phase = { name: 'paced', runsPerUser: 2, steps: 50, delayMs: 20 };
const MAX: Phase = { name: 'max', runsPerUser: 4, steps: 100, delayMs: 0 };
/** Each comparison runs twice, alternating which cluster goes first; samples of both rounds are pooled. */
const ROUNDS = 2;

interface Result {
  readonly phase: Phase['name'];
  readonly nodes: number;
  /** Distinct events per second that reached the users' first measuring clients. */
  readonly eventsPerSecond: number;
  /** Frames per second delivered to all measuring clients (each event goes to two). */
  readonly deliveriesPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  /** Events a measuring client received out of seq order or with a gap (must be 0). */
  readonly disorder: number;
}

/** What one phase of one round measured. */
interface Sample {
  readonly latencies: number[];
  readonly distinct: number;
  readonly deliveries: number;
  readonly disorder: number;
}

type Message = { type: string; seq?: number; ts?: string; runId?: string; id?: string };

function open(url: string, token: string, onMessage: (m: Message) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    const timer = setTimeout(() => reject(new Error(`no connection to ${url}`)), 10_000);
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Message;
      if (message.type === 'connection_established') {
        clearTimeout(timer);
        resolve(socket);
      }
      onMessage(message);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Runs one phase on a started cluster: drivers on node 1, measuring clients on `consumers`. */
async function measure(cluster: ServerCluster, consumers: readonly number[], phase: Phase): Promise<Sample> {
  const producer = cluster.nodes[0] as ServerCluster['nodes'][0];
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  let distinct = 0;
  let deliveries = 0;
  let disorder = 0;
  const failures: string[] = [];
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  const inWindow = (t: number): boolean => t >= windowStart && t < windowEnd;
  let accepting = true;
  const inFlight = new Set<string>();
  const drivers: Array<() => void> = [];

  for (let u = 0; u < USERS; u++) {
    const userId = `bench-${phase.name}-${cluster.nodes.length}-${u}`;
    for (const [k, node] of consumers.entries()) {
      const server = cluster.nodes[node] as ServerCluster['nodes'][0];
      let last: number | undefined;
      sockets.push(
        await open(server.wsUrl, await server.token(userId), (m) => {
          if (typeof m.seq !== 'number' || m.ts === undefined) return;
          const now = Date.now();
          if (last !== undefined && m.seq !== last + 1) disorder++;
          last = m.seq;
          if (!inWindow(performance.now())) return;
          latencies.push(now - Date.parse(m.ts));
          deliveries++;
          if (k === 0) distinct++;
        }),
      );
    }
    let requests = 0;
    const mine = new Set<string>();
    let driver: WebSocket | undefined;
    const startRun = (): void => {
      if (!accepting || driver === undefined) return;
      driver.send(
        JSON.stringify({
          type: 'start_agent',
          id: `r${requests++}`,
          agent: 'echo',
          input: { text: 'bench', steps: phase.steps, delayMs: phase.delayMs },
        }),
      );
    };
    driver = await open(producer.wsUrl, await producer.token(userId), (m) => {
      if (m.type === 'ack' && m.runId !== undefined) {
        mine.add(m.runId);
        inFlight.add(m.runId);
      } else if (
        (m.type === 'agent_completed' || m.type === 'agent_error' || m.type === 'agent_cancelled') &&
        m.runId !== undefined &&
        mine.delete(m.runId)
      ) {
        inFlight.delete(m.runId);
        startRun();
      } else if (m.type === 'error') {
        failures.push(`driver ${userId}: ${JSON.stringify(m)}`);
      }
    });
    sockets.push(driver);
    drivers.push(() => {
      for (let r = 0; r < phase.runsPerUser; r++) startRun();
    });
  }

  const t0 = performance.now();
  windowStart = t0 + WARMUP_MS;
  windowEnd = windowStart + SECONDS * 1_000;
  for (const start of drivers) start();
  await new Promise((resolve) => setTimeout(resolve, windowEnd - t0));
  accepting = false;
  // Let the runs in flight end (bounded), so the next phase starts on an idle cluster.
  const drainDeadline = performance.now() + 30_000;
  while (inFlight.size > 0 && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 50));
  for (const socket of sockets) socket.terminate();
  if (failures.length > 0) throw new Error(`the ${phase.name} phase failed:\n${failures.slice(0, 5).join('\n')}`);
  return { latencies, distinct, deliveries, disorder };
}

/** Pools the samples of one phase on one cluster size across rounds. */
function summarize(phase: Phase['name'], nodes: number, samples: readonly Sample[]): Result {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = SECONDS * samples.length;
  return {
    phase,
    nodes,
    eventsPerSecond: samples.reduce((n, s) => n + s.distinct, 0) / seconds,
    deliveriesPerSecond: samples.reduce((n, s) => n + s.deliveries, 0) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    disorder: samples.reduce((n, s) => n + s.disorder, 0),
  };
}

async function withCluster<T>(count: number, work: (cluster: ServerCluster) => Promise<T>): Promise<T> {
  const cluster = await startServerCluster({
    count,
    redisUrl: REDIS_URL,
    args: ['--rate-limit', '1000', '--rate-burst', '1000', '--max-runs-per-user', '4'],
  });
  try {
    return await work(cluster);
  } finally {
    await cluster.stop();
  }
}

function row(r: Result): string {
  return [
    r.phase.padEnd(7),
    String(r.nodes).padStart(5),
    r.eventsPerSecond.toFixed(0).padStart(10),
    r.deliveriesPerSecond.toFixed(0).padStart(13),
    r.p50.toFixed(0).padStart(7),
    r.p99.toFixed(0).padStart(7),
    String(r.samples).padStart(9),
    String(r.disorder).padStart(8),
  ].join('  ');
}

async function main(): Promise<void> {
  const deadline = setTimeout(
    () => {
      console.error('cluster bench: over its time limit; stopping');
      process.exit(1);
    },
    (4 * ROUNDS * (SECONDS + 45) + 60) * 1_000,
  );
  deadline.unref();
  console.log(
    `cluster bench on ${REDIS_URL}: ${USERS} users, ${SECONDS} s per phase after ${WARMUP_MS} ms warm-up, ${ROUNDS} rounds; runs execute on node 1; measuring clients on node 1 (1 node) or on nodes 2 and 3 (3 nodes)`,
  );
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(`machine: ${cpus().length} CPUs shared by Redis, the nodes and this client; load average ${load()}`);
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const nodes of round % 2 === 0 ? [1, 3] : [3, 1]) {
      const consumers = nodes === 1 ? [0, 0] : [1, 2];
      await withCluster(nodes, async (cluster) => {
        for (const phase of [PACED, MAX]) {
          const key = `${phase.name}/${nodes}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(cluster, consumers, phase)]);
        }
      });
    }
  }
  const results = (['paced', 'max'] as const).flatMap((phase) =>
    [1, 3].map((nodes) => summarize(phase, nodes, samples.get(`${phase}/${nodes}`) ?? [])),
  );
  console.log(`load average after: ${load()}`);
  console.log(`${'phase'.padEnd(7)}  nodes    events/s  deliveries/s   p50ms   p99ms    samples  disorder`);
  for (const r of results) console.log(row(r));
  const get = (phase: Result['phase'], nodes: number): Result =>
    results.find((r) => r.phase === phase && r.nodes === nodes) as Result;
  for (const phase of ['paced', 'max'] as const) {
    const one = get(phase, 1);
    const three = get(phase, 3);
    console.log(
      `ratio 3-node/1-node (${phase}): events/s ${(three.eventsPerSecond / one.eventsPerSecond).toFixed(2)}, p99 ${(three.p99 / one.p99).toFixed(2)}`,
    );
  }
  for (const nodes of [1, 3]) {
    const paced = get('paced', nodes);
    const met = paced.p99 < TARGET_P99_MS;
    console.log(
      `target p99 < ${TARGET_P99_MS} ms at ~1,000 events/s, ${nodes} node${nodes === 1 ? '' : 's'}: ${met ? 'met' : 'NOT met'} (p99 ${paced.p99} ms at ${paced.eventsPerSecond.toFixed(0)} events/s)`,
    );
  }
  clearTimeout(deadline);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
