import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ThreadMessageRecord, ThreadStore } from '../../src/stores/thread-store.js';

/** What an implementation hands the suite: a fresh, empty store. */
export interface ThreadStoreHarness {
  readonly store: ThreadStore;
  /** Closes the store (if the test did not) and removes what it left (files, keys). */
  cleanup(): Promise<void>;
  /** Durable stores: closes the store and opens a new one on the same data. */
  reopen?(): Promise<ThreadStore>;
}

const T0 = Date.UTC(2026, 0, 1);

function user(content: string, runId: string, at: number): ThreadMessageRecord {
  return { role: 'user', content, runId, createdAt: at };
}
function assistant(content: string, runId: string, at: number): ThreadMessageRecord {
  return { role: 'assistant', content, runId, createdAt: at };
}
function toolCall(runId: string, at: number, toolCallId = 'call_1'): ThreadMessageRecord {
  return {
    role: 'tool',
    content: JSON.stringify({ parameters: { expression: '2+2' }, result: { value: 4 } }),
    runId,
    toolCallId,
    toolName: 'calculator',
    createdAt: at,
  };
}

/** The `ThreadStore` contract, run against one implementation. */
export function threadStoreConformance(name: string, open: () => Promise<ThreadStoreHarness>): void {
  describe(`ThreadStore conformance: ${name}`, () => {
    let harness: ThreadStoreHarness;
    let store: ThreadStore;
    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('keeps a thread’s messages in order, every field as appended', async () => {
      await store.append('alice', 'thr_1', [user('What is 2+2?', 'run_1', T0)]);
      await store.append('alice', 'thr_1', [toolCall('run_1', T0 + 1), assistant('4', 'run_1', T0 + 2)]);
      const page = await store.messages('alice', 'thr_1', { limit: 10 });
      assert.deepEqual(page, {
        messages: [user('What is 2+2?', 'run_1', T0), toolCall('run_1', T0 + 1), assistant('4', 'run_1', T0 + 2)],
      });
    });

    it('pages messages oldest first with a cursor', async () => {
      const all = Array.from({ length: 5 }, (_, i) => user(`m${i}`, `run_${i}`, T0 + i));
      for (const message of all) await store.append('alice', 'thr_1', [message]);
      const first = await store.messages('alice', 'thr_1', { limit: 2 });
      assert.deepEqual(
        first?.messages.map((m) => m.content),
        ['m0', 'm1'],
      );
      assert.ok(first?.next);
      const second = await store.messages('alice', 'thr_1', { limit: 2, after: first.next });
      assert.deepEqual(
        second?.messages.map((m) => m.content),
        ['m2', 'm3'],
      );
      const third = await store.messages('alice', 'thr_1', { limit: 2, after: second!.next! });
      assert.deepEqual(third, { messages: [user('m4', 'run_4', T0 + 4)] });
    });

    it('gives the newest messages, oldest first, bounded by the limit', async () => {
      for (let i = 0; i < 6; i++) await store.append('alice', 'thr_1', [user(`m${i}`, `run_${i}`, T0 + i)]);
      assert.deepEqual(
        (await store.recent('alice', 'thr_1', 3)).map((m) => m.content),
        ['m3', 'm4', 'm5'],
      );
      assert.equal((await store.recent('alice', 'thr_1', 50)).length, 6);
      assert.deepEqual(await store.recent('alice', 'thr_1', 0), []);
      assert.deepEqual(await store.recent('alice', 'thr_missing', 5), []);
    });

    it('answers another user’s thread exactly like a missing one', async () => {
      await store.append('alice', 'thr_1', [user('secret', 'run_1', T0)]);
      assert.equal(await store.messages('bob', 'thr_1', { limit: 10 }), undefined);
      assert.equal(await store.messages('bob', 'thr_nope', { limit: 10 }), undefined);
      assert.deepEqual(await store.recent('bob', 'thr_1', 10), []);
      assert.deepEqual(await store.list('bob', { limit: 10 }), { threads: [] });
      assert.equal(await store.deleteThread('bob', 'thr_1'), false);
      assert.equal((await store.messages('alice', 'thr_1', { limit: 10 }))?.messages.length, 1);
    });

    it('keeps the same thread id of two users apart', async () => {
      await store.append('alice', 'thr_same', [user('from alice', 'run_a', T0)]);
      await store.append('bob', 'thr_same', [user('from bob', 'run_b', T0 + 1)]);
      assert.deepEqual(
        (await store.messages('alice', 'thr_same', { limit: 10 }))?.messages.map((m) => m.content),
        ['from alice'],
      );
      assert.deepEqual(
        (await store.messages('bob', 'thr_same', { limit: 10 }))?.messages.map((m) => m.content),
        ['from bob'],
      );
    });

    it('lists threads newest first with title, times and last run, paged', async () => {
      await store.append('alice', 'thr_a', [user('First thread question', 'run_1', T0)]);
      await store.append('alice', 'thr_b', [user('Second', 'run_2', T0 + 10)]);
      await store.append('alice', 'thr_c', [user('Third', 'run_3', T0 + 20)]);
      await store.append('alice', 'thr_a', [assistant('answer', 'run_4', T0 + 30)]);
      const first = await store.list('alice', { limit: 2 });
      assert.deepEqual(first.threads, [
        { threadId: 'thr_a', title: 'First thread question', createdAt: T0, updatedAt: T0 + 30, lastRunId: 'run_4' },
        { threadId: 'thr_c', title: 'Third', createdAt: T0 + 20, updatedAt: T0 + 20, lastRunId: 'run_3' },
      ]);
      assert.ok(first.next);
      const second = await store.list('alice', { limit: 2, before: first.next });
      assert.deepEqual(second, {
        threads: [{ threadId: 'thr_b', title: 'Second', createdAt: T0 + 10, updatedAt: T0 + 10, lastRunId: 'run_2' }],
      });
    });

    it('orders threads updated in the same millisecond by thread id, without losing one across pages', async () => {
      for (const id of ['thr_1', 'thr_2', 'thr_3', 'thr_4']) await store.append('alice', id, [user(id, 'run', T0)]);
      const seen: string[] = [];
      let before: string | undefined;
      do {
        const page = await store.list('alice', { limit: 1, ...(before === undefined ? {} : { before }) });
        seen.push(...page.threads.map((t) => t.threadId));
        before = page.next;
      } while (before !== undefined);
      assert.deepEqual(seen, ['thr_4', 'thr_3', 'thr_2', 'thr_1']);
    });

    it('titles a thread by its first user message, shortened', async () => {
      await store.append('alice', 'thr_1', [user(`Tell me ${'a'.repeat(200)}`, 'run_1', T0)]);
      const [thread] = (await store.list('alice', { limit: 1 })).threads;
      assert.equal(thread?.title.length, 80);
      assert.ok(thread?.title.endsWith('…'));
    });

    it('deletes a thread and its messages', async () => {
      await store.append('alice', 'thr_1', [user('bye', 'run_1', T0), assistant('ok', 'run_1', T0 + 1)]);
      await store.append('alice', 'thr_2', [user('stay', 'run_2', T0 + 2)]);
      assert.equal(await store.deleteThread('alice', 'thr_1'), true);
      assert.equal(await store.messages('alice', 'thr_1', { limit: 10 }), undefined);
      assert.deepEqual(await store.recent('alice', 'thr_1', 10), []);
      assert.deepEqual(
        (await store.list('alice', { limit: 10 })).threads.map((t) => t.threadId),
        ['thr_2'],
      );
      assert.equal(await store.deleteThread('alice', 'thr_1'), false);
    });

    it('keeps history across a reopen (durable stores)', async (t) => {
      if (harness.reopen === undefined) {
        t.skip('not durable');
        return;
      }
      await store.append('alice', 'thr_1', [user('remember me', 'run_1', T0), toolCall('run_1', T0 + 1)]);
      store = await harness.reopen();
      assert.deepEqual((await store.messages('alice', 'thr_1', { limit: 10 }))?.messages, [
        user('remember me', 'run_1', T0),
        toolCall('run_1', T0 + 1),
      ]);
      assert.equal((await store.list('alice', { limit: 10 })).threads[0]?.title, 'remember me');
    });
  });
}
