import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { QualityRollups, RollupCell } from '../../src/stores/quality-rollups.js';

/** What an implementation hands the suite: a fresh, empty store. */
export interface QualityRollupsHarness {
  readonly store: QualityRollups;
  /** Closes the store (if the test did not) and removes what it left (files, keys). */
  cleanup(): Promise<void>;
  /** Durable stores: closes the store and opens a new one on the same data. */
  reopen?(): Promise<QualityRollups>;
  /** Shared stores: a second store on the same data, as another node would open it. */
  another?(): Promise<QualityRollups>;
}

const cell = (agent: string, outcome: string, metric: string, value: number): RollupCell => ({
  agent,
  outcome,
  metric,
  value,
});

/** The one conformance suite of `QualityRollups`: every backend passes it. */
export function qualityRollupsConformance(name: string, open: () => Promise<QualityRollupsHarness>): void {
  describe(`QualityRollups conformance: ${name}`, () => {
    let h: QualityRollupsHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('adds to counters and reads them back sorted, per day, oldest first', async () => {
      await h.store.add('2026-03-02', 'user_a', [
        cell('echo', 'completed', 'runs', 2),
        cell('echo', 'completed', 'duration_b3', 1),
      ]);
      await h.store.add('2026-03-01', 'user_a', [cell('echo', 'failed:boom', 'runs', 1)]);
      await h.store.add('2026-03-02', 'user_a', [
        cell('echo', 'completed', 'runs', 3),
        cell('clock', 'cancelled', 'runs', 1),
      ]);
      const days = await h.store.read({ fromDay: '2026-03-01', toDay: '2026-03-02', userId: 'user_a' });
      assert.deepEqual(days, [
        { day: '2026-03-01', cells: [cell('echo', 'failed:boom', 'runs', 1)] },
        {
          day: '2026-03-02',
          cells: [
            cell('clock', 'cancelled', 'runs', 1),
            cell('echo', 'completed', 'duration_b3', 1),
            cell('echo', 'completed', 'runs', 5),
          ],
        },
      ]);
    });

    it("never shows one user's counters to another, and sums every user (and the server-wide ones) without a user", async () => {
      await h.store.add('2026-03-01', 'user_a', [cell('echo', 'completed', 'runs', 2)]);
      await h.store.add('2026-03-01', 'user_b', [
        cell('echo', 'completed', 'runs', 5),
        cell('echo', 'dead', 'runs', 1),
      ]);
      await h.store.add('2026-03-01', undefined, [cell('', '', 'blocked_constructions', 4)]);
      assert.deepEqual(await h.store.read({ fromDay: '2026-03-01', toDay: '2026-03-01', userId: 'user_a' }), [
        { day: '2026-03-01', cells: [cell('echo', 'completed', 'runs', 2)] },
      ]);
      assert.deepEqual(await h.store.read({ fromDay: '2026-03-01', toDay: '2026-03-01', userId: 'user_c' }), []);
      assert.deepEqual(await h.store.read({ fromDay: '2026-03-01', toDay: '2026-03-01' }), [
        {
          day: '2026-03-01',
          cells: [
            cell('', '', 'blocked_constructions', 4),
            cell('echo', 'completed', 'runs', 7),
            cell('echo', 'dead', 'runs', 1),
          ],
        },
      ]);
    });

    it('reads only the days of the range, both ends included', async () => {
      for (const day of ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']) {
        await h.store.add(day, 'user_a', [cell('echo', 'completed', 'runs', 1)]);
      }
      const days = await h.store.read({ fromDay: '2026-02-28', toDay: '2026-03-01', userId: 'user_a' });
      assert.deepEqual(
        days.map((d) => d.day),
        ['2026-02-28', '2026-03-01'],
      );
    });

    it('ignores cells of value 0 and keeps names with spaces, colons and unicode apart', async () => {
      await h.store.add('2026-03-01', 'user_a', [
        cell('my agent', 'failed:llm_rate_limited', 'tool_calls:web search', 2),
        cell('agént', 'completed', 'tool_failures:x:y', 1),
        cell('echo', 'completed', 'runs', 0),
      ]);
      assert.deepEqual(await h.store.read({ fromDay: '2026-03-01', toDay: '2026-03-01', userId: 'user_a' }), [
        {
          day: '2026-03-01',
          cells: [
            cell('agént', 'completed', 'tool_failures:x:y', 1),
            cell('my agent', 'failed:llm_rate_limited', 'tool_calls:web search', 2),
          ],
        },
      ]);
    });

    it('keeps every add of concurrent writers (counters merge by addition)', async () => {
      await Promise.all(
        Array.from({ length: 50 }, () => h.store.add('2026-03-01', 'user_a', [cell('echo', 'completed', 'runs', 1)])),
      );
      const [day] = await h.store.read({ fromDay: '2026-03-01', toDay: '2026-03-01' });
      assert.deepEqual(day?.cells, [cell('echo', 'completed', 'runs', 50)]);
    });

    it('prunes the days before a day and says how many went', async () => {
      for (const day of ['2026-01-01', '2026-01-02', '2026-01-03']) {
        await h.store.add(day, 'user_a', [cell('echo', 'completed', 'runs', 1)]);
        await h.store.add(day, 'user_b', [cell('echo', 'completed', 'runs', 1)]);
      }
      assert.equal(await h.store.prune('2026-01-03'), 2);
      assert.deepEqual(
        (await h.store.read({ fromDay: '2026-01-01', toDay: '2026-01-31' })).map((d) => d.day),
        ['2026-01-03'],
      );
      assert.equal(await h.store.prune('2026-01-03'), 0);
    });

    it('keeps the counters across a reopen (durable stores)', async (t) => {
      if (h.reopen === undefined) return t.skip('not durable');
      await h.store.add('2026-03-01', 'user_a', [cell('echo', 'timeout', 'runs', 3)]);
      const reopened = await h.reopen();
      await reopened.add('2026-03-01', 'user_a', [cell('echo', 'timeout', 'runs', 1)]);
      assert.deepEqual(await reopened.read({ fromDay: '2026-03-01', toDay: '2026-03-01', userId: 'user_a' }), [
        { day: '2026-03-01', cells: [cell('echo', 'timeout', 'runs', 4)] },
      ]);
    });

    it('merges the counters two nodes write (shared stores)', async (t) => {
      if (h.another === undefined) return t.skip('one node only');
      const other = await h.another();
      try {
        await Promise.all([
          h.store.add('2026-03-01', 'user_a', [cell('echo', 'completed', 'runs', 2)]),
          other.add('2026-03-01', 'user_a', [cell('echo', 'completed', 'runs', 3), cell('echo', 'dead', 'runs', 1)]),
          other.add('2026-03-01', undefined, [cell('', '', 'denied_cross_user_accesses', 2)]),
        ]);
        const expected = [cell('echo', 'completed', 'runs', 5), cell('echo', 'dead', 'runs', 1)];
        assert.deepEqual(await h.store.read({ fromDay: '2026-03-01', toDay: '2026-03-01', userId: 'user_a' }), [
          { day: '2026-03-01', cells: expected },
        ]);
        assert.deepEqual(await other.read({ fromDay: '2026-03-01', toDay: '2026-03-01' }), [
          { day: '2026-03-01', cells: [cell('', '', 'denied_cross_user_accesses', 2), ...expected] },
        ]);
      } finally {
        await other.close();
      }
    });

    it('closes idempotently', async () => {
      await h.store.close();
      await h.store.close();
    });
  });
}
