import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import type { QualityAlertFrame } from '../../src/protocol/quality-frames.js';
import { bucketIndex, LATENCY_BUCKETS_MS, percentilesOf } from '../../src/quality/latency-histogram.js';
import { QualityAlerts } from '../../src/quality/quality-alerts.js';
import type { RunQualitySample } from '../../src/quality/quality-recorder.js';
import { outcomeOf } from '../../src/quality/run-outcome.js';

let next = 0;
function sample(userId: string, status: RunQualitySample['status'], agent = 'echo'): RunQualitySample {
  const outcome = outcomeOf({ status, ...(status === 'failed' ? { error: { code: 'boom', message: 'boom' } } : {}) });
  assert.ok(outcome !== undefined);
  return { runId: `run_${next++}`, userId, agent, status, outcome, durationMs: 1200, endedAt: 0 };
}

describe('quality alerts', () => {
  it('sends run_dead and run_timeout to every subscribed connection of the owner only', () => {
    const alerts = new QualityAlerts({ windowRuns: 10, failureRate: 0.5 }, new FakeClock());
    const got: Array<[string, QualityAlertFrame]> = [];
    alerts.subscribe('alice', 'c1', (f) => got.push(['c1', f]));
    alerts.subscribe('alice', 'c2', (f) => got.push(['c2', f]));
    alerts.subscribe('bob', 'c3', (f) => got.push(['c3', f]));
    const dead = sample('alice', 'dead');
    const timeout = sample('alice', 'timeout');
    alerts.runEnded(dead);
    alerts.runEnded(timeout);
    alerts.runEnded(sample('alice', 'completed'));
    assert.deepEqual(
      got.map(([c, f]) => [c, f.alert, f.runId]),
      [
        ['c1', 'run_dead', dead.runId],
        ['c2', 'run_dead', dead.runId],
        ['c1', 'run_timeout', timeout.runId],
        ['c2', 'run_timeout', timeout.runId],
      ],
    );
    assert.match(got[2]?.[1].message ?? '', /timed out after 1200 ms/);
  });

  it('raises failure_rate once when the window crosses the threshold, and again only after it fell below', () => {
    const alerts = new QualityAlerts({ windowRuns: 4, failureRate: 0.5 }, new FakeClock());
    const got: QualityAlertFrame[] = [];
    alerts.subscribe('alice', 'c1', (f) => got.push(f));
    const rates = (): Array<number | undefined> =>
      got.filter((f) => f.alert === 'failure_rate').map((f) => f.failureRate);
    for (const status of ['completed', 'failed', 'completed'] as const) alerts.runEnded(sample('alice', status));
    assert.deepEqual(rates(), [], 'fewer runs than the window');
    alerts.runEnded(sample('alice', 'failed'));
    assert.deepEqual(rates(), [0.5]);
    alerts.runEnded(sample('alice', 'failed'));
    alerts.runEnded(sample('alice', 'cancelled'));
    assert.deepEqual(rates(), [0.5], 'still above: no second alert; cancelled runs do not count');
    for (let i = 0; i < 3; i++) alerts.runEnded(sample('alice', 'completed'));
    alerts.runEnded(sample('alice', 'failed'));
    alerts.runEnded(sample('alice', 'failed'));
    assert.deepEqual(rates(), [0.5, 0.5]);
    alerts.runEnded(sample('alice', 'failed', 'other'));
    assert.equal(rates().length, 2, 'each agent has its own window');
  });

  it('ends subscriptions: unsubscribe, and nothing is sent to a user without one', () => {
    const alerts = new QualityAlerts({ windowRuns: 1, failureRate: 1 }, new FakeClock());
    const got: QualityAlertFrame[] = [];
    const stop = alerts.subscribe('alice', 'c1', (f) => got.push(f));
    assert.equal(alerts.subscriptions, 1);
    stop();
    stop();
    assert.equal(alerts.subscriptions, 0);
    alerts.runEnded(sample('alice', 'dead'));
    assert.deepEqual(got, []);
  });
});

describe('the latency histogram', () => {
  it('puts a value in the first bucket whose bound is not below it, and overflows above the last', () => {
    assert.equal(bucketIndex(0), 0);
    assert.equal(bucketIndex(1), 0);
    assert.equal(bucketIndex(1.5), 1);
    assert.equal(bucketIndex(1000), LATENCY_BUCKETS_MS.indexOf(1000));
    assert.equal(bucketIndex(3_600_001), LATENCY_BUCKETS_MS.length);
  });

  it('reads percentiles as bucket upper bounds, and none without samples', () => {
    const counts = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
    assert.equal(percentilesOf(counts), undefined);
    counts[bucketIndex(40)] = 90; // 50 ms bucket
    counts[bucketIndex(800)] = 9; // 1000 ms bucket
    counts[LATENCY_BUCKETS_MS.length] = 1; // overflow
    assert.deepEqual(percentilesOf(counts), { p50: 50, p95: 1000, p99: 1000 });
    counts[LATENCY_BUCKETS_MS.length] = 5;
    assert.deepEqual(percentilesOf(counts), { p50: 50, p95: 1000, p99: 3_600_000 });
  });
});
