import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CheckHistory, CheckScore } from '../../src/stores/check-history.js';

/** What an implementation hands the suite: a fresh, empty history. */
export interface CheckHistoryHarness {
  readonly store: CheckHistory;
  /** Closes the store (if the test did not) and removes what it left (files, keys). */
  cleanup(): Promise<void>;
  /** Durable stores: closes the store and opens a new one on the same data. */
  reopen?(): Promise<CheckHistory>;
  /** Shared stores: a second store on the same data, as another node would open it. */
  another?(): Promise<CheckHistory>;
}

const at = (iso: string): number => Date.parse(iso);

function score(path: string, recordedAt: string, value: number, byRule: Record<string, number> = {}): CheckScore {
  const findings = Object.values(byRule).reduce((s, n) => s + n, 0);
  return { path, recordedAt: at(recordedAt), score: value, concepts: 40, violated: findings, findings, byRule };
}

/** The one conformance suite of `CheckHistory`: every backend passes it. */
export function checkHistoryConformance(name: string, open: () => Promise<CheckHistoryHarness>): void {
  describe(`CheckHistory conformance: ${name}`, () => {
    let h: CheckHistoryHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('answers the latest score of a path in a range of days, both ends included, with its findings by rule', async () => {
      const monday = score('src', '2026-03-02T09:00:00.000Z', 91.5, { 'duplicate-shape': 3, 'factory-bypass': 1 });
      await h.store.record(score('src', '2026-03-01T23:59:59.999Z', 80));
      await h.store.record(monday);
      await h.store.record(score('src', '2026-03-02T08:00:00.000Z', 70));
      await h.store.record(score('src', '2026-03-03T00:00:00.000Z', 99));
      assert.deepEqual(await h.store.latest({ path: 'src', fromDay: '2026-03-02', toDay: '2026-03-02' }), monday);
      assert.equal(
        (await h.store.latest({ path: 'src', fromDay: '2026-02-01', toDay: '2026-03-01' }))?.score,
        80,
        'the last millisecond of the last day is in the range',
      );
      assert.equal((await h.store.latest({ path: 'src', fromDay: '2026-03-01', toDay: '2026-03-09' }))?.score, 99);
      assert.equal(await h.store.latest({ path: 'src', fromDay: '2026-03-04', toDay: '2026-03-09' }), undefined);
    });

    it('keeps the scores of each path apart, paths with slashes, spaces and unicode included', async () => {
      await h.store.record(score('packages/runwire/src', '2026-03-02T09:00:00.000Z', 100));
      await h.store.record(score('src', '2026-03-02T10:00:00.000Z', 60));
      await h.store.record(score('mes sources/é', '2026-03-02T11:00:00.000Z', 75));
      const range = { fromDay: '2026-03-01', toDay: '2026-03-31' };
      assert.equal((await h.store.latest({ path: 'packages/runwire/src', ...range }))?.score, 100);
      assert.equal((await h.store.latest({ path: 'src', ...range }))?.score, 60);
      assert.equal((await h.store.latest({ path: 'mes sources/é', ...range }))?.score, 75);
      assert.equal(await h.store.latest({ path: 'packages', ...range }), undefined);
    });

    it('replaces a score recorded at the same millisecond for the same path', async () => {
      await h.store.record(score('src', '2026-03-02T09:00:00.000Z', 50));
      await h.store.record(score('src', '2026-03-02T09:00:00.000Z', 55, { 'duplicate-definition': 2 }));
      const latest = await h.store.latest({ path: 'src', fromDay: '2026-03-02', toDay: '2026-03-02' });
      assert.equal(latest?.score, 55);
      assert.deepEqual(latest?.byRule, { 'duplicate-definition': 2 });
    });

    it('prunes the scores recorded before a day and says how many went', async () => {
      await h.store.record(score('src', '2026-03-01T12:00:00.000Z', 10));
      await h.store.record(score('lib', '2026-03-01T13:00:00.000Z', 20));
      await h.store.record(score('src', '2026-03-02T00:00:00.000Z', 30));
      assert.equal(await h.store.prune('2026-03-02'), 2);
      const range = { fromDay: '2026-01-01', toDay: '2026-12-31' };
      assert.equal((await h.store.latest({ path: 'src', ...range }))?.score, 30);
      assert.equal(await h.store.latest({ path: 'lib', ...range }), undefined);
      assert.equal(await h.store.prune('2026-03-02'), 0);
    });

    it('keeps the scores across a reopen (durable stores)', async (t) => {
      if (h.reopen === undefined) return t.skip('not durable');
      await h.store.record(score('src', '2026-03-02T09:00:00.000Z', 88, { 'shim-subclass': 1 }));
      const reopened = await h.reopen();
      const latest = await reopened.latest({ path: 'src', fromDay: '2026-03-02', toDay: '2026-03-02' });
      assert.deepEqual(latest, score('src', '2026-03-02T09:00:00.000Z', 88, { 'shim-subclass': 1 }));
    });

    it('answers the latest score whichever node recorded it (shared stores)', async (t) => {
      if (h.another === undefined) return t.skip('one node only');
      const other = await h.another();
      try {
        await h.store.record(score('src', '2026-03-02T09:00:00.000Z', 70));
        await other.record(score('src', '2026-03-02T10:00:00.000Z', 72));
        const range = { path: 'src', fromDay: '2026-03-02', toDay: '2026-03-02' };
        assert.equal((await h.store.latest(range))?.score, 72);
        assert.equal((await other.latest(range))?.score, 72);
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
