import assert from 'node:assert/strict';
import { type RunEvent, runEventSchema, TERMINAL_EVENT_TYPES } from '../../src/protocol/run-events.js';

/** Options of `assertRunEventRules`. */
export interface RunEventRulesOptions {
  /**
   * Runs that may still be in progress (no terminal event yet): their events must follow the rules so far.
   * @default false (every run must have ended)
   */
  readonly allowOpenRuns?: boolean;
  /**
   * The `seq` each user's stream must start at (`1` for a stream read from the beginning). When absent, a user's
   * stream may start anywhere (a late subscription, a resume) but must still have no gap after its first event.
   */
  readonly firstSeq?: number;
}

function describeEvent(event: RunEvent, index: number): string {
  return `event #${index} (${event.type}, seq ${event.seq})`;
}

/**
 * Asserts the event rules of docs/protocol.md §3 and §4 over a list of run events as a client received them:
 * - every event matches the wire schema, and a run's events agree on `userId`, `threadId` and `agent`;
 * - rule 1: a run starts with `agent_started`, or with `run_queued` followed later by `agent_started`, or (stopped
 *   while queued) with `run_queued` then `agent_cancelled`; `run_queued` and `agent_started` occur at most once;
 * - rule 2: exactly one terminal event (`agent_completed`, `agent_error`, `agent_cancelled`), and nothing after it;
 * - rule 3: every `tool_executing` is matched by one `tool_completed` with the same `toolCallId` (and tool name)
 *   before the terminal event; no `tool_completed` without its `tool_executing`;
 * - §4: per user, `seq` increases by exactly one from event to event (no gap, no repeat, no reordering).
 *
 * Throws an `AssertionError` naming the run, the event and the rule.
 */
export function assertRunEventRules(events: readonly RunEvent[], options: RunEventRulesOptions = {}): void {
  const byUser = new Map<string, RunEvent[]>();
  const byRun = new Map<string, RunEvent[]>();
  events.forEach((event, index) => {
    const parsed = runEventSchema.safeParse(event);
    assert.ok(
      parsed.success,
      `${describeEvent(event, index)} does not match the run event schema: ${parsed.error?.message ?? ''}`,
    );
    push(byUser, event.userId, event);
    push(byRun, event.runId, event);
  });

  for (const [userId, stream] of byUser) assertGapFreeSeq(userId, stream, options.firstSeq);
  for (const [runId, runEvents] of byRun) assertRunRules(runId, runEvents, options.allowOpenRuns ?? false);
}

/** Asserts that one user's events carry `seq` n, n+1, n+2, … (n = `firstSeq` when given). */
export function assertGapFreeSeq(userId: string, stream: readonly RunEvent[], firstSeq?: number): void {
  const first = stream[0];
  if (first === undefined) return;
  if (firstSeq !== undefined) {
    assert.equal(first.seq, firstSeq, `user '${userId}': the first event has seq ${first.seq}, expected ${firstSeq}`);
  }
  stream.forEach((event, i) => {
    assert.equal(
      event.seq,
      first.seq + i,
      `user '${userId}': event #${i} (${event.type} of run '${event.runId}') has seq ${event.seq}, expected ${first.seq + i} (gap, repeat or reorder)`,
    );
  });
}

function assertRunRules(runId: string, events: readonly RunEvent[], allowOpen: boolean): void {
  const head = events[0];
  if (head === undefined) return;
  const where = (event: RunEvent, index: number): string => `run '${runId}': ${describeEvent(event, index)}`;

  // Identity of the run is the same on every event.
  events.forEach((event, i) => {
    assert.equal(event.userId, head.userId, `${where(event, i)} has userId '${event.userId}', not '${head.userId}'`);
    assert.equal(event.threadId, head.threadId, `${where(event, i)} changes the threadId`);
    assert.equal(event.agent, head.agent, `${where(event, i)} changes the agent`);
  });

  // Rule 1: how a run begins.
  assert.ok(
    head.type === 'agent_started' || head.type === 'run_queued',
    `${where(head, 0)}: rule 1, a run's first event must be agent_started or run_queued`,
  );
  const starts = events.filter((e) => e.type === 'agent_started').length;
  const queued = events.filter((e) => e.type === 'run_queued').length;
  assert.ok(starts <= 1, `run '${runId}': rule 1, agent_started occurs ${starts} times`);
  assert.ok(queued <= 1, `run '${runId}': rule 1, run_queued occurs ${queued} times`);
  if (head.type === 'run_queued') {
    const second = events[1];
    if (second !== undefined) {
      assert.ok(
        second.type === 'agent_started' || second.type === 'agent_cancelled',
        `${where(second, 1)}: rule 1, after run_queued comes agent_started or (stopped while queued) agent_cancelled`,
      );
    }
  }

  // Rule 2: exactly one terminal event, last.
  const terminals = events.map((e, i) => ({ e, i })).filter(({ e }) => TERMINAL_EVENT_TYPES.has(e.type));
  if (!allowOpen || terminals.length > 0) {
    assert.equal(terminals.length, 1, `run '${runId}': rule 2, expected exactly one terminal event`);
  }
  const terminal = terminals[0];
  if (terminal !== undefined) {
    assert.equal(
      terminal.i,
      events.length - 1,
      `${where(terminal.e, terminal.i)}: rule 2, ${events.length - 1 - terminal.i} event(s) follow the terminal event`,
    );
    if (terminal.e.type === 'agent_completed' || terminal.e.type === 'agent_error') {
      assert.equal(starts, 1, `${where(terminal.e, terminal.i)}: rule 1, a run that never started cannot end so`);
    }
  }

  // Rule 3: tool calls are paired before the end.
  const open = new Map<string, string>();
  const closed = new Set<string>();
  events.forEach((event, i) => {
    if (event.type === 'tool_executing') {
      assert.ok(
        !open.has(event.toolCallId) && !closed.has(event.toolCallId),
        `${where(event, i)}: rule 3, tool call '${event.toolCallId}' is announced twice`,
      );
      assert.equal(starts, 1, `${where(event, i)}: a tool runs only in a started run`);
      open.set(event.toolCallId, event.toolName);
    } else if (event.type === 'tool_completed') {
      const name = open.get(event.toolCallId);
      assert.ok(
        name !== undefined,
        `${where(event, i)}: rule 3, tool_completed of '${event.toolCallId}' without an open tool_executing`,
      );
      assert.equal(event.toolName, name, `${where(event, i)}: rule 3, the tool name differs from its tool_executing`);
      if (!event.success) assert.equal(event.results, null, `${where(event, i)}: a failed tool call has results null`);
      open.delete(event.toolCallId);
      closed.add(event.toolCallId);
    }
  });
  if (terminal !== undefined) {
    assert.deepEqual(
      [...open.keys()],
      [],
      `run '${runId}': rule 3, tool call(s) still open at the terminal event ${terminal.e.type}`,
    );
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
