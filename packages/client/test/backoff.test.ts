import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../src/index.js';

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the cap, each delay a random point in the upper half of its step', () => {
    const options = { initialMs: 100, maxMs: 1000 };
    const low = (attempt: number) => backoffDelay(attempt, options, () => 0);
    const high = (attempt: number) => backoffDelay(attempt, options, () => 1);
    assert.deepEqual([0, 1, 2, 3, 4, 10].map(low), [50, 100, 200, 400, 500, 500]);
    assert.deepEqual([0, 1, 2, 3, 4, 10].map(high), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(
      backoffDelay(1_000_000, options, () => 0.5),
      750,
    );
  });

  it('spreads clients that dropped together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5)));
    assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
    for (const d of delays) assert.ok(d >= 4000 && d <= 8000, String(d));
  });
});
