import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../src/finding.js';
import { computeScore } from '../src/score.js';
import { checkFixture } from './check-fixture.js';

function finding(concepts: string[]): Finding {
  return {
    rule: 'duplicate-shape',
    severity: 'warning',
    concept: concepts[0] ?? '',
    concepts,
    message: '',
    fix: '',
    location: { file: '/x.ts', line: 1, column: 1 },
    related: [],
    copies: ['/x.ts'],
    fingerprint: concepts.join(','),
    baselined: true,
  };
}

describe('score', () => {
  it('scores the three-router tree at 60 while two routers are shim subclasses', async () => {
    const { result } = await checkFixture('routers-before');
    assert.deepEqual(result.score, {
      value: 60,
      concepts: 5,
      clean: 3,
      violated: 2,
      complete: true,
      formula: '100 × 3 clean / 5 concepts = 60',
    });
  });

  it('scores the same tree at 100 once the shims are re-exports and aliases', async () => {
    const { result } = await checkFixture('routers-after');
    assert.equal(result.score.value, 100);
    assert.equal(result.score.concepts, 3);
  });

  it('counts every concept a finding names, baselined and warnings included', () => {
    const score = computeScore(['A', 'B', 'C', 'D'], [finding(['A', 'B']), finding(['B'])]);
    assert.equal(score.value, 50);
    assert.equal(score.violated, 2);
  });

  it('adds concepts that only findings name to the total', () => {
    assert.equal(computeScore(['A'], [finding(['external'])]).value, 50);
  });

  it('rounds to two decimals and is 100 for a tree without concepts', () => {
    assert.equal(computeScore(['A', 'B', 'C'], [finding(['A'])]).value, 66.67);
    assert.equal(computeScore([], []).value, 100);
  });

  it('scores each fixture exactly', async () => {
    const scores = await Promise.all(
      ['factory', 'duplicates', 'canonical', 'paths'].map(
        async (name) => (await checkFixture(name)).result.score.value,
      ),
    );
    assert.deepEqual(scores, [80, 16.67, 75, 75]);
  });
});
