import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import type { UnsequencedRunEvent } from '../../src/protocol/run-events.js';
import { MemoryEventLog } from '../../src/stores/memory/memory-event-log.js';

function thinking(userId: string, step: number): UnsequencedRunEvent {
  return {
    type: 'agent_thinking',
    reasoning: `step ${step}`,
    step,
    runId: `run_${userId}`,
    threadId: 'thr_1',
    userId,
    agent: 'echo',
    ts: new Date(0).toISOString(),
  };
}

describe('MemoryEventLog over long streams', () => {
  it('keeps exactly the newest maxEventsPerUser events, contiguous, across many compactions', async () => {
    const clock = new FakeClock();
    const log = new MemoryEventLog(clock, { maxAgeMs: 60_000, maxEventsPerUser: 1000 });
    for (let i = 1; i <= 5500; i++) await log.append(thinking('ann', i));
    assert.deepEqual(await log.bounds('ann'), { oldestSeq: 4501, lastSeq: 5500 });
    const all = await log.read('ann', 0);
    assert.equal(all.length, 1000);
    assert.deepEqual(
      all.map((e) => e.seq),
      Array.from({ length: 1000 }, (_, i) => 4501 + i),
    );
    assert.deepEqual(
      (await log.read('ann', 5000, 3)).map((e) => e.seq),
      [5001, 5002, 5003],
    );
    assert.equal((await log.readRun('ann', 'run_ann')).length, 1000);
  });

  it('drops by age after compaction the same way', async () => {
    const clock = new FakeClock();
    const log = new MemoryEventLog(clock, { maxAgeMs: 1000, maxEventsPerUser: 100 });
    for (let i = 1; i <= 2000; i++) await log.append(thinking('bo', i));
    await clock.advance(500);
    for (let i = 2001; i <= 2050; i++) await log.append(thinking('bo', i));
    await clock.advance(600);
    assert.equal(await log.prune(clock.now()), 50);
    assert.deepEqual(await log.bounds('bo'), { oldestSeq: 2001, lastSeq: 2050 });
  });
});
