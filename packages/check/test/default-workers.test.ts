import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultWorkers } from '../src/default-workers.js';

describe('defaultWorkers', () => {
  it('starts one worker per CPU but one on an idle machine', () => {
    assert.equal(defaultWorkers(8, 0), 7);
    assert.equal(defaultWorkers(3, 0.4), 2);
  });

  it('leaves out the CPUs other processes keep busy, down to none on a loaded machine', () => {
    assert.equal(defaultWorkers(8, 3.2), 4);
    assert.equal(defaultWorkers(8, 9), 0);
    assert.equal(defaultWorkers(1, 0), 0);
  });

  it('starts none where only one would be free: one worker alone costs more than it saves', () => {
    assert.equal(defaultWorkers(2, 0), 0);
    assert.equal(defaultWorkers(4, 2.2), 0);
    assert.equal(defaultWorkers(4, 1.9), 2);
  });
});
