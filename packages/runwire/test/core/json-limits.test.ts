import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonLimitIssue, MAX_JSON_DEPTH, textNestingIssue } from '../../src/protocol/json-limits.js';

/** `depth` arrays nested in one another, as JSON.parse makes them. */
function nested(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

describe('client JSON limits', () => {
  it('accepts nesting up to the depth limit and refuses one level more, naming the limit and the path', () => {
    assert.equal(jsonLimitIssue(nested(MAX_JSON_DEPTH)), undefined);
    assert.deepEqual(jsonLimitIssue({ input: nested(MAX_JSON_DEPTH) }), {
      path: `input${'.0'.repeat(MAX_JSON_DEPTH - 1)}`,
      message: `nested deeper than ${MAX_JSON_DEPTH} levels (the limit)`,
    });
  });

  it('refuses 100,000 levels without overflowing the stack', () => {
    assert.match(jsonLimitIssue(nested(100_000))?.message ?? '', /the limit/);
  });

  it('counts every value against the size limit', () => {
    const limits = { maxDepth: 64, maxValues: 4 };
    assert.equal(jsonLimitIssue({ a: [1, 2] }, limits), undefined); // object, array, 1, 2
    assert.deepEqual(jsonLimitIssue({ a: [1, 2, 3] }, limits), {
      path: 'a.2',
      message: 'the frame holds more than 4 JSON values (the limit)',
    });
  });

  it('refuses an own __proto__ key at any depth, and accepts the word elsewhere', () => {
    assert.equal(jsonLimitIssue(JSON.parse('{"input":{"a":[{"__proto__":1}]}}'))?.path, 'input.a.0.__proto__');
    assert.equal(jsonLimitIssue(JSON.parse('{"input":{"text":"__proto__","constructor":1}}')), undefined);
    assert.equal(jsonLimitIssue(JSON.parse('{"":{"\\"__proto__":0}}')), undefined, 'a key that only contains the word');
  });

  it('agrees with a recursive reference on the depth of any JSON value', () => {
    const depthOf = (value: unknown): number =>
      value !== null && typeof value === 'object'
        ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
        : 0;
    // Own keys, walked: searching the text for `"__proto__":` also matched a key such as `"__proto__` (a quote in it).
    const hasOwnProtoKey = (value: unknown): boolean =>
      value !== null &&
      typeof value === 'object' &&
      (Object.hasOwn(value, '__proto__') || Object.values(value as Record<string, unknown>).some(hasOwnProtoKey));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        const limits = { maxDepth: 3, maxValues: 1_000_000 };
        const issue = jsonLimitIssue(parsed, limits);
        const tooDeep = depthOf(parsed) > 3;
        const hasProto = hasOwnProtoKey(parsed);
        assert.equal(issue !== undefined, tooDeep || hasProto, JSON.stringify(parsed));
      }),
      { numRuns: 300 },
    );
  });

  it('finds deep nesting in the text before parsing, with the top-level id, ignoring brackets inside strings', () => {
    const deep = `${'['.repeat(65)}${']'.repeat(65)}`;
    assert.deepEqual(textNestingIssue(`{"id":"r\\"1","input":${'['.repeat(64)}${']'.repeat(64)}}`), {
      issue: { path: '', message: 'nested deeper than 64 levels (the limit)' },
      id: 'r"1',
    });
    assert.equal(textNestingIssue(`{"id":"a","input":${'['.repeat(63)}${']'.repeat(63)}}`), undefined);
    assert.equal(textNestingIssue(JSON.stringify({ text: '['.repeat(500), id: 'x' })), undefined);
    assert.equal(textNestingIssue(deep)?.id, undefined);
    assert.equal(textNestingIssue(`{"input":{"id":"inner"},"x":${deep}}`)?.id, undefined, 'only a top-level id');
    assert.equal(textNestingIssue(`{ "id" : "spaced", "input":${deep}}`)?.id, 'spaced');
    assert.equal(textNestingIssue(`{"input":${deep},"id":"late"}`)?.id, undefined, 'the scan stops at the limit');
  });

  it('judges the depth of any JSON text as the walker judges the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 6 }), (value, maxDepth) => {
        const text = JSON.stringify(value) ?? 'null';
        const parsed = JSON.parse(text) as unknown;
        const walker = jsonLimitIssue(parsed, { maxDepth, maxValues: 1_000_000 });
        const walkerTooDeep = walker?.message.startsWith('nested') === true;
        assert.equal(textNestingIssue(text, maxDepth) !== undefined, walkerTooDeep, text);
      }),
      { numRuns: 300 },
    );
  });
});
