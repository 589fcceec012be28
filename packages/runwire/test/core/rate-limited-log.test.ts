import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import type { Logger } from '../../src/logger.js';
import { handlerFaultLogger, RateLimitedLog } from '../../src/rate-limited-log.js';

/** A logger that records error lines. */
function recordingLogger(): { logger: Logger; lines: Array<{ fields: Record<string, unknown>; message: string }> } {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const noop = (): void => {};
  return {
    lines,
    logger: {
      debug: noop,
      info: noop,
      warn: noop,
      error: (fields, message) => lines.push({ fields: fields as Record<string, unknown>, message: message ?? '' }),
    },
  };
}

describe('RateLimitedLog', () => {
  it('logs the first fault of a kind, counts the rest of the interval and reports the count when it ends', async () => {
    const clock = new FakeClock();
    const { logger, lines } = recordingLogger();
    const log = new RateLimitedLog(logger, clock, 1_000);
    for (let i = 0; i < 500; i++) log.error('start_agent:RangeError', { n: i }, 'handler fault');
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0], { fields: { n: 0, kind: 'start_agent:RangeError' }, message: 'handler fault' });
    await clock.advance(1_000);
    assert.equal(lines.length, 2);
    assert.equal(lines[1]?.fields.suppressed, 499);
    assert.equal(lines[1]?.message, 'handler fault: 499 more of this kind in the last 1000 ms (not logged one by one)');
    log.error('start_agent:RangeError', { n: 500 }, 'handler fault');
    assert.equal(lines.length, 3, 'a new interval logs again');
    log.close();
    log.close();
    assert.equal(lines.length, 3, 'nothing was suppressed in the new interval');
    assert.equal(clock.pendingTimers, 0);
  });

  it('keeps one interval per kind', () => {
    const clock = new FakeClock();
    const { logger, lines } = recordingLogger();
    const log = new RateLimitedLog(logger, clock, 1_000);
    log.error('a', {}, 'fault a');
    log.error('b', {}, 'fault b');
    log.error('a', {}, 'fault a');
    assert.deepEqual(
      lines.map((l) => l.fields.kind),
      ['a', 'b'],
    );
    log.close();
  });

  it('folds kinds past the hundredth into one, so distinct kinds cannot flood the log either', () => {
    const clock = new FakeClock();
    const { logger, lines } = recordingLogger();
    const log = new RateLimitedLog(logger, clock, 1_000);
    for (let i = 0; i < 1_000; i++) log.error(`kind-${i}`, {}, 'fault');
    assert.equal(lines.length, 101);
    assert.equal(lines[100]?.fields.kind, 'other');
    log.close();
  });

  it('as a router listener, keys the kind by frame type and error class', () => {
    const clock = new FakeClock();
    const { logger, lines } = recordingLogger();
    const listener = handlerFaultLogger(logger, clock, 1_000);
    listener(new RangeError('Maximum call stack size exceeded'), 'start_agent');
    listener(new RangeError('Maximum call stack size exceeded'), 'start_agent');
    listener(new TypeError('x is undefined'), 'start_agent');
    assert.deepEqual(
      lines.map((l) => [l.fields.kind, l.fields.frameType, l.message]),
      [
        ['start_agent:RangeError', 'start_agent', 'handler fault'],
        ['start_agent:TypeError', 'start_agent', 'handler fault'],
      ],
    );
  });
});
