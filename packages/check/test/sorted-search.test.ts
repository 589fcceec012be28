import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstAfter, firstAtOrAfter } from '../src/sorted-search.js';

describe('sorted search', () => {
  it('finds the first entry at or after a value, and the first after it, among equal entries too', () => {
    const sorted = [2, 4, 4, 9];
    assert.deepEqual(
      [0, 2, 3, 4, 5, 9, 10].map((value) => firstAtOrAfter(sorted, value)),
      [0, 0, 1, 1, 3, 3, 4],
    );
    assert.deepEqual(
      [0, 2, 3, 4, 5, 9, 10].map((value) => firstAfter(sorted, value)),
      [0, 1, 1, 3, 3, 4, 4],
    );
    assert.equal(firstAtOrAfter([], 1), 0);
    assert.equal(firstAfter([], 1), 0);
  });

  it('searches flat ranges by their starts with a stride of 2, and answers an index into the whole array', () => {
    const ranges = [0, 3, 5, 8, 10, 12]; // [0, 3), [5, 8), [10, 12)
    assert.deepEqual(
      [0, 1, 4, 5, 9, 10, 11].map((value) => firstAtOrAfter(ranges, value, 2)),
      [0, 2, 2, 2, 4, 4, 6],
    );
  });
});
