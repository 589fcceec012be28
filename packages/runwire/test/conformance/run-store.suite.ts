import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RunId, ThreadId, UserId } from '../../src/ids.js';
import type { RunStore } from '../../src/stores/run-store.js';
import type { RunRecord } from '../../src/tracker/run-record.js';

/** What an implementation hands the suite: a fresh, empty store. */
export interface RunStoreHarness {
  readonly store: RunStore;
  /** Closes the store (if the test did not) and removes what it left (files, keys). */
  cleanup(): Promise<void>;
  /** Durable stores: closes the store and opens a new one on the same data. */
  reopen?(): Promise<RunStore>;
}

const T0 = Date.UTC(2026, 0, 1);

/** A complete record with every optional field absent; `fields` override. */
export function runRecord(
  fields: Partial<Omit<RunRecord, 'runId' | 'userId' | 'threadId'>> & {
    runId: string;
    userId?: string;
    threadId?: string;
  },
): RunRecord {
  const { runId, userId, threadId, ...rest } = fields;
  return {
    runId: runId as RunId,
    userId: (userId ?? 'user_a') as UserId,
    threadId: (threadId ?? 'thr_1') as ThreadId,
    agent: 'echo',
    status: 'pending',
    createdAt: T0,
    lastHeartbeatAt: T0,
    timeoutMs: 60_000,
    lastSeq: 0,
    nodeId: 'node_1',
    ...rest,
  };
}

/** A finished record with every optional field set. */
function fullRecord(runId: string): RunRecord {
  return runRecord({
    runId,
    userId: 'user_full',
    threadId: 'thr_full',
    agent: 'supervisor',
    status: 'failed',
    createdAt: T0 + 1,
    startedAt: T0 + 2,
    endedAt: T0 + 900,
    lastHeartbeatAt: T0 + 800,
    timeoutMs: 15 * 60_000,
    deadlineAt: T0 + 2 + 15 * 60_000,
    lastSeq: 41,
    error: { code: 'agent_failed', message: 'Agent \'supervisor\' threw: boom ünïcödé "quoted"' },
    finalResponse: 'partial answer\nwith a second line',
    cancelReason: 'interrupted',
    nodeId: 'node_full',
    metadata: { source: 'test', nested: { list: [1, 'two', null, true, { deep: 3.5 }] }, empty: {} },
  });
}

function ids(records: readonly RunRecord[]): string[] {
  return records.map((r) => r.runId);
}

/**
 * The `RunStore` contract, run against one implementation. Every implementation (memory, SQLite, Redis) calls this
 * from its own test file with a factory of fresh, empty stores.
 */
export function runStoreConformance(name: string, make: () => Promise<RunStoreHarness>): void {
  describe(`RunStore conformance: ${name}`, () => {
    let harness: RunStoreHarness;
    let store: RunStore;

    beforeEach(async () => {
      harness = await make();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    async function putAll(records: readonly RunRecord[]): Promise<void> {
      for (const record of records) await store.put(record);
    }

    /** Every page of a listing, following `next` until it is absent. */
    async function allPages(userId: string, query: Omit<Parameters<RunStore['list']>[1], 'before'>) {
      const pages: RunRecord[][] = [];
      let before: string | undefined;
      for (let guard = 0; guard < 100; guard++) {
        const page = await store.list(userId, before === undefined ? query : { ...query, before });
        pages.push(page.runs);
        if (page.next === undefined) return pages;
        assert.ok(page.runs.length > 0, 'a page with a next cursor holds runs');
        before = page.next;
      }
      assert.fail('listing did not end after 100 pages');
    }

    describe('put and get', () => {
      it('returns every field of a record as it was put, the optional ones included', async () => {
        const record = fullRecord('run_full');
        await store.put(record);
        assert.deepEqual(await store.get('run_full'), record);
      });

      it('returns a record without the optional fields it never had', async () => {
        const record = runRecord({ runId: 'run_min' });
        await store.put(record);
        const got = await store.get('run_min');
        assert.deepEqual(got, record);
        for (const field of ['startedAt', 'endedAt', 'deadlineAt', 'error', 'finalResponse', 'cancelReason']) {
          assert.equal(Object.hasOwn(got ?? {}, field), false, `${field} is absent`);
        }
        assert.equal(Object.hasOwn(got ?? {}, 'metadata'), false, 'metadata is absent');
      });

      it('returns undefined for a run that was never put', async () => {
        assert.equal(await store.get('run_missing'), undefined);
      });

      it('replaces a record on a second put: its fields win and fields absent from it are gone', async () => {
        await store.put({ ...fullRecord('run_1'), status: 'completing' });
        const replacement = runRecord({ runId: 'run_1', userId: 'user_full', status: 'running', startedAt: T0 + 5 });
        await store.put(replacement);
        assert.deepEqual(await store.get('run_1'), replacement);
      });

      it('keeps a terminal record: a later put of the same run changes nothing', async () => {
        const dead = runRecord({
          runId: 'run_1',
          status: 'dead',
          startedAt: T0 + 1,
          endedAt: T0 + 50,
          error: { code: 'node_lost', message: 'lost with its node' },
          nodeId: 'node_b',
        });
        await store.put(runRecord({ runId: 'run_1', status: 'running', startedAt: T0 + 1 }));
        await store.put(dead);
        // A late write of another ending (the paused node's agent finished) and one of an earlier state.
        await store.put(
          runRecord({
            runId: 'run_1',
            status: 'completed',
            startedAt: T0 + 1,
            endedAt: T0 + 60,
            finalResponse: 'late',
          }),
        );
        assert.deepEqual(await store.get('run_1'), dead);
        await store.put(runRecord({ runId: 'run_1', status: 'running', startedAt: T0 + 1 }));
        assert.deepEqual(await store.get('run_1'), dead);
        assert.deepEqual(await store.listActive(), [], 'not active again');
        assert.deepEqual(ids((await store.list('user_a', { status: 'dead', limit: 10 })).runs), ['run_1']);
        assert.deepEqual((await store.list('user_a', { status: 'completed', limit: 10 })).runs, []);
        assert.equal(await store.prune(T0 + 51), 1, 'pruned by the end time it kept');
      });

      it('keeps the last of several puts of one run issued without waiting', async () => {
        const versions = (['pending', 'starting', 'running', 'completing', 'completed'] as const).map((status, i) =>
          runRecord({ runId: 'run_seq', status, lastSeq: i }),
        );
        await Promise.all(versions.map((v) => store.put(v)));
        assert.deepEqual(await store.get('run_seq'), versions[versions.length - 1]);
      });

      it('keeps its own copy: changing a record after put or after get does not change the stored one', async () => {
        const record = fullRecord('run_copy');
        const original = structuredClone(record);
        await store.put(record);
        record.status = 'completed';
        record.error = { code: 'changed', message: 'changed' };
        const got = await store.get('run_copy');
        assert.ok(got !== undefined);
        got.status = 'dead';
        got.lastSeq = 99;
        assert.deepEqual(await store.get('run_copy'), original);
      });
    });

    describe('list', () => {
      it("lists a user's runs newest first, then by run id from the largest when created at the same time", async () => {
        await putAll([
          runRecord({ runId: 'run_b', createdAt: T0 + 10 }),
          runRecord({ runId: 'run_a', createdAt: T0 + 30 }),
          runRecord({ runId: 'run_d', createdAt: T0 + 20 }),
          runRecord({ runId: 'run_c', createdAt: T0 + 20 }),
        ]);
        const page = await store.list('user_a', { limit: 10 });
        assert.deepEqual(ids(page.runs), ['run_a', 'run_d', 'run_c', 'run_b']);
        assert.equal(page.next, undefined);
      });

      it('pages through 25 runs with cursors: every run once, in order, and no next on the last page', async () => {
        // Creation times repeat in threes, so page boundaries fall inside groups of equal times.
        const records = Array.from({ length: 25 }, (_, i) =>
          runRecord({ runId: `run_${String(i).padStart(2, '0')}`, createdAt: T0 + Math.floor(i / 3) }),
        );
        await putAll([...records].reverse());
        const pages = await allPages('user_a', { limit: 10 });
        assert.deepEqual(
          pages.map((p) => p.length),
          [10, 10, 5],
        );
        const expected = [...records].sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : -1));
        assert.deepEqual(ids(pages.flat()), ids(expected));
      });

      it('gives no next when the last page is exactly full', async () => {
        await putAll(Array.from({ length: 4 }, (_, i) => runRecord({ runId: `run_${i}`, createdAt: T0 + i })));
        const first = await store.list('user_a', { limit: 2 });
        assert.deepEqual(ids(first.runs), ['run_3', 'run_2']);
        assert.ok(first.next !== undefined);
        const second = await store.list('user_a', { limit: 2, before: first.next });
        assert.deepEqual(ids(second.runs), ['run_1', 'run_0']);
        assert.equal(second.next, undefined);
      });

      it('lists a user without runs as an empty page without next', async () => {
        await store.put(runRecord({ runId: 'run_other', userId: 'user_b' }));
        assert.deepEqual(await store.list('user_nobody', { limit: 20 }), { runs: [] });
      });

      it("lists only the asking user's runs", async () => {
        await putAll([
          runRecord({ runId: 'run_a1', userId: 'user_a', createdAt: T0 + 1 }),
          runRecord({ runId: 'run_b1', userId: 'user_b', createdAt: T0 + 2 }),
          runRecord({ runId: 'run_a2', userId: 'user_a', createdAt: T0 + 3 }),
          runRecord({ runId: 'run_b2', userId: 'user_b', createdAt: T0 + 4 }),
        ]);
        assert.deepEqual(ids((await store.list('user_a', { limit: 20 })).runs), ['run_a2', 'run_a1']);
        assert.deepEqual(ids((await store.list('user_b', { limit: 20 })).runs), ['run_b2', 'run_b1']);
      });

      it('filters by status', async () => {
        await putAll([
          runRecord({ runId: 'run_1', status: 'completed', createdAt: T0 + 1 }),
          runRecord({ runId: 'run_2', status: 'running', createdAt: T0 + 2 }),
          runRecord({ runId: 'run_3', status: 'completed', createdAt: T0 + 3 }),
          runRecord({ runId: 'run_4', status: 'completed', userId: 'user_b', createdAt: T0 + 4 }),
        ]);
        assert.deepEqual(ids((await store.list('user_a', { status: 'completed', limit: 20 })).runs), [
          'run_3',
          'run_1',
        ]);
        assert.deepEqual(ids((await store.list('user_a', { status: 'running', limit: 20 })).runs), ['run_2']);
        assert.deepEqual((await store.list('user_a', { status: 'dead', limit: 20 })).runs, []);
      });

      it('filters by thread', async () => {
        await putAll([
          runRecord({ runId: 'run_1', threadId: 'thr_x', createdAt: T0 + 1 }),
          runRecord({ runId: 'run_2', threadId: 'thr_y', createdAt: T0 + 2 }),
          runRecord({ runId: 'run_3', threadId: 'thr_x', createdAt: T0 + 3 }),
        ]);
        assert.deepEqual(ids((await store.list('user_a', { threadId: 'thr_x', limit: 20 })).runs), ['run_3', 'run_1']);
      });

      it('pages through runs filtered by status and thread together', async () => {
        const records: RunRecord[] = [];
        for (let i = 0; i < 30; i++) {
          records.push(
            runRecord({
              runId: `run_${String(i).padStart(2, '0')}`,
              threadId: i % 2 === 0 ? 'thr_even' : 'thr_odd',
              status: i % 3 === 0 ? 'completed' : 'cancelled',
              createdAt: T0 + Math.floor(i / 4),
            }),
          );
        }
        await putAll(records);
        const pages = await allPages('user_a', { status: 'completed', threadId: 'thr_even', limit: 2 });
        const expected = records
          .filter((r) => r.status === 'completed' && r.threadId === 'thr_even')
          .sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : -1));
        assert.deepEqual(ids(pages.flat()), ids(expected));
        assert.equal(pages.flat().length, 5);
      });
    });

    describe('listActive', () => {
      it('lists the runs that are not terminal, of every node or of one node', async () => {
        await putAll([
          runRecord({ runId: 'run_p', status: 'pending', nodeId: 'node_1' }),
          runRecord({ runId: 'run_s', status: 'starting', nodeId: 'node_2', userId: 'user_b' }),
          runRecord({ runId: 'run_r', status: 'running', nodeId: 'node_1' }),
          runRecord({ runId: 'run_c', status: 'completing', nodeId: 'node_2' }),
          ...(['completed', 'failed', 'timeout', 'dead', 'cancelled'] as const).map((status) =>
            runRecord({ runId: `run_${status}`, status, nodeId: 'node_1', endedAt: T0 + 5 }),
          ),
        ]);
        assert.deepEqual(ids(await store.listActive()).sort(), ['run_c', 'run_p', 'run_r', 'run_s']);
        assert.deepEqual(ids(await store.listActive('node_1')).sort(), ['run_p', 'run_r']);
        assert.deepEqual(ids(await store.listActive('node_2')).sort(), ['run_c', 'run_s']);
        assert.deepEqual(await store.listActive('node_none'), []);
      });

      it('drops a run from the active list once a put makes it terminal', async () => {
        await store.put(runRecord({ runId: 'run_1', status: 'running' }));
        assert.deepEqual(ids(await store.listActive()), ['run_1']);
        await store.put(runRecord({ runId: 'run_1', status: 'dead', endedAt: T0 + 1 }));
        assert.deepEqual(await store.listActive(), []);
      });
    });

    describe('prune', () => {
      it('drops the runs that ended before the cutoff and returns how many', async () => {
        await putAll([
          runRecord({ runId: 'run_old', status: 'completed', endedAt: T0 + 10 }),
          runRecord({ runId: 'run_older', status: 'failed', endedAt: T0 + 1, userId: 'user_b' }),
          runRecord({ runId: 'run_at_cutoff', status: 'cancelled', endedAt: T0 + 100 }),
          runRecord({ runId: 'run_new', status: 'completed', endedAt: T0 + 200 }),
          runRecord({ runId: 'run_running', status: 'running' }),
        ]);
        assert.equal(await store.prune(T0 + 100), 2);
        assert.equal(await store.get('run_old'), undefined);
        assert.equal(await store.get('run_older'), undefined);
        assert.deepEqual(ids((await store.list('user_a', { limit: 20 })).runs).sort(), [
          'run_at_cutoff',
          'run_new',
          'run_running',
        ]);
        assert.deepEqual((await store.list('user_b', { limit: 20 })).runs, []);
        assert.equal(await store.prune(T0 + 100), 0);
      });
    });

    describe('lifecycle', () => {
      it('can be closed twice', async () => {
        await store.put(runRecord({ runId: 'run_1' }));
        await store.close();
        await store.close();
      });

      it('keeps every record across a close and reopen', async (t) => {
        if (harness.reopen === undefined) {
          t.skip('not a durable store');
          return;
        }
        const records = [
          fullRecord('run_full'),
          runRecord({ runId: 'run_1', status: 'running', createdAt: T0 + 1 }),
          runRecord({ runId: 'run_2', createdAt: T0 + 2 }),
        ];
        await putAll(records);
        store = await harness.reopen();
        assert.deepEqual(await store.get('run_full'), records[0]);
        assert.deepEqual(ids((await store.list('user_a', { limit: 20 })).runs), ['run_2', 'run_1']);
        assert.deepEqual(ids(await store.listActive()).sort(), ['run_1', 'run_2']);
      });
    });
  });
}
