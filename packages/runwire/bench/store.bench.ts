/**
 * Store benchmark (issue 4): event appends per second and replay events per second, for the memory log (the
 * baseline) and the SQLite log, measured in the same run through the real `EventLog.append` and `read` paths. Every
 * SQLite append resolves only after its transaction committed (group commit, `synchronous=FULL` unless noted).
 * Concurrency is closed-loop: each of 10 users keeps N appends in flight (N = 1 is what the runtime's per-user
 * publisher chain does; larger N is many runs of one user, or a pipelining publisher).
 * Target: at least 20,000 durable appends/s on SQLite (FULL, 10 users × 10 in flight). Exits 1 when missed.
 *
 * Run: `npm run bench:store`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../src/clock.js';
import type { UnsequencedRunEvent } from '../src/protocol/run-events.js';
import type { EventLog } from '../src/stores/event-log.js';
import { MemoryEventLog } from '../src/stores/memory/memory-event-log.js';
import { SqliteDatabase, type SqliteSynchronous } from '../src/stores/sqlite/sqlite-database.js';
import { SqliteEventLog } from '../src/stores/sqlite/sqlite-event-log.js';
import { fmt, median } from './bench-stats.js';

const TARGET_APPENDS_PER_S = 20_000;
const TARGET_IN_FLIGHT = 10;
const USERS = 10;
const IN_FLIGHT = [1, 10, 100] as const;
/** Appends per round for each concurrency: fewer where each commit carries few appends, to keep rounds short. */
const APPENDS_PER_ROUND: Readonly<Record<(typeof IN_FLIGHT)[number], number>> = { 1: 5_000, 10: 20_000, 100: 40_000 };
const ROUNDS = 5;
const REPLAY_PAGE = 1_000;

type Kind = 'memory' | `sqlite ${SqliteSynchronous}`;
const KINDS: readonly Kind[] = ['memory', 'sqlite full', 'sqlite normal'];

const clock = new FakeClock();
const reasoning = 'Considering the next step of the plan: which tool to call, with which parameters, and why. '.repeat(
  2,
);

function event(userId: string, i: number): UnsequencedRunEvent {
  return {
    type: 'agent_thinking',
    runId: `run_${userId}_${i % 7}`,
    threadId: `thr_${userId}`,
    userId,
    agent: 'supervisor',
    ts: '2026-01-01T00:00:00.000Z',
    reasoning,
    step: i + 1,
  };
}

interface Opened {
  readonly log: EventLog;
  close(): Promise<void>;
}

function open(kind: Kind): Opened {
  if (kind === 'memory') {
    const log = new MemoryEventLog(clock, { maxAgeMs: 86_400_000, maxEventsPerUser: 1_000_000 });
    return { log, close: () => log.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'runwire-bench-'));
  const synchronous: SqliteSynchronous = kind === 'sqlite full' ? 'full' : 'normal';
  const log = new SqliteEventLog(SqliteDatabase.open({ file: join(dir, 'bench.db'), synchronous }), clock);
  return {
    log,
    async close() {
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `USERS × inFlight` workers, each appending its user's events one after another; returns appends/s. */
async function appendRound(log: EventLog, inFlight: number): Promise<number> {
  const perWorker = Math.ceil(APPENDS_PER_ROUND[inFlight as (typeof IN_FLIGHT)[number]] / (USERS * inFlight));
  const workers: Promise<void>[] = [];
  const started = process.hrtime.bigint();
  for (let u = 0; u < USERS; u++) {
    for (let w = 0; w < inFlight; w++) {
      workers.push(
        (async () => {
          for (let i = 0; i < perWorker; i++) await log.append(event(`user_${u}`, i));
        })(),
      );
    }
  }
  await Promise.all(workers);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (perWorker * USERS * inFlight) / seconds;
}

/** Reads every user's log from the start in pages, as a reconnecting client's replay does; returns events/s. */
async function replayRound(log: EventLog): Promise<number> {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let u = 0; u < USERS; u++) {
    let after = 0;
    for (;;) {
      const page = await log.read(`user_${u}`, after, REPLAY_PAGE);
      if (page.length === 0) break;
      events += page.length;
      after = page[page.length - 1]?.seq ?? after;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return events / seconds;
}

const appends = new Map<string, number>();
const replays = new Map<Kind, number>();
for (const kind of KINDS) {
  const replaySamples: number[] = [];
  for (const inFlight of IN_FLIGHT) {
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { log, close } = open(kind);
      samples.push(await appendRound(log, inFlight));
      if (inFlight === TARGET_IN_FLIGHT) replaySamples.push(await replayRound(log));
      await close();
    }
    appends.set(`${kind}/${inFlight}`, median(samples));
  }
  replays.set(kind, median(replaySamples));
}

const col = (text: string, width: number): string => text.padStart(width);
console.log(
  `store bench: ${USERS} users, events of ~${JSON.stringify(event('user_0', 0)).length} bytes, ` +
    `median of ${ROUNDS} rounds (${Object.values(APPENDS_PER_ROUND).map(fmt).join(' / ')} appends per round)`,
);
console.log('\nappends/s through EventLog.append (SQLite: each resolves after its commit)');
console.log(
  `${'in flight per user'.padEnd(20)}${col('memory', 14)}${col('sqlite FULL', 14)}${col('sqlite NORMAL', 15)}` +
    `${col('FULL/memory', 13)}${col('NORMAL/memory', 15)}`,
);
for (const inFlight of IN_FLIGHT) {
  const memory = appends.get(`memory/${inFlight}`) ?? 0;
  const full = appends.get(`sqlite full/${inFlight}`) ?? 0;
  const normal = appends.get(`sqlite normal/${inFlight}`) ?? 0;
  console.log(
    `${String(inFlight).padEnd(20)}${col(fmt(memory), 14)}${col(fmt(full), 14)}${col(fmt(normal), 15)}` +
      `${col((full / memory).toFixed(3), 13)}${col((normal / memory).toFixed(3), 15)}`,
  );
}
const memoryReplay = replays.get('memory') ?? 0;
console.log(`\nreplay events/s (each user's log read from seq 0 in pages of ${fmt(REPLAY_PAGE)})`);
for (const kind of KINDS) {
  const rate = replays.get(kind) ?? 0;
  console.log(`${kind.padEnd(20)}${col(fmt(rate), 14)}   ${kind}/memory ${(rate / memoryReplay).toFixed(3)}`);
}

const durable = appends.get(`sqlite full/${TARGET_IN_FLIGHT}`) ?? 0;
const met = durable >= TARGET_APPENDS_PER_S;
console.log(
  `\ntarget: ≥ ${fmt(TARGET_APPENDS_PER_S)} durable appends/s on SQLite (FULL, ${USERS} users × ${TARGET_IN_FLIGHT} ` +
    `in flight): ${fmt(durable)}/s → ${met ? 'met' : 'MISSED'}`,
);
process.exit(met ? 0 : 1);
