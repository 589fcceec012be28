import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/index.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';

type Body = Record<string, unknown> & { type: RunEvent['type'] };

const BODIES = {
  queued: { type: 'run_queued', status: 'pending', reason: 'thread_busy', position: 1 },
  started: { type: 'agent_started', status: 'running' },
  thinking: { type: 'agent_thinking', reasoning: 'hm', step: 1 },
  toolStart: (id: string, name = 'clock'): Body => ({
    type: 'tool_executing',
    toolCallId: id,
    toolName: name,
    parameters: {},
  }),
  toolEnd: (id: string, success = true, name = 'clock'): Body => ({
    type: 'tool_completed',
    toolCallId: id,
    toolName: name,
    success,
    results: success ? { ok: 1 } : null,
    durationMs: 0,
  }),
  completed: { type: 'agent_completed', status: 'completed', finalResponse: 'done', durationMs: 1 },
  failed: { type: 'agent_error', status: 'failed', error: { code: 'agent_failed', message: 'x' }, durationMs: 1 },
  cancelled: { type: 'agent_cancelled', status: 'cancelled', reason: 'user', durationMs: 0 },
} as const;

/** Builds the events of runs as one user's stream: `[runId, body]` pairs, seq assigned 1, 2, 3, … */
function stream(pairs: ReadonlyArray<readonly [string, Body]>, userId = 'alice', firstSeq = 1): RunEvent[] {
  return pairs.map(
    ([runId, body], i) =>
      ({
        ...body,
        seq: firstSeq + i,
        runId,
        threadId: `thr_${runId}`,
        userId,
        agent: 'echo',
        ts: '2026-01-01T00:00:00.000Z',
      }) as RunEvent,
  );
}

function rejects(events: RunEvent[], message: RegExp, options = {}): void {
  assert.throws(
    () => assertRunEventRules(events, options),
    (error: unknown) => {
      assert.ok(error instanceof assert.AssertionError, `expected an AssertionError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('assertRunEventRules (the protocol checker the core and gateway suites share)', () => {
  it('accepts each beginning that rule 1 allows, interleaved runs and a resumed stream', () => {
    assertRunEventRules(
      stream([
        ['r1', BODIES.started],
        ['r2', BODIES.queued],
        ['r1', BODIES.thinking],
        ['r3', BODIES.queued],
        ['r1', BODIES.toolStart('c1')],
        ['r1', BODIES.toolEnd('c1')],
        ['r1', BODIES.completed],
        ['r2', BODIES.started],
        ['r3', BODIES.cancelled],
        ['r2', BODIES.toolStart('c2')],
        ['r2', BODIES.toolEnd('c2', false)],
        ['r2', BODIES.failed],
      ]),
      { firstSeq: 1 },
    );
    assertRunEventRules(stream([['r9', BODIES.started]], 'bob', 40), { allowOpenRuns: true });
  });

  it('rejects a run that begins with anything but agent_started or run_queued (rule 1)', () => {
    rejects(stream([['r1', BODIES.cancelled]]), /run 'r1': event #0 \(agent_cancelled, seq 1\): rule 1/);
    rejects(
      stream([
        ['r1', BODIES.thinking],
        ['r1', BODIES.completed],
      ]),
      /rule 1/,
    );
    rejects(
      stream([
        ['r1', BODIES.queued],
        ['r1', BODIES.thinking],
        ['r1', BODIES.completed],
      ]),
      /rule 1, after run_queued comes agent_started/,
    );
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.started],
        ['r1', BODIES.completed],
      ]),
      /agent_started occurs 2 times/,
    );
    rejects(
      stream([
        ['r1', BODIES.queued],
        ['r1', BODIES.completed],
      ]),
      /rule 1/,
    );
  });

  it('rejects a run with no terminal event, two, or events after it (rule 2)', () => {
    rejects(stream([['r1', BODIES.started]]), /run 'r1': rule 2, expected exactly one terminal event/);
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.completed],
        ['r1', BODIES.cancelled],
      ]),
      /rule 2/,
    );
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.completed],
        ['r1', BODIES.thinking],
      ]),
      /rule 2, 1 event\(s\) follow/,
    );
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.completed],
        ['r1', BODIES.thinking],
      ]),
      /rule 2/,
      {
        allowOpenRuns: true,
      },
    );
  });

  it('rejects unpaired, doubled or late tool calls (rule 3)', () => {
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.toolStart('c1')],
        ['r1', BODIES.completed],
      ]),
      /rule 3, tool call\(s\) still open/,
    );
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.toolEnd('c1')],
        ['r1', BODIES.completed],
      ]),
      /rule 3, tool_completed of 'c1' without/,
    );
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.toolStart('c1')],
        ['r1', BODIES.toolEnd('c1')],
        ['r1', BODIES.toolEnd('c1')],
        ['r1', BODIES.completed],
      ]),
      /rule 3/,
    );
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.toolStart('c1')],
        ['r1', BODIES.toolEnd('c1', true, 'calculator')],
        ['r1', BODIES.completed],
      ]),
      /the tool name differs/,
    );
    rejects(
      stream([
        ['r1', BODIES.started],
        ['r1', BODIES.toolStart('c1')],
        ['r1', BODIES.completed],
        ['r1', BODIES.toolEnd('c1')],
      ]),
      /rule 2/,
    );
  });

  it('rejects a gap, a repeat or a reordering of seq within a user, and a wrong first seq', () => {
    const events = stream([
      ['r1', BODIES.started],
      ['r1', BODIES.thinking],
      ['r1', BODIES.completed],
    ]);
    rejects(
      [events[0], events[2]] as RunEvent[],
      /user 'alice': event #1 \(agent_completed of run 'r1'\) has seq 3, expected 2/,
    );
    rejects([events[0], events[1], events[1], events[2]] as RunEvent[], /has seq 2, expected 3/);
    rejects([events[1], events[0], events[2]] as RunEvent[], /seq/);
    rejects(
      stream(
        [
          ['r1', BODIES.started],
          ['r1', BODIES.completed],
        ],
        'alice',
        5,
      ),
      /the first event has seq 5, expected 1/,
      {
        firstSeq: 1,
      },
    );
    // Each user counts on its own.
    assertRunEventRules([
      ...stream(
        [
          ['r1', BODIES.started],
          ['r1', BODIES.completed],
        ],
        'alice',
      ),
      ...stream(
        [
          ['r2', BODIES.started],
          ['r2', BODIES.completed],
        ],
        'bob',
      ),
    ]);
  });

  it('rejects events that break the wire schema or change the run owner', () => {
    rejects(
      stream([
        ['r1', { ...BODIES.started, extra: 1 }],
        ['r1', BODIES.completed],
      ]),
      /does not match the run event schema/,
    );
    const [start, end] = stream([
      ['r1', BODIES.started],
      ['r1', BODIES.completed],
    ]);
    rejects([start, { ...end, userId: 'mallory', seq: 1 }] as RunEvent[], /has userId 'mallory', not 'alice'/);
  });
});
