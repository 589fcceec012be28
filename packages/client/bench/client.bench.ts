/**
 * Client benchmark (issue 13): how fast `@runwire/client` takes in a user's event stream, and its CPU per event,
 * against a raw `ws` reader of the same stream in the same run.
 *
 * A `runwire serve --store memory` child process is filled with the events of many `echo` runs (default 10,000
 * events). Each round then connects a fresh reader with `?after=0`, so the server replays the whole log as fast as it
 * can send it, and times the reader until it has the last seq. The server runs in its own process, so the bench
 * process's CPU (`process.cpuUsage`) is the reader's. Readers, alternated round by round so drift hits all alike:
 *
 * - `raw ws`: a `ws` socket that JSON-parses each frame and keeps the seq (the floor any client pays);
 * - `client (ws)`: `RunwireClient` on the same `ws` socket class: the client's own overhead, like for like;
 * - `client (global)`: `RunwireClient` on Node's global `WebSocket` (undici), as apps on Node 22+ use it.
 *
 * Run with `npm run build && npm run bench:client [-- --events 10000 --rounds 5]`.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startServerProcess } from '../../runwire/test/helpers/server-process.js';
import { RunwireClient, type WebSocketConstructor } from '../src/index.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } },
});
const wantedEvents = Number(values.events);
const rounds = Number(values.rounds);

const server = await startServerProcess({ args: ['--event-retention-count', String(wantedEvents * 2)] });
process.on('exit', () => server.child.kill('SIGKILL'));
const token = await server.token('bench');

/** Fills the log with echo runs of 100 thinking steps (104 events each), through one client. */
async function fill(): Promise<number> {
  const filler = new RunwireClient({ url: server.wsUrl, token });
  while ((filler.lastSeq ?? 0) < wantedEvents) {
    const batch = await Promise.all(
      Array.from({ length: 4 }, () => filler.startAgent('echo', { text: 'x', steps: 100, delayMs: 0 })),
    );
    await Promise.all(batch.map((run) => run.result));
  }
  const last = filler.lastSeq ?? 0;
  filler.close();
  return last;
}

interface Sample {
  ms: number;
  cpuUs: number;
}

/** Reads the whole log with a raw ws socket. */
function readRaw(lastSeq: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server.wsUrl}?after=0`, { headers: { authorization: `Bearer ${token}` } });
    let seen = 0;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { seq?: number };
      if (typeof frame.seq === 'number') {
        seen = frame.seq;
        if (seen === lastSeq) {
          socket.close();
          resolve();
        }
      }
    });
    socket.on('error', reject);
  });
}

/** Reads the whole log with a RunwireClient, counting what it hands to `on('event')`. */
function readClient(lastSeq: number, Ctor: WebSocketConstructor | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new RunwireClient({
      url: server.wsUrl,
      token,
      resumeAfter: 0,
      ...(Ctor === undefined ? {} : { WebSocket: Ctor }),
    });
    let count = 0;
    client.on('event', (event) => {
      count++;
      if (event.seq === lastSeq) {
        client.close();
        if (count !== lastSeq) reject(new Error(`client handed out ${count} events for ${lastSeq} seqs`));
        else resolve();
      }
    });
    client.connect().catch(reject);
  });
}

async function measure(read: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await read();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuUs: used.user + used.system };
}

const lastSeq = await fill();
console.log(`log filled: ${lastSeq} events; ${rounds} rounds per reader, alternating`);
const readers: Record<string, () => Promise<void>> = {
  'raw ws': () => readRaw(lastSeq),
  'client (ws)': () => readClient(lastSeq, WebSocket as unknown as WebSocketConstructor),
  'client (global)': () => readClient(lastSeq, undefined),
};
const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(readers).map((k) => [k, []]));
// One warm-up round of each, not counted.
for (const read of Object.values(readers)) await read();
for (let r = 0; r < rounds; r++) {
  const order = Object.keys(readers);
  if (r % 2 === 1) order.reverse();
  for (const name of order) samples[name]!.push(await measure(readers[name]!));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const summary = Object.entries(samples).map(([name, xs]) => ({
  name,
  eventsPerSecond: Math.round(lastSeq / (median(xs.map((x) => x.ms)) / 1000)),
  cpuUsPerEvent: median(xs.map((x) => x.cpuUs)) / lastSeq,
}));
const raw = summary[0]!;
console.log('\nreader            events/s   CPU µs/event   CPU vs raw   events/s vs raw');
for (const s of summary) {
  console.log(
    `${s.name.padEnd(16)} ${String(s.eventsPerSecond).padStart(9)}   ${s.cpuUsPerEvent.toFixed(2).padStart(12)}   ${(s.cpuUsPerEvent / raw.cpuUsPerEvent).toFixed(2).padStart(9)}×   ${(s.eventsPerSecond / raw.eventsPerSecond).toFixed(2).padStart(14)}×`,
  );
}
const worst = summary.find((s) => s.name === 'client (ws)')!;
const ratio = worst.cpuUsPerEvent / raw.cpuUsPerEvent;
console.log(`\nclient (ws) CPU per event is ${ratio.toFixed(2)}× raw (target: within 1.5×)`);
console.log("(events/s is bounded by how fast the server replays; CPU per event is the reader's own cost)");
await server.stop('SIGTERM');
