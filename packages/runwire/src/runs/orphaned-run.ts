import type { Clock } from '../clock.js';
import type { RunEvent } from '../protocol/run-events.js';
import { TERMINAL_EVENT_TYPES } from '../protocol/run-events.js';
import type { EventLog } from '../stores/event-log.js';
import type { RunStore } from '../stores/run-store.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import { copyRunRecord, type RunFailure, type RunRecord } from '../tracker/run-record.js';
import { abandonedToolCall } from './abandoned-tool-call.js';
import type { EventPublisher } from './event-publisher.js';

/** What ending an orphaned run needs. */
export interface OrphanedRunDeps {
  readonly tracker: AgentExecutionTracker;
  readonly events: EventLog;
  readonly runStore: RunStore;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
}

/**
 * Ends a run whose process is gone (a restart found it unfinished, or its node died), keeping the event rules.
 * The log is the truth of what clients were told: when it already holds the run's terminal event (the process died
 * after logging the end but before storing the record), that ending is stored and nothing is emitted; otherwise the
 * run's open tool calls are closed (`tool_completed {success:false}`) and it becomes `dead` with `error`, which emits
 * its one `agent_error`.
 *
 * @returns `'ended'` when this call ended it, `'already_ended'` when the log showed it had ended.
 */
export async function endOrphanedRun(
  deps: OrphanedRunDeps,
  record: RunRecord,
  error: RunFailure,
): Promise<'ended' | 'already_ended'> {
  const events = await deps.events.readRun(record.userId, record.runId);
  const lastSeq = events.reduce((max, e) => Math.max(max, e.seq), record.lastSeq);
  const terminal = events.find((e) => TERMINAL_EVENT_TYPES.has(e.type));
  if (terminal !== undefined) {
    const ended = endingOf({ ...copyRunRecord(record), lastSeq }, terminal);
    deps.tracker.adopt(ended);
    await deps.runStore.put(ended);
    return 'already_ended';
  }
  const open = new Map<string, Extract<RunEvent, { type: 'tool_executing' }>>();
  for (const e of events) {
    if (e.type === 'tool_executing') open.set(e.toolCallId, e);
    else if (e.type === 'tool_completed') open.delete(e.toolCallId);
  }
  deps.tracker.adopt({ ...copyRunRecord(record), lastSeq });
  const now = deps.clock.now();
  for (const call of open.values()) {
    const why = `The run ended (dead) before the tool finished: ${error.message}`;
    void deps.publisher.emit(record, abandonedToolCall(call, now - Date.parse(call.ts), why));
  }
  deps.tracker.transition(record.runId, 'dead', { error });
  return 'ended';
}

/** The record of a run as its logged terminal event says it ended. */
function endingOf(record: RunRecord, terminal: RunEvent): RunRecord {
  const endedAt = Date.parse(terminal.ts);
  switch (terminal.type) {
    case 'agent_completed':
      return { ...record, status: 'completed', endedAt, finalResponse: terminal.finalResponse };
    case 'agent_error':
      return { ...record, status: terminal.status, endedAt, error: terminal.error };
    case 'agent_cancelled':
      return { ...record, status: 'cancelled', endedAt, cancelReason: terminal.reason };
    default:
      return record;
  }
}
