import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultWorkers } from '../src/default-workers.js';

describe('defaultWorkers', () => {
  it('starts one worker per CPU but one on an idle machine', () => {
    assert.equal(defaultWorkers(8, 0), 7);
    assert.equal(defaultWorkers(2, 0.4), 1);
  });

  it('leaves out the CPUs other processes keep busy, down to none on a loaded machine', () => {
    assert.equal(defaultWorkers(8, 3.2), 4);
    assert.equal(defaultWorkers(2, 1.7), 0);
    assert.equal(defaultWorkers(2, 9), 0);
    assert.equal(defaultWorkers(1, 0), 0);
  });
});
