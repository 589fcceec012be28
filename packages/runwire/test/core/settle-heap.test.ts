import assert from 'node:assert/strict';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { settleHeap } from '../../src/runtime/settle-heap.js';

/** Bytes in use in V8's young generation (`new_space`). */
function youngBytes(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (space === undefined) throw new Error('V8 reports no new_space');
  return space.space_used_size;
}

/** The kinds of the collections that run during `action` (Node reports them to observers asynchronously). */
async function collectionsDuring(action: () => void): Promise<number[]> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    action();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    observer.disconnect();
  }
  return entries.map((entry) => (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1);
}

describe('settleHeap', () => {
  it('runs a full collection', async () => {
    const kinds = await collectionsDuring(() => settleHeap());
    assert.ok(kinds.includes(constants.NODE_PERFORMANCE_GC_MAJOR), `collections seen: ${JSON.stringify(kinds)}`);
  });

  it('moves the live young objects to the old generation and keeps them', () => {
    const kept = Array.from({ length: 20_000 }, (_, i) => ({ i, name: `object ${i}` }));
    const before = youngBytes();
    assert.ok(before > 256 * 1024, `the young generation holds only ${before} bytes before`);
    const ms = settleHeap();
    const after = youngBytes();
    assert.ok(after < 64 * 1024, `the young generation still holds ${after} bytes`);
    assert.equal(kept[19_999]?.name, 'object 19999');
    assert.ok(ms >= 0);
  });

  it('leaves no gc function on the global object', () => {
    settleHeap();
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  });
});
