import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { compileRuntimeOptions } from '../../src/runtime/runtime-options.js';

describe('the quality.flushInterval runtime option', () => {
  it('defaults to one second and takes a duration', () => {
    assert.equal(compileRuntimeOptions({}).quality.flushIntervalMs, 1000);
    assert.equal(compileRuntimeOptions({ quality: { flushInterval: '5s' } }).quality.flushIntervalMs, 5000);
    assert.equal(compileRuntimeOptions({ quality: { flushInterval: 250 } }).quality.flushIntervalMs, 250);
  });

  it('refuses zero, which would flush in a busy loop, naming the option', () => {
    assert.throws(
      () => compileRuntimeOptions({ quality: { flushInterval: 0 } }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'Invalid quality.flushInterval (ms): expected an integer of 1 or more, got 0',
    );
    assert.throws(() => compileRuntimeOptions({ quality: { flushInterval: 'soon' } }), ConfigError);
  });
});
