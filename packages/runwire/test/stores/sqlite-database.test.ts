import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { FakeClock } from '../../src/clock.js';
import { StoreClosedError } from '../../src/errors.js';
import type { UnsequencedRunEvent } from '../../src/protocol/run-events.js';
import { SqliteDatabase } from '../../src/stores/sqlite/sqlite-database.js';
import { SqliteEventLog } from '../../src/stores/sqlite/sqlite-event-log.js';
import { RUNWIRE_APPLICATION_ID, SQLITE_MIGRATIONS } from '../../src/stores/sqlite/sqlite-migrations.js';
import { SqliteRunStore } from '../../src/stores/sqlite/sqlite-run-store.js';
import { DEFAULT_SQLITE_FILE, sqliteStores } from '../../src/stores/sqlite/sqlite-stores.js';
import { runRecord } from '../conformance/run-store.suite.js';

function partial(userId: string, delta: string): UnsequencedRunEvent {
  return {
    type: 'partial_result',
    runId: `run_${userId}`,
    threadId: `thr_${userId}`,
    userId,
    agent: 'echo',
    ts: '2026-01-01T00:00:00.000Z',
    delta,
  };
}

describe('SqliteDatabase', () => {
  let dir: string;
  let file: string;
  const clock = new FakeClock();
  const opened: SqliteDatabase[] = [];

  function open(options: Partial<Parameters<typeof SqliteDatabase.open>[0]> = {}): SqliteDatabase {
    const db = SqliteDatabase.open({ file, ...options });
    opened.push(db);
    return db;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runwire-db-'));
    file = join(dir, 'nested', 'dirs', 'runwire.db');
  });

  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('open', () => {
    it('creates the directory, switches to WAL and applies every migration, each recorded', () => {
      const db = open();
      assert.ok(existsSync(file));
      assert.equal(db.file, file);
      assert.equal(db.schemaVersion, SQLITE_MIGRATIONS.length);
      db.close();
      const raw = new Database(file, { readonly: true });
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(raw.pragma('application_id', { simple: true }), RUNWIRE_APPLICATION_ID);
      assert.deepEqual(
        raw.prepare('SELECT version, description FROM schema_migrations ORDER BY version').all(),
        SQLITE_MIGRATIONS.map((m) => ({ version: m.version, description: m.description })),
      );
      raw.close();
    });

    it('waits for the disk at every commit by default (synchronous FULL) and less when asked (NORMAL)', () => {
      const full = open();
      assert.equal(full.synchronous, 'full');
      assert.equal(full.prepare('PRAGMA synchronous').pluck().get(), 2);
      assert.equal(full.prepare('PRAGMA foreign_keys').pluck().get(), 1);
      assert.equal(full.prepare('PRAGMA busy_timeout').pluck().get(), 5000);
      const normal = open({ synchronous: 'normal', busyTimeoutMs: 1234 });
      assert.equal(normal.prepare('PRAGMA synchronous').pluck().get(), 1);
      assert.equal(normal.prepare('PRAGMA busy_timeout').pluck().get(), 1234);
    });

    it('opens an existing database again without migrating it twice, and keeps its data', async () => {
      const first = open();
      const log = new SqliteEventLog(first, clock);
      await log.append(partial('user_a', 'x'));
      await log.close();
      assert.equal(first.closed, true);
      const second = open();
      assert.equal(second.schemaVersion, SQLITE_MIGRATIONS.length);
      assert.equal(second.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), SQLITE_MIGRATIONS.length);
      assert.equal(second.prepare('SELECT count(*) FROM events').pluck().get(), 1);
    });
  });

  describe('group commit', () => {
    it('commits the writes of one tick in one transaction and settles each only after that commit', async () => {
      const db = open();
      const log = new SqliteEventLog(db, clock);
      const observer = new Database(file, { readonly: true });
      const count = observer.prepare('SELECT count(*) FROM events').pluck();
      const commitsBefore = db.commits;
      let settled = 0;
      const appends = Array.from({ length: 100 }, (_, i) =>
        log.append(partial(`user_${i % 4}`, `#${i}`)).then((event) => {
          settled++;
          assert.equal(count.get(), 100, 'another connection sees every write of the batch when one settles');
          return event;
        }),
      );
      assert.equal(db.pendingWrites, 1, 'the log hands the appends of one turn to the database as one write');
      assert.equal(count.get(), 0, 'nothing is written before the tick ends');
      await Promise.all(appends);
      assert.equal(settled, 100);
      assert.equal(db.commits - commitsBefore, 1);
      observer.close();
      await log.close();
    });

    it('rejects only the faulty write of a batch: the others commit, in order, with gap-free seqs', async () => {
      const db = open();
      const log = new SqliteEventLog(db, clock);
      const runs = new SqliteRunStore(db);
      const results = await Promise.allSettled([
        log.append(partial('user_a', 'one')),
        runs.put(runRecord({ runId: 'run_good' })),
        // A fractional time violates the STRICT INTEGER column.
        runs.put(runRecord({ runId: 'run_bad', createdAt: 1.5 })),
        log.append(partial('user_a', 'two')),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      );
      const rejected = results[2] as PromiseRejectedResult;
      assert.match(String(rejected.reason), /cannot store REAL value in INTEGER column runs\.created_at/);
      assert.deepEqual(
        (await log.read('user_a', 0)).map((e) => [e.seq, e.type === 'partial_result' ? e.delta : '']),
        [
          [1, 'one'],
          [2, 'two'],
        ],
      );
      assert.equal((await runs.get('run_good'))?.runId, 'run_good');
      assert.equal(await runs.get('run_bad'), undefined);
      await runs.close();
      await log.close();
    });

    it('gives gap-free seqs to two connections appending to one file at the same time', async () => {
      const a = new SqliteEventLog(open(), clock);
      const b = new SqliteEventLog(open(), clock);
      const appended = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? a : b).append(partial('user_shared', `#${i}`))),
      );
      assert.deepEqual(
        appended.map((e) => e.seq).sort((x, y) => x - y),
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        (await a.read('user_shared', 0)).map((e) => e.seq),
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
      await a.close();
      await b.close();
    });
  });

  describe('lifecycle', () => {
    it('refuses use after close with a StoreClosedError that names the file', async () => {
      const db = open();
      const log = new SqliteEventLog(db, clock);
      const runs = new SqliteRunStore(db);
      await log.close();
      await assert.rejects(log.append(partial('user_a', 'x')), {
        name: 'StoreClosedError',
        code: 'store_closed',
        message: `The event log on '${file}' is closed; create a new store (or runtime) to use it again`,
      });
      await runs.close();
      await assert.rejects(runs.get('run_1'), StoreClosedError);
      await assert.rejects(
        db.write(() => 1),
        {
          message: `Database '${file}' is closed; create a new store (or runtime) to use it again`,
        },
      );
      assert.equal(db.check(), false);
    });

    it('commits pending writes at close', async () => {
      const db = open();
      const log = new SqliteEventLog(db, clock);
      const pending = log.append(partial('user_a', 'last words'));
      await log.close();
      assert.equal((await pending).seq, 1);
      const again = new SqliteEventLog(open(), clock);
      assert.equal((await again.read('user_a', 0)).length, 1);
      await again.close();
    });
  });

  describe('sqliteStores', () => {
    it('builds the runtime stores on one file, reports health, and closes the file with its last store', async () => {
      const stores = sqliteStores({ file, clock });
      assert.deepEqual(await stores.health?.(), { store: true });
      await stores.runs.put(runRecord({ runId: 'run_1' }));
      await stores.events.append(partial('user_a', 'x'));
      await stores.events.close();
      assert.deepEqual(await stores.health?.(), { store: true }, 'the run store still uses the file');
      assert.equal((await stores.runs.get('run_1'))?.runId, 'run_1');
      await stores.runs.close();
      assert.deepEqual(await stores.health?.(), { store: true }, 'the quality rollups still use the file');
      await stores.rollups?.close();
      assert.deepEqual(await stores.health?.(), { store: true }, 'the thread store still uses the file');
      await stores.threads?.close();
      assert.deepEqual(await stores.health?.(), { store: true }, 'the check score history still uses the file');
      await stores.checks?.close();
      assert.deepEqual(await stores.health?.(), { store: false });
      await stores.bus.close();
    });

    it(`keeps its database at ${DEFAULT_SQLITE_FILE} under the working directory by default`, async () => {
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const stores = sqliteStores({ clock });
        await stores.events.close();
        await stores.runs.close();
        await stores.rollups?.close();
        await stores.threads?.close();
        await stores.checks?.close();
        assert.ok(existsSync(join(dir, '.runwire', 'runwire.db')));
      } finally {
        process.chdir(cwd);
      }
    });
  });
});
